package controllers

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// Metrics are the operator's own Prometheus metrics. It also implements
// httpapi.Observer for the upstream clients.
type Metrics struct {
	kinds    adapter.Set
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	accounts *prometheus.Desc
	// lookups and inventory: observe by list (metrics_snapshot.go).
	lookups   *prometheus.CounterVec
	inventory *prometheus.GaugeVec
	// providers is each provider's Ready condition (metrics_snapshot.go).
	providers *prometheus.GaugeVec

	mu    sync.Mutex
	ready map[types.NamespacedName][2]string // upstream, ready
}

// NewMetrics registers the metrics with reg.
func NewMetrics(reg prometheus.Registerer, kinds adapter.Set) *Metrics {
	m := &Metrics{
		kinds: kinds,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "account_operator_upstream_requests_total",
			Help: "Upstream HTTP requests by kind of upstream (ccm, scp, vectorCharts), operation and status code (0: no response)."},
			[]string{"upstream", "operation", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "account_operator_upstream_request_duration_seconds",
			Help: "Upstream HTTP request latency.", Buckets: prometheus.DefBuckets},
			[]string{"upstream", "operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "account_operator_reconcile_errors_total",
			Help: "Account reconciles that ended in an error or a stall, by reason."}, []string{"reason"}),
		accounts: prometheus.NewDesc("account_operator_accounts",
			"Accounts by kind of upstream (ccm, scp, vectorCharts) and Ready status.", []string{"upstream", "ready"}, nil),
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "account_operator_snapshot_lookups_total",
			Help: "Steady-state polls that looked their account up in the provider's snapshot of the upstream's " +
				"listing, by kind of upstream and whether it was listed (false: the account was read)."},
			[]string{"upstream", "listed"}),
		inventory: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "account_operator_provider_inventory_accounts",
			Help: "Upstream accounts a provider's credentials can see, by whether an Account manages them " +
				"(from the provider's last complete listing)."},
			[]string{"kind", "namespace", "name", "managed"}),
		providers: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "account_operator_provider_ready",
			Help: "1 while a provider's Ready condition is True, 0 while it is not, with the condition's reason " +
				"(one series per provider)."},
			[]string{"kind", "namespace", "name", "reason"}),
		ready: map[types.NamespacedName][2]string{},
	}
	reg.MustRegister(m.requests, m.latency, m.errors, m.lookups, m.inventory, m.providers, m)
	return m
}

// ObserveRequest implements httpapi.Observer.
func (m *Metrics) ObserveRequest(upstream, op string, code int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(upstream, op, strconv.Itoa(code)).Inc()
	m.latency.WithLabelValues(upstream, op).Observe(d.Seconds())
}

// observeAccount records an Account's Ready state and any failure.
func (m *Metrics) observeAccount(a *v1alpha1.Account, o *outcome) {
	if m == nil {
		return
	}
	if o.phase == PhaseError || o.phase == PhaseStalled {
		m.errors.WithLabelValues(o.reason).Inc()
	}
	name := "unknown"
	for _, k := range m.kinds {
		if k.Wants(a) {
			name = k.Name()
		}
	}
	status := "Unknown"
	if c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		status = string(c.Status)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ready[types.NamespacedName{Namespace: a.Namespace, Name: a.Name}] = [2]string{name, status}
}

// forget drops a deleted Account from the gauge.
func (m *Metrics) forget(key types.NamespacedName) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.ready, key)
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) { ch <- m.accounts }

// Collect implements prometheus.Collector: the gauge is counted at scrape time.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	counts := map[[2]string]int{}
	for _, v := range m.ready {
		counts[v]++
	}
	m.mu.Unlock()
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(m.accounts, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}
