package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// secretHolds keeps the in-use finalizer on each Secret a provider reads
// (credentials, CA bundle) exactly while some provider that reads it has
// Accounts referring to it. A finalizer, not a copy of the credentials in
// the manager's memory: it survives a restart of the manager (helm uninstall
// and upgrades restart it), and the Secret stays readable, and rotatable,
// where the user keeps it. It is keyed by Secret, because Secrets are shared:
// two providers may read one, and a provider may stop reading one (a spec
// change) or vanish (its finalizer removed by hand) without releasing it.
type secretHolds struct {
	client.Client
	APIReader client.Reader         // Secrets are not cached: their metadata is read uncached
	Kinds     []*ProviderReconciler // the provider kinds, for their Secret references
}

// sync adds or removes the Secret's in-use finalizer as its providers need.
// A Secret already being deleted gets no new finalizer (the apiserver refuses
// one); it goes when no provider in use reads it.
func (h *secretHolds) sync(ctx context.Context, key types.NamespacedName) error {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	if err := h.APIReader.Get(ctx, key, m); err != nil {
		return client.IgnoreNotFound(err)
	}
	needed, err := h.needed(ctx, key)
	if err != nil {
		return err
	}
	held := controllerutil.ContainsFinalizer(m, v1alpha1.InUseFinalizer)
	if needed == held || needed && !m.DeletionTimestamp.IsZero() {
		return nil
	}
	orig := m.DeepCopy()
	if needed {
		controllerutil.AddFinalizer(m, v1alpha1.InUseFinalizer)
	} else {
		controllerutil.RemoveFinalizer(m, v1alpha1.InUseFinalizer)
	}
	err = patchOptimistic(ctx, h.Client, m, orig)
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// needed: some provider, of either kind, reads the Secret and has Accounts
// referring to it.
func (h *secretHolds) needed(ctx context.Context, key types.NamespacedName) (bool, error) {
	for _, k := range h.Kinds {
		list := k.NewList()
		if err := h.List(ctx, list, client.MatchingFields{indexCredsRef: key.String()}); err != nil {
			return false, err
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return false, err
		}
		for _, it := range items {
			p, ok := it.(v1alpha1.ProviderObject)
			if !ok {
				continue
			}
			n, err := accountsUsing(ctx, h.Client, p)
			if err != nil || n > 0 {
				return n > 0, err
			}
		}
	}
	return false, nil
}

// secrets names the Secrets a provider reads.
func (h *secretHolds) secrets(p v1alpha1.ProviderObject) []types.NamespacedName {
	for _, k := range h.Kinds {
		if _, same := k.New().(*v1alpha1.AccountProvider); same == isNamespaced(p) {
			return k.secrets(p)
		}
	}
	return nil
}

func isNamespaced(p v1alpha1.ProviderObject) bool {
	_, ok := p.(*v1alpha1.AccountProvider)
	return ok
}

// Reconcile syncs one Secret's hold.
func (h *secretHolds) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return ctrl.Result{}, h.sync(ctx, req.NamespacedName)
}

// SetupWithManager registers the Secret hold controller. It is woken by a
// provider whose Secret references, deletion or finalizer change (both the
// Secrets it read and those it reads now), by a provider that is gone, and by
// a change of a Secret that is held or that a provider reads (created after
// the provider came in use, or being deleted).
func (h *secretHolds) SetupWithManager(mgr ctrl.Manager, refs *refWatches, opts controller.Options) error {
	b := ctrl.NewControllerManagedBy(mgr).Named("providersecrets").WithOptions(opts).
		WatchesRawSource(refs.secrets.source(h.bySecret))
	for _, k := range h.Kinds {
		b = b.Watches(k.New(), handler.EnqueueRequestsFromMapFunc(h.ofProvider),
			builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, finalizersChanged())))
	}
	return b.Complete(h)
}

// ofProvider maps a provider to the Secrets it reads.
func (h *secretHolds) ofProvider(_ context.Context, o client.Object) []reconcile.Request {
	p, ok := o.(v1alpha1.ProviderObject)
	if !ok {
		return nil
	}
	var out []reconcile.Request
	for _, key := range h.secrets(p) {
		out = append(out, reconcile.Request{NamespacedName: key})
	}
	return out
}

// bySecret maps a changed Secret to itself when it is held or read by a
// provider; changes missed in a namespace, to every Secret there a provider
// reads.
func (h *secretHolds) bySecret(ctx context.Context, c refChange) []reconcile.Request {
	if !c.Missed {
		key := types.NamespacedName{Namespace: c.Namespace, Name: c.Name}
		if c.Held || h.read(ctx, key) {
			return []reconcile.Request{{NamespacedName: key}}
		}
		return nil
	}
	var out []reconcile.Request
	for _, k := range h.Kinds {
		for _, req := range k.bySecret()(ctx, c) {
			p := k.New()
			if err := h.Get(ctx, req.NamespacedName, p); err != nil {
				continue
			}
			for _, key := range k.secrets(p) {
				if c.Namespace == "" || key.Namespace == c.Namespace {
					out = append(out, reconcile.Request{NamespacedName: key})
				}
			}
		}
	}
	return out
}

// read: some provider reads the Secret.
func (h *secretHolds) read(ctx context.Context, key types.NamespacedName) bool {
	for _, k := range h.Kinds {
		list := k.NewList()
		if err := h.List(ctx, list, client.MatchingFields{indexCredsRef: key.String()}); err == nil && meta.LenList(list) > 0 {
			return true
		}
	}
	return false
}
