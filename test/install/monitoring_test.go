package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The scrape jobs of the metrics Service: the Service's name, as the
// ServiceMonitor labels its targets.
const (
	kustomizeJob = "account-operator-controller-manager-metrics"
	chartJob     = "account-operator-metrics"
)

var dashboardFile = filepath.Join(repoRoot, "config", "grafana", "account-operator.json")

// onlyRule is the one PrometheusRule of a manifest.
func onlyRule(docs []document) *unstructured.Unstructured {
	GinkgoHelper()
	rules := ofKind(docs, "PrometheusRule")
	Expect(rules).To(HaveLen(1))
	return rules[0]
}

// expectJob checks that every selector of every rule reads the given job.
func expectJob(rules []rulefmt.Rule, job string) {
	GinkgoHelper()
	for _, r := range rules {
		e, err := promParser.ParseExpr(r.Expr)
		Expect(err).NotTo(HaveOccurred())
		for _, sel := range parser.ExtractSelectors(e) {
			Expect(sel).To(ContainElement(HaveField("String()", `job="`+job+`"`)), "%s: %s", r.Alert, r.Expr)
		}
	}
}

// byAlert indexes rules by alert name, each name once.
func byAlert(rules []rulefmt.Rule) map[string]rulefmt.Rule {
	GinkgoHelper()
	out := map[string]rulefmt.Rule{}
	for _, r := range rules {
		Expect(r.Alert).NotTo(BeEmpty(), "alerts only: %s", r.Expr)
		Expect(out).NotTo(HaveKey(r.Alert))
		out[r.Alert] = r
	}
	return out
}

var _ = Describe("The alert rules", func() {
	It("of config/prometheus pass Prometheus' rule checks, read only exported metrics and link their runbooks", func() {
		rules := checkRules(onlyRule(splitManifest(kustomize("prometheus"))))
		Expect(byAlert(rules)).To(HaveLen(9))
		for _, r := range rules {
			expectExportedMetrics(r.Expr)
		}
		expectRunbooks(rules)
		expectJob(rules, kustomizeJob)
		// The job is the metrics Service config/default installs.
		Expect(ofKind(splitManifest(kustomize("default")), "Service")[0].GetName()).To(Equal(kustomizeJob))
	})

	It("are rendered by the chart only when asked, as in config/prometheus, for the chart's metrics Service", func() {
		Expect(ofKind(splitManifest(helmTemplate()), "PrometheusRule")).To(BeEmpty())
		docs := splitManifest(helmTemplate("prometheusRule.enabled=true"))
		Expect(ofKind(docs, "Service")[0].GetName()).To(Equal(chartJob))
		chart := checkRules(onlyRule(docs))
		expectJob(chart, chartJob)
		expectRunbooks(chart)
		want := byAlert(checkRules(onlyRule(splitManifest(kustomize("prometheus")))))
		got := byAlert(chart)
		Expect(got).To(HaveLen(len(want)))
		for name, r := range got {
			r.Expr = strings.ReplaceAll(r.Expr, `job="`+chartJob+`"`, `job="`+kustomizeJob+`"`)
			Expect(r).To(Equal(want[name]), name)
		}
	})

	It("take their thresholds, durations, severities, job and labels from the chart's values", func() {
		// --set takes no fractions (they stay strings, which the schema refuses); --set-json does.
		r := helm("template", "account-operator", chartDir, "--namespace", namespace,
			"--set-json", "prometheusRule.alerts.upstreamErrors.ratio=0.25", "--set", strings.Join([]string{
				"prometheusRule.enabled=true", "prometheusRule.job=ops", "prometheusRule.labels.release=kps",
				"prometheusRule.alerts.accountErrors.threshold=12", "prometheusRule.alerts.accountsNotReady.for=2h",
				"prometheusRule.alerts.providerNotReady.severity=page", "prometheusRule.alerts.down.enabled=false",
				"prometheusRule.runbookBaseURL=https://wiki.example.com/docs/runbooks.md"}, ","))
		Expect(r.err).NotTo(HaveOccurred(), r.stderr)
		rule := onlyRule(splitManifest([]byte(r.stdout)))
		Expect(rule.GetLabels()).To(HaveKeyWithValue("release", "kps"))
		rules := checkRules(rule)
		expectJob(rules, "ops")
		got := byAlert(rules)
		Expect(got).NotTo(HaveKey("AccountOperatorDown"))
		Expect(got).To(HaveLen(8))
		Expect(got["AccountOperatorUpstreamErrors"].Expr).To(HaveSuffix("> 0.25"))
		Expect(got["AccountOperatorAccountErrors"].Expr).To(HaveSuffix("> 12"))
		Expect(got["AccountOperatorAccountsNotReady"].For).To(Equal(model.Duration(2 * 60 * 60 * 1e9)))
		Expect(got["AccountOperatorAccountsNotReady"].Annotations["summary"]).To(ContainSubstring("for 2h"))
		Expect(got["AccountOperatorProviderNotReady"].Labels).To(HaveKeyWithValue("severity", "page"))
		Expect(got["AccountOperatorWorkersSaturated"].Annotations).To(HaveKeyWithValue("runbook_url",
			"https://wiki.example.com/docs/runbooks.md#accountoperatorworkerssaturated"))
	})

	It("refuse a ratio above 1 or an unknown alert key", func() {
		for set, msg := range map[string]string{
			"prometheusRule.alerts.upstreamErrors.ratio=2": "maximum",
			"prometheusRule.alerts.typo.for=5m":            "'typo' not allowed",
			"prometheusRule.alerts.down.for=ten":           "pattern",
		} {
			r := helmTemplateResult(set)
			Expect(r.err).To(HaveOccurred(), set)
			Expect(r.stderr).To(ContainSubstring(msg), set)
		}
	})
})

// dashboard is what the tests read of a Grafana dashboard.
type dashboard struct {
	Title      string  `json:"title"`
	UID        string  `json:"uid"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	Title   string  `json:"title"`
	Type    string  `json:"type"`
	Panels  []panel `json:"panels"` // a collapsed row's
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// grafanaVars are the dashboard's variables as Grafana substitutes them.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$job", ".+", "${datasource}", "prometheus")

// expectDashboard checks a dashboard's JSON: every panel but rows queries
// PromQL that parses and reads only exported metrics, and so does every
// variable's label_values query.
func expectDashboard(raw []byte) {
	GinkgoHelper()
	var d dashboard
	Expect(json.Unmarshal(raw, &d)).To(Succeed())
	Expect(d.UID).NotTo(BeEmpty())
	var panels []panel
	for _, p := range d.Panels {
		panels = append(panels, p)
		panels = append(panels, p.Panels...)
	}
	queries := 0
	for _, p := range panels {
		if p.Type == "row" {
			continue
		}
		Expect(p.Targets).NotTo(BeEmpty(), p.Title)
		for _, t := range p.Targets {
			expectExportedMetrics(grafanaVars.Replace(t.Expr))
			queries++
		}
	}
	Expect(queries).To(BeNumerically(">=", 20))
	labelValues := regexp.MustCompile(`^label_values\((\w+), *\w+\)$`)
	for _, v := range d.Templating.List {
		if v.Definition == "" {
			continue
		}
		m := labelValues.FindStringSubmatch(v.Definition)
		Expect(m).To(HaveLen(2), v.Name)
		Expect(exported(m[1])).To(BeTrue(), v.Definition)
	}
}

var _ = Describe("The Grafana dashboard", func() {
	It("parses, and queries only exported metrics with PromQL that parses", func() {
		raw, err := os.ReadFile(dashboardFile)
		Expect(err).NotTo(HaveOccurred())
		expectDashboard(raw)
	})

	It("is shipped by config/grafana and, only when asked, by the chart, for the Grafana sidecar", func() {
		raw, err := os.ReadFile(dashboardFile)
		Expect(err).NotTo(HaveOccurred())
		chartCopy, err := os.ReadFile(filepath.Join(chartDir, "files", "dashboards", "account-operator.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(chartCopy)).To(Equal(string(raw)), "copy config/grafana/account-operator.json to the chart's files/dashboards/")

		Expect(ofKind(splitManifest(helmTemplate()), "ConfigMap")).To(BeEmpty())
		for _, docs := range [][]document{splitManifest(kustomize("grafana")),
			splitManifest(helmTemplate("grafanaDashboard.enabled=true"))} {
			maps := ofKind(docs, "ConfigMap")
			Expect(maps).To(HaveLen(1))
			Expect(maps[0].GetLabels()).To(HaveKeyWithValue("grafana_dashboard", "1"))
			data, _, _ := unstructured.NestedStringMap(maps[0].Object, "data")
			Expect(data).To(Equal(map[string]string{"account-operator.json": string(raw)}))
		}
	})

	It("goes to the namespace and carries the label and annotations the chart's values name", func() {
		maps := ofKind(splitManifest(helmTemplate("grafanaDashboard.enabled=true", "grafanaDashboard.namespace=grafana",
			"grafanaDashboard.label=dashboards", "grafanaDashboard.labelValue=ops",
			"grafanaDashboard.annotations.grafana_folder=Operators")), "ConfigMap")
		Expect(maps).To(HaveLen(1))
		Expect(maps[0].GetNamespace()).To(Equal("grafana"))
		Expect(maps[0].GetLabels()).To(HaveKeyWithValue("dashboards", "ops"))
		Expect(maps[0].GetAnnotations()).To(HaveKeyWithValue("grafana_folder", "Operators"))
	})
})
