package controllers

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/provider"
)

// finalize deletes (or orphans) the upstream account, waiting for asynchronous
// deletes to finish, then lets the Account go.
func (r *AccountReconciler) finalize(ctx context.Context, p *pass) (ctrl.Result, *outcome, error) {
	a := p.a
	if !controllerutil.ContainsFinalizer(a, Finalizer) {
		return ctrl.Result{}, nil, nil
	}
	if a.Annotations[v1alpha1.AnnotationPaused] == "true" {
		o := outcome{PhasePaused, v1alpha1.ReasonPaused, "deletion waits: the paused annotation stops all upstream calls"}
		return ctrl.Result{}, &o, nil
	}
	if a.Spec.DeletionPolicy == v1alpha1.DeletionOrphan || (a.Status.AccountID == "" && a.Status.PendingCreate == nil) {
		if a.Status.AccountID != "" {
			r.Events.normal(a, "Orphaned", fmt.Sprintf("left upstream account %s in place (deletionPolicy Orphan)", a.Status.AccountID))
		}
		return r.release(ctx, a)
	}
	b, err := r.resolveProvider(ctx, a)
	if err != nil {
		return r.fail(ctx, a, err)
	}
	p.b = b
	p.req = r.deleteRequest(a)
	if a.Status.AccountID == "" { // an interrupted create may have made it
		id, err := b.provider.Find(ctx, p.req)
		if err != nil || id == "" {
			if err != nil {
				return r.fail(ctx, a, err)
			}
			return r.release(ctx, a)
		}
		a.Status.AccountID = id
	}
	done, err := b.provider.Delete(ctx, p.req)
	if err != nil {
		return r.fail(ctx, a, err)
	}
	if !done {
		o := progressing(v1alpha1.ReasonDeleting, fmt.Sprintf("waiting for upstream account %s to be deleted", a.Status.AccountID))
		return ctrl.Result{RequeueAfter: jitter(pendingRequeue)}, &o, nil
	}
	r.Events.normal(a, "Deleted", fmt.Sprintf("deleted upstream account %s", a.Status.AccountID))
	return r.release(ctx, a)
}

// release removes the finalizer; the owned connection Secret goes with the Account.
func (r *AccountReconciler) release(ctx context.Context, a *v1alpha1.Account) (ctrl.Result, *outcome, error) {
	if controllerutil.RemoveFinalizer(a, Finalizer) {
		if err := r.Update(ctx, a); err != nil {
			return ctrl.Result{}, nil, err
		}
	}
	return ctrl.Result{}, nil, nil
}

// deleteRequest is the provider's view of an Account being deleted; its
// connection Secret may already be gone.
func (r *AccountReconciler) deleteRequest(a *v1alpha1.Account) *provider.Request {
	return &provider.Request{Account: a, Connection: map[string][]byte{},
		Resolve: resolver{reader: r.APIReader, namespace: a.Namespace}}
}
