package controllers

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Field indexes.
const (
	indexProvider  = "accounts.operator.dev/provider"  // Account → "<Kind>/<namespace>/<name>"
	indexRefs      = "accounts.operator.dev/refs"      // Account → refIndexValue of each reference
	indexCredsRef  = "accounts.operator.dev/secrets"   // provider → "<namespace>/<name>" of its Secrets
	indexNamespace = "accounts.operator.dev/clusterns" // Account using a ClusterAccountProvider → namespace
)

// SetupWithManager registers the Account controller, its indexes and watches.
func (r *AccountReconciler) SetupWithManager(mgr ctrl.Manager, refs *refWatches, opts controller.Options) error {
	ctx := context.Background()
	r.ownWrites = newOwnWrites()
	idx := mgr.GetFieldIndexer()
	if err := idx.IndexField(ctx, &v1alpha1.Account{}, indexProvider, accountProviderKey); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.Account{}, indexRefs, r.accountRefs); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.Account{}, indexNamespace, clusterNamespace); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Account{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, annotationsChanged()))).
		// Not Owns: a connection Secret under deletionPolicy Retain has no
		// owner reference; accountOf reads the Account from its marks.
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(byAccountOf),
			builder.WithPredicates(r.ownWrites.othersChanges())).
		Owns(&corev1.ConfigMap{}, builder.WithPredicates(r.ownWrites.othersChanges())).
		Watches(&v1alpha1.AccountProvider{}, r.byIndex(indexProvider, providerIndexValue),
			builder.WithPredicates(providerUsabilityChanged())).
		Watches(&v1alpha1.ClusterAccountProvider{}, r.byIndex(indexProvider, providerIndexValue),
			builder.WithPredicates(providerUsabilityChanged())).
		Watches(&corev1.Namespace{}, r.byIndex(indexNamespace, func(o client.Object) string { return o.GetName() }),
			builder.WithPredicates(predicate.LabelChangedPredicate{})).
		Watches(&corev1.Namespace{}, r.inNamespace(), builder.WithPredicates(namespaceDeletionStarted())).
		WatchesRawSource(refs.secrets.source(r.byRef(refSecret))).
		WatchesRawSource(refs.configMaps.source(r.byRef(refConfigMap))).
		WithOptions(opts).
		Named("account").
		Complete(r)
}

// byAccountOf maps a connection Secret to its Account.
func byAccountOf(_ context.Context, o client.Object) []reconcile.Request {
	if key, ok := accountOf(o); ok {
		return []reconcile.Request{{NamespacedName: key}}
	}
	return nil
}

// annotationsChanged passes a change of an Account's annotations other than
// the create-pending marker, which only this controller writes, in the pass
// that goes on to create.
func annotationsChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		if e.ObjectOld == nil || e.ObjectNew == nil {
			return false
		}
		return !maps.Equal(userAnnotations(e.ObjectOld), userAnnotations(e.ObjectNew))
	}}
}

func userAnnotations(o client.Object) map[string]string {
	out := maps.Clone(o.GetAnnotations())
	delete(out, v1alpha1.AnnotationCreatePending)
	return out
}

// byIndex maps an object to the Accounts whose index holds value(obj).
func (r *AccountReconciler) byIndex(index string, value func(client.Object) string) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		var list v1alpha1.AccountList
		if err := r.List(ctx, &list, client.MatchingFields{index: value(o)}); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, a := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&a)})
		}
		return out
	})
}

// byRef maps a changed Secret or ConfigMap to the Accounts in its namespace
// that refer to it; changes missed in a namespace, to every Account there
// that refers to any object of that kind.
func (r *AccountReconciler) byRef(kind refKind) handler.TypedMapFunc[refChange, reconcile.Request] {
	return func(ctx context.Context, c refChange) []reconcile.Request {
		opts := []client.ListOption{client.InNamespace(c.Namespace)}
		if !c.Missed {
			opts = append(opts, client.MatchingFields{indexRefs: refIndexValue(kind, c.Name)})
		}
		var list v1alpha1.AccountList
		if err := r.List(ctx, &list, opts...); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, a := range list.Items {
			if c.Missed && len(r.references(&a, kind)) == 0 {
				continue
			}
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&a)})
		}
		return out
	}
}

func accountProviderKey(o client.Object) []string {
	a := o.(*v1alpha1.Account)
	ns := ""
	if a.Spec.ProviderRef.Kind == v1alpha1.AccountProviderKind {
		ns = a.Namespace
	}
	return []string{fmt.Sprintf("%s/%s/%s", a.Spec.ProviderRef.Kind, ns, a.Spec.ProviderRef.Name)}
}

func providerIndexValue(o client.Object) string {
	if _, ok := o.(*v1alpha1.ClusterAccountProvider); ok {
		return fmt.Sprintf("%s//%s", v1alpha1.ClusterAccountProviderKind, o.GetName())
	}
	return fmt.Sprintf("%s/%s/%s", v1alpha1.AccountProviderKind, o.GetNamespace(), o.GetName())
}

func clusterNamespace(o client.Object) []string {
	a := o.(*v1alpha1.Account)
	if a.Spec.ProviderRef.Kind == v1alpha1.AccountProviderKind {
		return nil
	}
	return []string{a.Namespace}
}

// refKind is a kind of object an Account refers to by name.
type refKind string

const (
	refSecret    refKind = "secret"
	refConfigMap refKind = "configmap"
)

// refIndexValue is the indexRefs value of one reference.
func refIndexValue(kind refKind, name string) string { return string(kind) + "/" + name }

// accountRefs lists every Secret and ConfigMap an Account refers to.
func (r *AccountReconciler) accountRefs(o client.Object) []string {
	a := o.(*v1alpha1.Account)
	var out []string
	for _, kind := range []refKind{refSecret, refConfigMap} {
		for _, name := range r.references(a, kind) {
			out = append(out, refIndexValue(kind, name))
		}
	}
	return out
}

// references names the objects of kind an Account refers to, as its
// upstream's kind names them.
func (r *AccountReconciler) references(a *v1alpha1.Account, kind refKind) []string {
	var out []string
	for _, k := range r.Registry.Kinds {
		if !k.Wants(a) {
			continue
		}
		secrets, configMaps := k.References(a)
		if kind == refSecret {
			out = append(out, secrets...)
		} else {
			out = append(out, configMaps...)
		}
	}
	return out
}

// SetupWithManager registers a provider controller for one kind. It gets as
// many workers as the Account controller: one slow credential check (an
// unreachable endpoint) must not hold up every other provider's.
func (r *ProviderReconciler) SetupWithManager(mgr ctrl.Manager, refs *refWatches, name string, opts controller.Options) error {
	obj := r.New()
	if err := mgr.GetFieldIndexer().IndexField(context.Background(), obj, indexCredsRef, r.providerSecrets); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(obj, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, probePredicate()))).
		WatchesRawSource(refs.secrets.source(r.bySecret())).
		WithOptions(opts).
		Named(name).
		Complete(r)
}

// bySecret maps a changed Secret to the providers that use it; changes missed
// in a namespace, to every provider that uses a Secret there.
func (r *ProviderReconciler) bySecret() handler.TypedMapFunc[refChange, reconcile.Request] {
	return func(ctx context.Context, c refChange) []reconcile.Request {
		var opts []client.ListOption
		if !c.Missed {
			opts = append(opts, client.MatchingFields{indexCredsRef: types.NamespacedName{Namespace: c.Namespace, Name: c.Name}.String()})
		}
		list := r.NewList()
		if err := r.List(ctx, list, opts...); err != nil {
			return nil
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil
		}
		inScope := func(k types.NamespacedName) bool { return c.Namespace == "" || k.Namespace == c.Namespace }
		out := make([]reconcile.Request, 0, len(items))
		for _, it := range items {
			p, ok := it.(v1alpha1.ProviderObject)
			if !ok || c.Missed && !slices.ContainsFunc(r.secrets(p), inScope) {
				continue
			}
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(p)})
		}
		return out
	}
}

// providerSecrets is the indexCredsRef value: "<namespace>/<name>" of each of
// a provider's Secrets.
func (r *ProviderReconciler) providerSecrets(o client.Object) []string {
	var out []string
	for _, k := range r.secrets(o.(v1alpha1.ProviderObject)) {
		out = append(out, k.String())
	}
	return out
}

// secrets names a provider's credentials and CA bundle Secrets.
func (r *ProviderReconciler) secrets(p v1alpha1.ProviderObject) []types.NamespacedName {
	spec := p.ProviderSpec()
	var out []types.NamespacedName
	if kind := r.Registry.Kinds.For(spec); kind != nil {
		_, ref := kind.Endpoint(spec)
		out = append(out, types.NamespacedName{Namespace: p.SecretNamespace(ref.Namespace), Name: string(ref.Name)})
	}
	if ca := spec.CABundleSecretRef; ca != nil {
		out = append(out, types.NamespacedName{Namespace: p.SecretNamespace(ca.Namespace), Name: string(ca.Name)})
	}
	return out
}
