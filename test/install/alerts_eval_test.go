package install

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/prometheus/prometheus/util/annotations"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// The alerts are evaluated as Prometheus evaluates alerting rules (every
// minute; firing once the expression has returned the same series for the
// rule's whole `for`), over series written in promtool's test notation
// (`metric{labels} 0+1x90`: one sample a minute). The label values are the
// operator's own: condition statuses, reasons, status codes, controller names.

// fSample is one float sample.
type fSample struct {
	t int64
	f float64
}

func (s fSample) T() int64                      { return s.t }
func (s fSample) ST() int64                     { return 0 }
func (s fSample) F() float64                    { return s.f }
func (s fSample) H() *histogram.Histogram       { return nil }
func (s fSample) FH() *histogram.FloatHistogram { return nil }
func (s fSample) Type() chunkenc.ValueType      { return chunkenc.ValFloat }
func (s fSample) Copy() chunks.Sample           { return s }

// loadSeries reads promtool-style series, one sample a minute from time 0.
func loadSeries(descs []string) []storage.Series {
	GinkgoHelper()
	var out []storage.Series
	for _, d := range descs {
		lset, values, err := promParser.ParseSeriesDesc(d)
		Expect(err).NotTo(HaveOccurred(), d)
		var samples []chunks.Sample
		for i, v := range values {
			if !v.Omitted {
				samples = append(samples, fSample{t: int64(i) * time.Minute.Milliseconds(), f: v.Value})
			}
		}
		out = append(out, storage.NewListSeries(lset, samples))
	}
	return out
}

// queryable serves the series to the engine.
func queryable(series []storage.Series) storage.Queryable {
	q := &storage.MockQuerier{SelectMockFunction: func(_ bool, _ *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
		set := &seriesSet{i: -1}
		for _, s := range series {
			if matchesAll(s.Labels(), ms) {
				set.series = append(set.series, s)
			}
		}
		slices.SortFunc(set.series, func(a, b storage.Series) int { return labels.Compare(a.Labels(), b.Labels()) })
		return set
	}}
	return storage.QueryableFunc(func(int64, int64) (storage.Querier, error) { return q, nil })
}

// seriesSet iterates over series sorted by their labels.
type seriesSet struct {
	series []storage.Series
	i      int
}

func (s *seriesSet) Next() bool                        { s.i++; return s.i < len(s.series) }
func (s *seriesSet) At() storage.Series                { return s.series[s.i] }
func (s *seriesSet) Err() error                        { return nil }
func (s *seriesSet) Warnings() annotations.Annotations { return nil }

func matchesAll(lset labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(lset.Get(m.Name)) {
			return false
		}
	}
	return true
}

// fires reports whether the alert fires by the end of the series: some
// series of its expression is returned at every evaluation for the rule's
// `for` (and at least once).
func fires(r rulefmt.Rule, series []string, minutes int) bool {
	GinkgoHelper()
	engine := promql.NewEngine(promql.EngineOpts{MaxSamples: 1e6, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})
	end := time.Unix(0, 0).Add(time.Duration(minutes) * time.Minute)
	q, err := engine.NewRangeQuery(context.Background(), queryable(loadSeries(series)), nil, r.Expr,
		time.Unix(0, 0), end, time.Minute)
	Expect(err).NotTo(HaveOccurred(), r.Expr)
	res := q.Exec(context.Background())
	Expect(res.Err).NotTo(HaveOccurred(), r.Expr)
	matrix, err := res.Matrix()
	Expect(err).NotTo(HaveOccurred())
	need := time.Duration(r.For).Milliseconds()
	for _, s := range matrix {
		run := int64(-1)
		for i, p := range s.Floats {
			if i == 0 || p.T != s.Floats[i-1].T+time.Minute.Milliseconds() {
				run = p.T
			}
			if p.T == end.UnixMilli() && p.T-run >= need {
				return true
			}
		}
	}
	return false
}

// series is a promtool series of the kustomize job.
func series(metric string, lbls map[string]string, values string) string {
	parts := []string{`job="` + kustomizeJob + `"`}
	for k, v := range lbls {
		parts = append(parts, fmt.Sprintf("%s=%q", k, v))
	}
	return fmt.Sprintf("%s{%s} %s", metric, strings.Join(parts, ","), values)
}

// alertCase is a history of series and whether the alert fires at its end.
type alertCase struct {
	about  string
	series []string
	fires  bool
}

var (
	ready    = string(metav1.ConditionTrue)
	notReady = string(metav1.ConditionFalse)
	code     = strconv.Itoa
)

// requests is an upstream's request counter of one status code, count per minute.
func requests(statusCode, perMinute int) string {
	return series("account_operator_upstream_requests_total",
		map[string]string{"upstream": "ccm", "operation": "GetAccount", "code": code(statusCode)}, fmt.Sprintf("0+%dx90", perMinute))
}

func accountErrors(reason, values string) string {
	return series("account_operator_reconcile_errors_total", map[string]string{"reason": reason}, values)
}

func providerReady(reason, values string) string {
	return series("account_operator_provider_ready",
		map[string]string{"kind": "ClusterAccountProvider", "name": "ccm", "reason": reason}, values)
}

func lists(result, values string) string {
	return series("account_operator_provider_lists_total",
		map[string]string{"kind": "ClusterAccountProvider", "name": "ccm", "result": result}, values)
}

func workers(active int) []string {
	return []string{
		series("controller_runtime_active_workers", map[string]string{"controller": "account"}, fmt.Sprintf("%dx90", active)),
		series("controller_runtime_max_concurrent_reconciles", map[string]string{"controller": "account"}, "32x90"),
	}
}

var alertCases = map[string][]alertCase{
	"AccountOperatorDown": {
		{"no scrape at all", []string{}, true},
		{"scrapes failing", []string{series("up", nil, "0x90")}, true},
		{"scraped", []string{series("up", nil, "1x90")}, false},
		{"scraped again 5m ago", []string{series("up", nil, "0x85 1x5")}, false},
	},
	"AccountOperatorAccountsNotReady": {
		{"Accounts not Ready for 90m", []string{series("account_operator_accounts", map[string]string{"upstream": "scp", "ready": notReady}, "2x90")}, true},
		{"Ready status Unknown for 90m", []string{series("account_operator_accounts", map[string]string{"upstream": "scp", "ready": "Unknown"}, "1x90")}, true},
		{"not Ready for 20m only", []string{series("account_operator_accounts", map[string]string{"upstream": "scp", "ready": notReady}, "_x70 1x20")}, false},
		{"all Ready", []string{series("account_operator_accounts", map[string]string{"upstream": "scp", "ready": ready}, "5x90")}, false},
	},
	"AccountOperatorAccountErrors": {
		{"one UpstreamError a minute", []string{accountErrors(v1alpha1.ReasonUpstreamError, "0+1x90")}, true},
		{"a stall now and then", []string{accountErrors(v1alpha1.ReasonInvalidSpec, "0+1x10 10x80")}, false},
		{"provider reasons are the provider alert's", []string{accountErrors(v1alpha1.ReasonProviderNotReady, "0+1x90")}, false},
	},
	"AccountOperatorProviderNotReady": {
		{"Unauthorized for 90m", []string{providerReady(v1alpha1.ReasonUnauthorized, "0x90")}, true},
		{"Unreachable for the last 10m", []string{providerReady(v1alpha1.ReasonVerified, "1x80 _x10"), providerReady(v1alpha1.ReasonUnreachable, "_x80 0x10")}, true},
		{"not Ready for 3m only", []string{providerReady(v1alpha1.ReasonVerified, "1x87 _x3"), providerReady(v1alpha1.ReasonUnreachable, "_x87 0x3")}, false},
		{"Ready", []string{providerReady(v1alpha1.ReasonVerified, "1x90")}, false},
		{"Accounts' provider reasons alone", []string{accountErrors(v1alpha1.ReasonProviderNotReady, "0+1x90")}, false},
	},
	"AccountOperatorProviderListingFailing": {
		{"every listing fails", []string{lists("failed", "0+1x90"), lists("ok", "3x90")}, true},
		{"some listings succeed", []string{lists("failed", "0+1x90"), lists("ok", "0+1x90")}, false},
		{"no failures", []string{lists("failed", "0x90"), lists("ok", "0+1x90")}, false},
	},
	"AccountOperatorUpstreamErrors": {
		{"20% 503", []string{requests(503, 2), requests(200, 8)}, true},
		{"20% no response", []string{requests(0, 2), requests(200, 8)}, true},
		{"5% 500", []string{requests(500, 1), requests(200, 19)}, false},
		{"404s are answers", []string{requests(404, 5), requests(200, 5)}, false},
	},
	"AccountOperatorUpstreamRateLimited": {
		{"10% 429", []string{requests(429, 1), requests(200, 9)}, true},
		{"no 429", []string{requests(503, 5), requests(200, 5)}, false},
	},
	"AccountOperatorReconcileErrors": {
		{"20% of reconciles fail", []string{
			series("controller_runtime_reconcile_errors_total", map[string]string{"controller": "account"}, "0+2x90"),
			series("controller_runtime_reconcile_total", map[string]string{"controller": "account", "result": "error"}, "0+2x90"),
			series("controller_runtime_reconcile_total", map[string]string{"controller": "account", "result": "success"}, "0+8x90")}, true},
		{"1% of reconciles fail", []string{
			series("controller_runtime_reconcile_errors_total", map[string]string{"controller": "account"}, "0+1x90"),
			series("controller_runtime_reconcile_total", map[string]string{"controller": "account", "result": "success"}, "0+99x90")}, false},
	},
	"AccountOperatorWorkersSaturated": {
		{"every worker busy", workers(32), true},
		{"some workers idle", workers(20), false},
	},
}

var _ = Describe("The alerts, evaluated over the operator's series", func() {
	It("fire when the condition lasts, and not otherwise", func() {
		rules := byAlert(checkRules(onlyRule(splitManifest(kustomize("prometheus")))))
		Expect(alertCases).To(HaveLen(len(rules)), "a history for every alert")
		for name, cases := range alertCases {
			Expect(rules).To(HaveKey(name))
			for _, c := range cases {
				Expect(fires(rules[name], c.series, 90)).To(Equal(c.fires), "%s: %s", name, c.about)
			}
		}
	})
})
