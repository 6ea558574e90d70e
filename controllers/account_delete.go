package controllers

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// finalize deletes (or orphans) the upstream account, waiting for asynchronous
// deletes to finish, then lets the Account go.
func (r *AccountReconciler) finalize(ctx context.Context, p *pass) (*outcome, error) {
	a := p.a
	if !controllerutil.ContainsFinalizer(a, Finalizer) {
		return nil, nil
	}
	if a.Annotations[v1alpha1.AnnotationPaused] == "true" {
		o := paused("deletion waits: the paused annotation stops all upstream calls")
		return &o, nil
	}
	if why := keepsUpstream(a); why != "" || (a.Status.AccountID == "" && !createPending(a)) {
		if a.Status.AccountID != "" {
			p.event("Orphaned", fmt.Sprintf("left upstream account %s in place (%s)", a.Status.AccountID, why))
		}
		return nil, r.release(ctx, a)
	}
	b, err := r.resolveProvider(ctx, a)
	if err != nil {
		return nil, deletionBlocked(a, err)
	}
	p.b = b
	p.req = r.deleteRequest(a)
	if a.Status.AccountID == "" { // an interrupted create may have made it
		id, err := b.upstream.Find(ctx, p.req)
		if err != nil || id == "" {
			if err != nil {
				return nil, err
			}
			return nil, r.release(ctx, a)
		}
		a.Status.AccountID = id
	}
	done, err := b.upstream.Delete(ctx, p.req)
	if err != nil {
		return nil, err
	}
	if !done {
		return progressing(v1alpha1.ReasonDeleting, fmt.Sprintf("waiting for upstream account %s to be deleted",
			a.Status.AccountID)).after(jitter(pendingRequeue)), nil
	}
	p.event("Deleted", fmt.Sprintf("deleted upstream account %s", a.Status.AccountID))
	return nil, r.release(ctx, a)
}

// createPending: a create may have reached the upstream without its id being
// recorded.
func createPending(a *v1alpha1.Account) bool {
	_, pending := a.CreatePending()
	return pending
}

// release removes the finalizer; the owned connection Secret goes with the
// Account, unless its policy retains it: then it is released first.
func (r *AccountReconciler) release(ctx context.Context, a *v1alpha1.Account) error {
	if !controllerutil.ContainsFinalizer(a, Finalizer) {
		return nil
	}
	if err := r.retainSecret(ctx, a); err != nil {
		return err
	}
	orig := a.DeepCopy()
	if controllerutil.RemoveFinalizer(a, Finalizer) {
		return r.patchMeta(ctx, a, orig)
	}
	return nil
}

// deleteRequest is the provider's view of an Account being deleted; its
// connection Secret may already be gone.
func (r *AccountReconciler) deleteRequest(a *v1alpha1.Account) *adapter.Request {
	return &adapter.Request{Account: a, Connection: map[string][]byte{},
		Resolve: resolver{reader: r.APIReader, namespace: a.Namespace}}
}
