package controllers

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/fairshare"
)

// Finalizer keeps an Account until its upstream account is deleted (or orphaned).
const Finalizer = "accounts.operator.dev/finalizer"

// Requeue delays.
const (
	pendingRequeue = 3 * time.Second // async upstream work under way
	waitRequeue    = 2 * time.Second // waiting for the provider to be verified
	staleRequeue   = time.Second     // the cache was behind: look again once it has caught up
)

// AccountReconciler drives every Account through one state machine; what is
// specific to an upstream lives behind adapter.Upstream.
type AccountReconciler struct {
	client.Client
	APIReader           client.Reader // uncached reads of referenced Secrets and ConfigMaps
	Scheme              *runtime.Scheme
	Registry            *Registry
	Events              EventSink
	Metrics             *Metrics
	DefaultPollInterval time.Duration

	ownWrites *ownWrites // set by SetupWithManager
}

// Reconcile runs one pass of the state machine; report turns its end into
// conditions, events, metrics, the one status write and the requeue. The
// pass's upstream calls wait for their provider's rate limit in the turn of
// the Account's namespace.
func (r *AccountReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ctx = fairshare.WithFlow(ctx, req.Namespace)
	a := &v1alpha1.Account{}
	if err := r.Get(ctx, req.NamespacedName, a); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.Metrics.forget(req.NamespacedName)
			r.ownWrites.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	p := &pass{a: a, before: a.Status.DeepCopy()}
	o, err := r.step(ctx, p)
	return r.report(ctx, p, o, err)
}

// step is one pass: deletion, finalizer, pause, a namespace being deleted
// (nothing is created, re-issued or written there), then the lifecycle. It ends
// with an outcome, or with an error the reporter classifies. An Account
// without an id gets its finalizer with the create marker (claim), once there
// is an upstream to create it in.
func (r *AccountReconciler) step(ctx context.Context, p *pass) (*outcome, error) {
	a := p.a
	if !a.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, p)
	}
	orig := a.DeepCopy()
	if a.Status.AccountID != "" && controllerutil.AddFinalizer(a, Finalizer) {
		if err := r.patchMeta(ctx, a, orig); err != nil {
			return nil, err
		}
		p.before = a.Status.DeepCopy()
	}
	if a.Annotations[v1alpha1.AnnotationPaused] == "true" {
		o := paused("the paused annotation stops all upstream calls")
		return &o, nil
	}
	if err := r.namespaceOpen(ctx, a); err != nil {
		return nil, err
	}
	b, err := r.resolveProvider(ctx, a)
	if err != nil {
		return nil, err
	}
	if err := providerHolds(a, b.object); err != nil {
		p.quiet = quietWait(a, err)
		return nil, err
	}
	p.b = b
	return r.lifecycle(ctx, p)
}

// patchMeta writes the metadata a pass changed since orig (finalizers,
// annotations) as a merge patch that carries orig's resourceVersion: a stale
// view conflicts instead of overwriting, and the spec, which a read-modify-
// write through the Go types would rewrite (empty strings left out), is never
// sent, so the user's field manager keeps it.
func (r *AccountReconciler) patchMeta(ctx context.Context, a, orig *v1alpha1.Account) error {
	return patchOptimistic(ctx, r.Client, a, orig)
}

// patchOptimistic writes what changed on obj since orig as a merge patch
// carrying orig's resourceVersion, so a stale view conflicts instead of
// overwriting another writer's finalizers or annotations.
func patchOptimistic(ctx context.Context, c client.Writer, obj, orig client.Object) error {
	return c.Patch(ctx, obj, client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{}))
}

// patchStatus writes the status subresource once, and only when it changed.
func (r *AccountReconciler) patchStatus(ctx context.Context, a *v1alpha1.Account, before *v1alpha1.AccountStatus) error {
	if equality.Semantic.DeepEqual(before, &a.Status) || !a.DeletionTimestamp.IsZero() && len(a.Finalizers) == 0 {
		return nil
	}
	orig := a.DeepCopy()
	orig.Status = *before
	return client.IgnoreNotFound(r.Status().Patch(ctx, a, client.MergeFrom(orig)))
}

// pass is one reconcile of one Account.
type pass struct {
	a      *v1alpha1.Account
	before *v1alpha1.AccountStatus // the status as last written
	b      *binding
	conn   *connection
	req    *adapter.Request
	stale  bool   // the claim found the cached Account older than the stored one
	quiet  bool   // a new Account waits a moment for its provider to record its use
	events []note // recorded by the reporter at the end of the pass
	// credentials is this pass's verdict on what the upstream issued, for
	// the CredentialsValid condition; nil keeps the condition as it is.
	credentials *adapter.CredentialsCheck
}
