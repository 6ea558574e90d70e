package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// A namespace being deleted takes no new object: the apiserver refuses the
// create of a Secret or ConfigMap there. An Account that outlives its
// connection Secret in such a namespace (deletion protection, or a finalizer
// waiting on an upstream delete) must then not create its upstream account or
// re-issue a lost token, whose output would be lost with every try. So a pass
// of an Account that is not being deleted first reads its namespace from the
// cache (no API call) and, if it is terminating, stops before any upstream
// call or write. The apiserver's refusal of a write, for a cache that has not
// seen the deletion yet, is classified alike (adapter.Failure).

// namespaceOpen fails with adapter.NamespaceTerminating when the Account's
// namespace is being deleted. A namespace the cache does not hold yet is
// taken as open: its refusal, if any, is classified when it comes.
func (r *AccountReconciler) namespaceOpen(ctx context.Context, a *v1alpha1.Account) error {
	var ns corev1.Namespace
	err := r.Get(ctx, client.ObjectKey{Name: a.Namespace}, &ns)
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return err
	case terminating(&ns):
		return adapter.NamespaceTerminating()
	}
	return nil
}

func terminating(ns *corev1.Namespace) bool {
	return !ns.DeletionTimestamp.IsZero() || ns.Status.Phase == corev1.NamespaceTerminating
}

// namespaceDeletionStarted passes the update of a namespace whose deletion
// has just begun, and nothing else.
func namespaceDeletionStarted() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			return e.ObjectOld != nil && e.ObjectNew != nil &&
				e.ObjectOld.GetDeletionTimestamp().IsZero() && !e.ObjectNew.GetDeletionTimestamp().IsZero()
		},
	}
}

// inNamespace maps a namespace to every Account in it, so that each says at
// once that its namespace is being deleted.
func (r *AccountReconciler) inNamespace() handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		var list v1alpha1.AccountList
		if err := r.List(ctx, &list, client.InNamespace(o.GetName())); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, a := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&a)})
		}
		return out
	})
}
