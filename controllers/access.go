package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/snapshot"
)

// binding is an Account's resolved provider.
type binding struct {
	object   v1alpha1.ProviderObject
	kind     adapter.Kind
	upstream adapter.Upstream
	snapshot *snapshot.Snapshot // nil: the upstream cannot list
}

// resolveProvider finds the Account's provider object and enforces the tenancy
// rules: an AccountProvider only from its own namespace, a
// ClusterAccountProvider only from namespaces its selector matches, and the
// Account's upstream block must match the provider's upstream.
func (r *AccountReconciler) resolveProvider(ctx context.Context, a *v1alpha1.Account) (*binding, error) {
	obj, err := r.providerObject(ctx, a)
	if err != nil {
		return nil, err
	}
	if err := r.allowed(ctx, a, obj); err != nil {
		return nil, err
	}
	kind := r.Registry.Kinds.For(obj.ProviderSpec())
	if kind == nil || !kind.Wants(a) {
		return nil, adapter.Terminalf(v1alpha1.ReasonProviderMismatch,
			"spec.providerRef: %s %q serves %s, which does not match the Account's upstream block",
			a.Spec.ProviderRef.Kind, obj.GetName(), upstreamName(kind))
	}
	if err := providerReady(a, obj); err != nil {
		return nil, err
	}
	prov, _, ok := r.Registry.Cached(obj)
	if !ok {
		if prov, _, err = r.Registry.Build(ctx, obj); err != nil {
			return nil, err
		}
	}
	return &binding{object: obj, kind: kind, upstream: prov, snapshot: r.Registry.Snapshot(obj)}, nil
}

func (r *AccountReconciler) providerObject(ctx context.Context, a *v1alpha1.Account) (v1alpha1.ProviderObject, error) {
	ref := a.Spec.ProviderRef
	var obj v1alpha1.ProviderObject
	key := client.ObjectKey{Name: string(ref.Name)}
	if ref.Kind == v1alpha1.AccountProviderKind {
		obj, key.Namespace = &v1alpha1.AccountProvider{}, a.Namespace
	} else {
		obj = &v1alpha1.ClusterAccountProvider{}
	}
	if err := r.Get(ctx, key, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, adapter.Terminalf(v1alpha1.ReasonProviderNotFound,
				"spec.providerRef: %s %q not found", ref.Kind, ref.Name)
		}
		return nil, err
	}
	return obj, nil
}

func (r *AccountReconciler) allowed(ctx context.Context, a *v1alpha1.Account, obj v1alpha1.ProviderObject) error {
	cp, ok := obj.(*v1alpha1.ClusterAccountProvider)
	if !ok || cp.Spec.NamespaceSelector == nil {
		return nil
	}
	match, err := r.namespaceMatches(ctx, a.Namespace, cp.Spec.NamespaceSelector)
	if err != nil {
		return adapter.Terminalf(v1alpha1.ReasonProviderNotAllowed,
			"spec.providerRef: ClusterAccountProvider %q has an invalid namespaceSelector", cp.Name)
	}
	if !match {
		return adapter.Terminalf(v1alpha1.ReasonProviderNotAllowed,
			"spec.providerRef: ClusterAccountProvider %q does not allow namespace %q", cp.Name, a.Namespace)
	}
	return nil
}

// adoptionAllowed: through a ClusterAccountProvider, spec.externalID may take
// over an existing upstream account only from namespaces its
// adoptionNamespaceSelector selects; otherwise any tenant could claim, rename
// or delete another team's account by its id. A namespaced AccountProvider
// uses the tenant's own credentials, so adoption through it is the tenant's
// own business.
func (r *AccountReconciler) adoptionAllowed(ctx context.Context, a *v1alpha1.Account, obj v1alpha1.ProviderObject) error {
	cp, ok := obj.(*v1alpha1.ClusterAccountProvider)
	if !ok {
		return nil
	}
	refuse := func(why string) error {
		return adapter.Terminalf(v1alpha1.ReasonAdoptionNotAllowed,
			"spec.externalID: ClusterAccountProvider %q %s; ask its administrator to select namespace %q "+
				"in spec.adoptionNamespaceSelector, or remove spec.externalID to create a new account", cp.Name, why, a.Namespace)
	}
	if cp.Spec.AdoptionNamespaceSelector == nil {
		return refuse("does not allow adopting existing upstream accounts")
	}
	match, err := r.namespaceMatches(ctx, a.Namespace, cp.Spec.AdoptionNamespaceSelector)
	if err != nil {
		return refuse("has an invalid adoptionNamespaceSelector")
	}
	if !match {
		return refuse("does not allow this namespace to adopt existing upstream accounts")
	}
	return nil
}

// namespaceMatches reports whether the namespace's labels match sel.
func (r *AccountReconciler) namespaceMatches(ctx context.Context, name string, sel *metav1.LabelSelector) (bool, error) {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return false, err
	}
	var ns corev1.Namespace
	if err := r.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
		return false, err
	}
	return s.Matches(labels.Set(ns.Labels)), nil
}

// providerReady: an unverified provider is waited for, an unreachable one is
// retried, and bad credentials stall the Account until the provider recovers
// (the provider watch re-queues it then). The provider controller writes
// Unreachable for every transient verification failure (see verify).
func providerReady(a *v1alpha1.Account, obj v1alpha1.ProviderObject) error {
	c := meta.FindStatusCondition(obj.ProviderStatus().Conditions, v1alpha1.ConditionReady)
	msg := fmt.Sprintf("spec.providerRef: %s %q is not Ready%s", a.Spec.ProviderRef.Kind, obj.GetName(), conditionSuffix(c))
	switch {
	case c == nil || c.ObservedGeneration != obj.GetGeneration():
		return adapter.Pending(v1alpha1.ReasonProviderNotReady,
			"waiting for the provider's credentials to be verified", waitRequeue)
	case c.Status == metav1.ConditionTrue:
		return nil
	case c.Reason == v1alpha1.ReasonUnreachable:
		return adapter.Transient(v1alpha1.ReasonUnreachable, msg, nil)
	}
	return adapter.Terminal(v1alpha1.ReasonProviderNotReady, msg, nil)
}

func upstreamName(k adapter.Kind) string {
	if k == nil {
		return "no known upstream"
	}
	return k.Name()
}

func conditionSuffix(c *metav1.Condition) string {
	if c == nil {
		return " (not verified yet)"
	}
	return fmt.Sprintf(" (%s: %s)", c.Reason, c.Message)
}
