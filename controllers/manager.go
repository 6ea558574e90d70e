package controllers

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// Options configure the controllers.
type Options struct {
	Kinds                   adapter.Set
	Namespaces              []string // watched namespaces; empty: all
	MaxConcurrentReconciles int
	DefaultPollInterval     time.Duration
	UpstreamTimeout         time.Duration
	ReconcileTimeout        time.Duration // deadline of one pass; 0: DefaultReconcileTimeout
	Registerer              prometheus.Registerer
}

// CacheOptions narrows the manager's cache: of Secrets and ConfigMaps only the
// operator's own connection Secrets and ConfigMaps are cached; other Secrets
// and ConfigMaps are never cached, read uncached when used, and their changes
// followed by name (refWatch).
func CacheOptions(namespaces []string) cache.Options {
	own := labels.SelectorFromSet(labels.Set{ManagedByLabel: ManagedByValue})
	opts := cache.Options{
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}:    {Label: own},
			&corev1.ConfigMap{}: {Label: own},
		},
	}
	if len(namespaces) > 0 {
		opts.DefaultNamespaces = map[string]cache.Config{}
		for _, ns := range namespaces {
			opts.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	return opts
}

// Setup registers the Account, AccountProvider and ClusterAccountProvider
// controllers with the manager.
func Setup(mgr ctrl.Manager, o Options) error {
	if o.DefaultPollInterval == 0 {
		o.DefaultPollInterval = DefaultPollInterval
	}
	metrics := NewMetrics(o.Registerer, o.Kinds)
	reg := &Registry{Kinds: o.Kinds, Reader: mgr.GetAPIReader(), Observer: metrics, Timeout: o.UpstreamTimeout}
	o.Registerer.MustRegister(snapshotCollector{reg: reg})
	refs, err := newRefWatches(mgr, o.Namespaces)
	if err != nil {
		return err
	}
	copts := controllerOptions(o)
	providers := []struct {
		name    string
		new     func() v1alpha1.ProviderObject
		newList func() client.ObjectList
	}{
		{"accountprovider", func() v1alpha1.ProviderObject { return &v1alpha1.AccountProvider{} },
			func() client.ObjectList { return &v1alpha1.AccountProviderList{} }},
		{"clusteraccountprovider", func() v1alpha1.ProviderObject { return &v1alpha1.ClusterAccountProvider{} },
			func() client.ObjectList { return &v1alpha1.ClusterAccountProviderList{} }},
	}
	holds := &secretHolds{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader()}
	for _, p := range providers {
		pr := &ProviderReconciler{Client: mgr.GetClient(), Registry: reg, New: p.new, NewList: p.newList,
			Metrics: metrics, DefaultPollInterval: o.DefaultPollInterval}
		if err := pr.SetupWithManager(mgr, refs, p.name, copts); err != nil {
			return err
		}
		holds.Kinds = append(holds.Kinds, pr)
		ur := &UsageReconciler{Client: mgr.GetClient(), New: p.new, holds: holds}
		if err := ur.SetupWithManager(mgr, p.name+"usage", copts); err != nil {
			return err
		}
	}
	if err := holds.SetupWithManager(mgr, refs, copts); err != nil {
		return err
	}
	ar := &AccountReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Scheme: mgr.GetScheme(),
		Registry: reg, Events: EventSink{Recorder: mgr.GetEventRecorder("account-operator")},
		Metrics: metrics, DefaultPollInterval: o.DefaultPollInterval}
	aopts := copts
	aopts.NewQueue = namespaceFairQueue
	return ar.SetupWithManager(mgr, refs, aopts)
}

// controllerOptions are the options of every controller: the same number of
// workers and the same deadline for each pass.
func controllerOptions(o Options) controller.Options {
	timeout := o.ReconcileTimeout
	if timeout <= 0 {
		timeout = DefaultReconcileTimeout
	}
	return controller.Options{MaxConcurrentReconciles: max(o.MaxConcurrentReconciles, 1),
		ReconciliationTimeout: timeout}
}
