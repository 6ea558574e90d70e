package install

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

var promParser = parser.NewParser(parser.Options{})

// checkRules runs Prometheus' own checks of a rules file (rulefmt.Parse, what
// `promtool check rules` runs: known keys, one of alert or record, a PromQL
// expression that parses, durations, label and annotation templates that
// parse) over a PrometheusRule's spec, and returns its rules.
func checkRules(rule *unstructured.Unstructured) []rulefmt.Rule {
	GinkgoHelper()
	spec, ok := rule.Object["spec"].(map[string]any)
	Expect(ok).To(BeTrue(), "a PrometheusRule has a spec")
	raw, err := yaml.Marshal(spec)
	Expect(err).NotTo(HaveOccurred())
	groups, errs := rulefmt.Parse(raw, false, model.UTF8Validation, promParser)
	Expect(errs).To(BeEmpty(), string(raw))
	var out []rulefmt.Rule
	for _, g := range groups.Groups {
		out = append(out, g.Rules...)
	}
	return out
}

// metricNames are the metric names an expression selects.
func metricNames(expr string) []string {
	GinkgoHelper()
	e, err := promParser.ParseExpr(expr)
	Expect(err).NotTo(HaveOccurred(), expr)
	var names []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == model.MetricNameLabel && m.Type == labels.MatchEqual {
				name = m.Value
			}
		}
		Expect(name).NotTo(BeEmpty(), "%s: every selector names its metric", expr)
		names = append(names, name)
		return nil
	})
	Expect(names).NotTo(BeEmpty(), expr)
	return names
}

// expectExportedMetrics checks that every metric an expression reads is one
// the manager exports, and that every label it matches or groups the
// operator's own metrics by is one they carry.
func expectExportedMetrics(expr string) {
	GinkgoHelper()
	for _, name := range metricNames(expr) {
		Expect(exported(name)).To(BeTrue(), "%s reads %s, which the manager does not export", expr, name)
	}
	e, err := promParser.ParseExpr(expr)
	Expect(err).NotTo(HaveOccurred())
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			if strings.HasPrefix(n.Name, ownPrefix) {
				for _, m := range n.LabelMatchers {
					if m.Name != model.MetricNameLabel {
						Expect(hasLabel(n.Name, m.Name)).To(BeTrue(), "%s: %s has no label %s", expr, n.Name, m.Name)
					}
				}
			}
		case *parser.AggregateExpr:
			for _, name := range metricNames(n.Expr.String()) {
				for _, l := range n.Grouping {
					if strings.HasPrefix(name, ownPrefix) {
						Expect(hasLabel(name, l)).To(BeTrue(), "%s: %s has no label %s", expr, name, l)
					}
				}
			}
		}
		return nil
	})
}

// ownPrefix names the operator's own metrics.
const ownPrefix = "account_operator_"

// docAnchors are the anchors GitHub gives a Markdown file's headings.
func docAnchors(path string) map[string]bool {
	GinkgoHelper()
	f, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = f.Close() }()
	drop := regexp.MustCompile(`[^a-z0-9 _-]`)
	anchors := map[string]bool{}
	s := bufio.NewScanner(f)
	inCode := false
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		if inCode || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		anchors[strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(title), ""), " ", "-")] = true
	}
	Expect(s.Err()).NotTo(HaveOccurred())
	return anchors
}

var runbooksDoc = filepath.Join(repoRoot, "docs", "runbooks.md")

// expectRunbooks checks that every alert links a runbook section that exists
// in docs/runbooks.md.
func expectRunbooks(rules []rulefmt.Rule) {
	GinkgoHelper()
	anchors := docAnchors(runbooksDoc)
	for _, r := range rules {
		url := r.Annotations["runbook_url"]
		page, anchor, ok := strings.Cut(url, "#")
		Expect(ok).To(BeTrue(), "%s: runbook_url %q has an anchor", r.Alert, url)
		Expect(page).To(HaveSuffix("/docs/runbooks.md"), r.Alert)
		Expect(anchors).To(HaveKey(anchor), "%s: docs/runbooks.md has no section #%s", r.Alert, anchor)
		Expect(r.Annotations).To(HaveKey("summary"), r.Alert)
		Expect(r.Labels).To(HaveKey("severity"), r.Alert)
	}
}
