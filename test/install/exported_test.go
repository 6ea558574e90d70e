package install

import (
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
)

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
			Registerer: reg,
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
			"account_operator_upstream_request_duration_seconds_bucket", "controller_runtime_reconcile_total",
			"controller_runtime_active_workers", "workqueue_depth", "rest_client_requests_total"} {
			Expect(exported(name)).To(BeTrue(), name)
		}
		for _, name := range []string{"account_operator_provider_ready", "account_operator_accounts_total",
			"account_operator_upstream_errors_total"} {
			Expect(exported(name)).To(BeFalse(), name)
		}
	})
})
