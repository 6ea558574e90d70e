package controllers

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// The in-use protection writes the providers' and Secrets' metadata.
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accountproviders;clusteraccountproviders,verbs=patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=patch

// UsageReconciler keeps a provider's record of the Accounts that refer to it:
// status.accountCount, the in-use finalizer (on the provider, and through
// secretHolds on the Secrets it reads) while the count is above zero, and the
// Deleting condition while its deletion waits for them. It counts with the
// cache's index of Accounts by provider and makes no upstream call, so the
// Account events that wake it cost nothing upstream; its status write happens
// only when the count or the condition changes.
type UsageReconciler struct {
	client.Client
	// New returns an empty object of the kind this reconciler serves.
	New   func() v1alpha1.ProviderObject
	holds *secretHolds

	written sync.Map // provider key → time of its last status write
}

// usageWriteEvery spaces one provider's status writes: Accounts created or
// deleted by the hundred change its count as often, and the count it shows
// a second later is as good; the last change is always written.
const usageWriteEvery = time.Second

// Reconcile brings one provider's finalizer and usage status in line with
// the Accounts that refer to it.
func (r *UsageReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	p := r.New()
	if err := r.Get(ctx, req.NamespacedName, p); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.written.Delete(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	n, err := accountsUsing(ctx, r.Client, p)
	if err != nil {
		return ctrl.Result{}, err
	}
	deleting := !p.GetDeletionTimestamp().IsZero()
	if n > 0 && !deleting && !controllerutil.ContainsFinalizer(p, v1alpha1.InUseFinalizer) {
		// The Secrets first: an Account waits for the provider's finalizer
		// before it creates anything, so by then the Secrets are held too.
		for _, key := range r.holds.secrets(p) {
			if err := r.holds.sync(ctx, key); err != nil {
				return ctrl.Result{}, err
			}
		}
		if err := r.patchFinalizers(ctx, p, controllerutil.AddFinalizer); err != nil {
			return ctrl.Result{}, err
		}
	}
	if n == 0 && controllerutil.ContainsFinalizer(p, v1alpha1.InUseFinalizer) {
		// secretHolds releases the Secrets when it sees the finalizer go.
		if err := r.patchFinalizers(ctx, p, controllerutil.RemoveFinalizer); err != nil || deleting {
			return ctrl.Result{}, client.IgnoreNotFound(err)
		}
	}
	wait, err := r.writeStatus(ctx, p, n)
	return ctrl.Result{RequeueAfter: wait}, err
}

// patchFinalizers adds or removes the in-use finalizer with a merge patch
// that carries the resourceVersion read, so a stale view conflicts instead of
// overwriting another writer's finalizers.
func (r *UsageReconciler) patchFinalizers(ctx context.Context, p v1alpha1.ProviderObject,
	change func(client.Object, string) bool) error {
	orig := p.DeepCopyObject().(client.Object)
	change(p, v1alpha1.InUseFinalizer)
	return patchOptimistic(ctx, r.Client, p, orig)
}

// writeStatus records the count and, while the provider's deletion waits,
// the Deleting condition; it writes only when either changed, and at most
// once per usageWriteEvery: sooner, it answers how long to wait instead.
func (r *UsageReconciler) writeStatus(ctx context.Context, p v1alpha1.ProviderObject, n int) (time.Duration, error) {
	st := p.ProviderStatus()
	before := st.DeepCopy()
	st.AccountCount = int32(n)
	if p.GetDeletionTimestamp().IsZero() || n == 0 {
		meta.RemoveStatusCondition(&st.Conditions, v1alpha1.ConditionDeleting)
	} else {
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: v1alpha1.ConditionDeleting,
			Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonInUse, ObservedGeneration: p.GetGeneration(),
			Message: deletionWaitsMessage(p, n)})
	}
	if equality.Semantic.DeepEqual(before, st) {
		return 0, nil
	}
	key := client.ObjectKeyFromObject(p)
	if last, ok := r.written.Load(key); ok {
		if wait := usageWriteEvery - time.Since(last.(time.Time)); wait > 0 {
			return wait, nil
		}
	}
	if err := r.Status().Update(ctx, p); err != nil {
		return 0, client.IgnoreNotFound(err)
	}
	r.written.Store(key, time.Now())
	return 0, nil
}

// deletionWaitsMessage tells the user why the provider stays and how to
// list and let go of the Accounts it waits for.
func deletionWaitsMessage(p v1alpha1.ProviderObject, n int) string {
	kind, scope := v1alpha1.ClusterAccountProviderKind, "-A"
	if _, ok := p.(*v1alpha1.AccountProvider); ok {
		kind, scope = v1alpha1.AccountProviderKind, "-n "+p.GetNamespace()
	}
	return fmt.Sprintf("deletion waits for %d Account(s) that use this provider, so that each can still delete its "+
		"upstream account; delete them first (kubectl get accounts %s --field-selector "+
		"spec.providerRef.kind=%s,spec.providerRef.name=%s), or set spec.deletionPolicy: Orphan on an Account to let it "+
		"go without deleting its upstream account", n, scope, kind, p.GetName())
}

// accountsUsing counts, in the cache's index, the Accounts whose providerRef
// names p, whatever their state (one being deleted still needs it). No copy
// of them is made.
func accountsUsing(ctx context.Context, c client.Reader, p v1alpha1.ProviderObject) (int, error) {
	var list v1alpha1.AccountList
	if err := c.List(ctx, &list, client.MatchingFields{indexProvider: providerIndexValue(p)},
		client.UnsafeDisableDeepCopy); err != nil {
		return 0, err
	}
	return len(list.Items), nil
}

// SetupWithManager registers the usage controller of one provider kind. It is
// woken by its provider's spec, deletion and finalizer changes, and by
// Accounts that start or stop referring to it (created or gone: providerRef
// is immutable).
func (r *UsageReconciler) SetupWithManager(mgr ctrl.Manager, name string, opts controller.Options) error {
	obj := r.New()
	return ctrl.NewControllerManagedBy(mgr).
		For(obj, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, finalizersChanged()))).
		Watches(&v1alpha1.Account{}, handler.EnqueueRequestsFromMapFunc(r.providerOf),
			builder.WithPredicates(predicate.Funcs{
				UpdateFunc:  func(event.UpdateEvent) bool { return false },
				GenericFunc: func(event.GenericEvent) bool { return false },
			})).
		WithOptions(opts).
		Named(name).
		Complete(r)
}

// providerOf maps an Account to its provider, when it is of this kind.
func (r *UsageReconciler) providerOf(_ context.Context, o client.Object) []reconcile.Request {
	a, ok := o.(*v1alpha1.Account)
	if !ok {
		return nil
	}
	_, namespaced := r.New().(*v1alpha1.AccountProvider)
	ref := a.Spec.ProviderRef
	switch {
	case namespaced && ref.Kind == v1alpha1.AccountProviderKind:
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: a.Namespace, Name: string(ref.Name)}}}
	case !namespaced && ref.Kind != v1alpha1.AccountProviderKind:
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: string(ref.Name)}}}
	}
	return nil
}

// finalizersChanged passes updates that add or remove a finalizer.
func finalizersChanged() predicate.Funcs {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return e.ObjectOld != nil && e.ObjectNew != nil &&
			!equality.Semantic.DeepEqual(e.ObjectOld.GetFinalizers(), e.ObjectNew.GetFinalizers())
	}}
}
