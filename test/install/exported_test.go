package install

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
	scpadapter "github.com/account-operator/account-operator/internal/adapter/scp"
	vcadapter "github.com/account-operator/account-operator/internal/adapter/vectorcharts"
)

// scraperMetrics are series Prometheus itself makes for every target.
var scraperMetrics = map[string]bool{"up": true}

var (
	operatorRegistryOnce sync.Once
	operatorRegistry     *prometheus.Registry
	// operatorLabels are the label names of each of the operator's own metrics.
	operatorLabels = map[string][]string{}
)

// describing is a registry that also records the label names of every
// metric registered with it, from the collectors' descriptions.
type describing struct{ *prometheus.Registry }

// descPattern reads a prometheus.Desc's String(): the registries offer no
// other way to a description's name and variable labels.
var descPattern = regexp.MustCompile(`^Desc\{fqName: "([^"]+)", .*variableLabels: \{([^}]*)\}\}$`)

func (d describing) Register(c prometheus.Collector) error {
	ch := make(chan *prometheus.Desc)
	go func() { c.Describe(ch); close(ch) }()
	for desc := range ch {
		m := descPattern.FindStringSubmatch(desc.String())
		Expect(m).To(HaveLen(3), desc.String())
		operatorLabels[m[1]] = strings.FieldsFunc(m[2], func(r rune) bool { return r == ',' })
	}
	return d.Registry.Register(c)
}

func (d describing) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		Expect(d.Register(c)).To(Succeed())
	}
}

// ownRegistry is a registry with the operator's own metrics, registered as
// main.go does: controllers.Setup on a manager (not started), which needs
// the CRDs served.
func ownRegistry() *prometheus.Registry {
	GinkgoHelper()
	operatorRegistryOnce.Do(func() {
		installCRDs(splitManifest(kustomize("crd")), "install-test-metrics")
		scheme := runtime.NewScheme()
		Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
		Expect(v1alpha1.AddToScheme(scheme)).To(Succeed())
		mgr, err := ctrl.NewManager(testEnv.Config, ctrl.Options{Scheme: scheme,
			Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0"})
		Expect(err).NotTo(HaveOccurred())
		reg := prometheus.NewRegistry()
		Expect(controllers.Setup(mgr, controllers.Options{
			Kinds:      adapter.Set{ccmadapter.NewKind(), scpadapter.NewKind(), vcadapter.NewKind()},
			Registerer: describing{reg},
		})).To(Succeed())
		operatorRegistry = reg
	})
	return operatorRegistry
}

// exported reports whether the manager serves a metric of this name: the
// operator's own (controllers.Setup) or controller-runtime's (its global
// registry, which the manager serves too: reconciles, work queues, client
// requests, process and Go). A histogram's _bucket, _sum and _count series
// count as the histogram. The registries do not list their names, so each is
// asked to register a probe of that name: a name already taken is refused.
func exported(name string) bool {
	GinkgoHelper()
	if scraperMetrics[name] {
		return true
	}
	for _, base := range []string{name, strings.TrimSuffix(name, "_bucket"), strings.TrimSuffix(name, "_sum"),
		strings.TrimSuffix(name, "_count")} {
		for _, reg := range []prometheus.Registerer{ownRegistry(), crmetrics.Registry} {
			if taken(reg, base) {
				return true
			}
		}
	}
	return false
}

func taken(reg prometheus.Registerer, name string) bool {
	probe := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: "probe"})
	if err := reg.Register(probe); err != nil {
		return true
	}
	reg.Unregister(probe)
	return false
}

var _ = Describe("The exported-metric check", func() {
	It("knows the operator's and controller-runtime's metrics, and no other", func() {
		for _, name := range []string{"account_operator_accounts", "account_operator_provider_lists_total",
			"account_operator_provider_ready", "account_operator_upstream_request_duration_seconds_bucket", "controller_runtime_reconcile_total",
			"controller_runtime_active_workers", "workqueue_depth", "rest_client_requests_total"} {
			Expect(exported(name)).To(BeTrue(), name)
		}
		for _, name := range []string{"account_operator_provider_verified", "account_operator_accounts_total",
			"account_operator_upstream_errors_total"} {
			Expect(exported(name)).To(BeFalse(), name)
		}
		Expect(hasLabel("account_operator_accounts", "ready")).To(BeTrue())
		Expect(hasLabel("account_operator_provider_ready", "reason")).To(BeTrue())
		Expect(hasLabel("account_operator_provider_lists_total", "exported_namespace")).To(BeTrue())
		Expect(hasLabel("account_operator_upstream_request_duration_seconds_bucket", "le")).To(BeTrue())
		Expect(hasLabel("account_operator_provider_lists_total", "upstream")).To(BeFalse())
		Expect(hasLabel("account_operator_accounts", "exported_ready")).To(BeFalse())
	})
})

// targetLabels are the labels Prometheus adds to every series of a target it
// finds through a ServiceMonitor; a metric's own label of the same name is
// kept as exported_<name>.
var targetLabels = map[string]bool{"job": true, "instance": true, "namespace": true, "service": true,
	"pod": true, "container": true, "endpoint": true}

// hasLabel reports whether a series of one of the operator's own metrics can
// carry the label.
func hasLabel(metric, label string) bool {
	GinkgoHelper()
	if targetLabels[label] {
		return true
	}
	base := metric
	if _, ok := operatorLabels[base]; !ok {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			base = strings.TrimSuffix(base, suffix)
		}
		if label == "le" && strings.HasSuffix(metric, "_bucket") {
			return true
		}
	}
	names, ok := operatorLabels[base]
	Expect(ok).To(BeTrue(), "%s is not one of the operator's metrics", metric)
	own, _ := strings.CutPrefix(label, "exported_")
	return slices.Contains(names, label) || (own != label && targetLabels[own] && slices.Contains(names, own))
}
