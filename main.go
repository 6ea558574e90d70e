// Command manager runs the account-operator controllers.
package main

import (
	"flag"
	"os"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
	scpadapter "github.com/account-operator/account-operator/internal/adapter/scp"
	vcadapter "github.com/account-operator/account-operator/internal/adapter/vectorcharts"
	"github.com/account-operator/account-operator/internal/logging"
	"github.com/account-operator/account-operator/internal/metricsendpoint"
)

// options are the manager's command-line flags.
type options struct {
	metrics          metricsendpoint.Options
	probeAddr        string
	pprofAddr        string
	leaderElect      bool
	leaderElectionNS string
	leaderElection   leaderElectionFlags
	shutdownTimeout  time.Duration
	concurrency      int
	pollInterval     time.Duration
	upstreamTimeout  time.Duration
	reconcileTimeout time.Duration
	namespaces       string
	qps              float64
	burst            int
	scpGrace         time.Duration
}

func main() {
	var o options
	o.metrics.BindFlags(flag.CommandLine)
	flag.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081",
		"Address the health and readiness probes bind to.")
	flag.StringVar(&o.pprofAddr, "pprof-bind-address", "",
		"Address the Go profiler (net/http/pprof) binds to, e.g. 127.0.0.1:6060; empty: off.")
	flag.BoolVar(&o.leaderElect, "leader-elect", false,
		"Enable leader election, so only one replica reconciles at a time.")
	flag.StringVar(&o.leaderElectionNS, "leader-election-namespace", "",
		"Namespace of the leader election lease; default: the manager's namespace.")
	o.leaderElection.bindFlags(flag.CommandLine)
	flag.DurationVar(&o.shutdownTimeout, "graceful-shutdown-timeout", 30*time.Second,
		"How long running reconciles may take to finish on shutdown.")
	flag.IntVar(&o.concurrency, "max-concurrent-reconciles", controllers.DefaultMaxConcurrentReconciles,
		"Accounts reconciled in parallel.")
	flag.DurationVar(&o.pollInterval, "default-poll-interval", controllers.DefaultPollInterval,
		"Drift check period for providers that set no spec.pollInterval.")
	flag.DurationVar(&o.upstreamTimeout, "upstream-timeout", controllers.DefaultUpstreamTimeout,
		"Timeout of one upstream HTTP request.")
	flag.DurationVar(&o.reconcileTimeout, "reconcile-timeout", controllers.DefaultReconcileTimeout,
		"Deadline of one reconcile pass of an Account or provider; keep it above the upstream timeout times 4 (one call and its retries).")
	flag.StringVar(&o.namespaces, "watch-namespaces", "",
		"Comma-separated namespaces whose Accounts and AccountProviders are reconciled; empty: all.")
	flag.Float64Var(&o.qps, "kube-api-qps", controllers.DefaultKubeAPIQPS, "Queries per second to the Kubernetes API.")
	flag.IntVar(&o.burst, "kube-api-burst", controllers.DefaultKubeAPIBurst, "Burst of queries to the Kubernetes API.")
	flag.DurationVar(&o.scpGrace, "scp-provisioning-grace", scpadapter.DefaultProvisioningGrace,
		"How long after a create an SCP organization 404 or a missing baseline assignment means still provisioning, not gone.")
	zapOpts := zap.Options{}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(logging.Capped(zap.New(zap.UseFlagOptions(&zapOpts))))

	if err := run(o); err != nil {
		ctrl.Log.Error(err, "Manager exited with an error")
		os.Exit(1)
	}
}

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(v1alpha1.AddToScheme(s))
	return s
}

func run(o options) error {
	log := ctrl.Log.WithName("setup")
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = float32(o.qps), o.burst
	metricsOpts, err := o.metrics.ServerOptions()
	if err != nil {
		return err
	}
	if err := o.leaderElection.validate(); err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  newScheme(),
		Cache:                   controllers.CacheOptions(splitList(o.namespaces)),
		Metrics:                 metricsOpts,
		HealthProbeBindAddress:  o.probeAddr,
		PprofBindAddress:        o.pprofAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        o.leaderElection.id,
		LeaderElectionNamespace: o.leaderElectionNS,
		LeaseDuration:           &o.leaderElection.leaseDuration,
		RenewDeadline:           &o.leaderElection.renewDeadline,
		RetryPeriod:             &o.leaderElection.retryPeriod,
		GracefulShutdownTimeout: &o.shutdownTimeout,
		// On SIGTERM, once the running reconciles have finished (or the
		// graceful shutdown timeout has passed), the lease is released and
		// the process ends at once (main returns): a standby takes over at its
		// next try instead of waiting out the lease, as after a kill.
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return err
	}
	err = controllers.Setup(mgr, controllers.Options{Kinds: kinds(o), Namespaces: splitList(o.namespaces),
		MaxConcurrentReconciles: o.concurrency, DefaultPollInterval: o.pollInterval,
		UpstreamTimeout: o.upstreamTimeout, ReconcileTimeout: o.reconcileTimeout, Registerer: metrics.Registry})
	if err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	log.Info("Starting manager")
	return mgr.Start(ctrl.SetupSignalHandler())
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// kinds is the set of upstreams the operator speaks: the one place that names
// every provider.
func kinds(o options) adapter.Set {
	return adapter.Set{ccmadapter.NewKind(), scpadapter.NewKind(scpadapter.WithProvisioningGrace(o.scpGrace)), vcadapter.NewKind()}
}
