package controllers

import (
	"context"
	"errors"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/provider"
)

// Finalizer keeps an Account until its upstream account is deleted (or orphaned).
const Finalizer = "accounts.operator.dev/finalizer"

// Requeue delays.
const (
	pendingRequeue = 3 * time.Second // async upstream work under way
	waitRequeue    = 2 * time.Second // waiting for the provider to be verified
)

// AccountReconciler drives every Account through one state machine; what is
// specific to an upstream lives behind provider.Provider.
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

// Reconcile runs one pass of the state machine and writes the status once,
// only if it changed.
func (r *AccountReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	a := &v1alpha1.Account{}
	if err := r.Get(ctx, req.NamespacedName, a); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.Metrics.forget(req.NamespacedName)
			r.ownWrites.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	p := &pass{a: a, before: a.Status.DeepCopy()}
	res, o, err := r.step(ctx, p)
	if o != nil {
		setConditions(a, *o)
		a.Status.ObservedGeneration = a.Generation
		r.Metrics.observeAccount(a, o)
	}
	if perr := r.patchStatus(ctx, a, p.before); perr != nil {
		return ctrl.Result{}, perr
	}
	return res, err
}

// step is one pass: deletion, finalizer, pause, then the lifecycle.
func (r *AccountReconciler) step(ctx context.Context, p *pass) (ctrl.Result, *outcome, error) {
	a := p.a
	if !a.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, p)
	}
	if controllerutil.AddFinalizer(a, Finalizer) {
		if err := r.Update(ctx, a); err != nil {
			return ctrl.Result{}, nil, err
		}
		// The update answered with the object as stored, status included:
		// as fresh as an uncached read.
		p.before, p.fresh = a.Status.DeepCopy(), true
	}
	if a.Annotations[v1alpha1.AnnotationPaused] == "true" {
		o := outcome{PhasePaused, v1alpha1.ReasonPaused, "the paused annotation stops all upstream calls"}
		return ctrl.Result{}, &o, nil
	}
	b, err := r.resolveProvider(ctx, a)
	if err != nil {
		return r.fail(ctx, a, err)
	}
	p.b = b
	res, o, err := r.lifecycle(ctx, p)
	if err != nil {
		return r.fail(ctx, a, err)
	}
	return res, o, nil
}

// fail turns an error into an outcome and a requeue: terminal errors stall
// without a retry loop (watches bring the Account back when something changes),
// transient ones back off, honouring Retry-After.
func (r *AccountReconciler) fail(ctx context.Context, a *v1alpha1.Account, err error) (ctrl.Result, *outcome, error) {
	if errors.Is(err, errProviderPending) {
		o := progressing(v1alpha1.ReasonProviderNotReady, err.Error())
		return ctrl.Result{RequeueAfter: waitRequeue}, &o, nil
	}
	reason := provider.Reason(err)
	var status apierrors.APIStatus
	if errors.As(err, &status) && provider.Classify(err) == provider.ClassTransient {
		reason = v1alpha1.ReasonKubernetesAPIError // not the upstream's fault
	}
	switch provider.Classify(err) {
	case provider.ClassTerminal:
		if !stalledAlready(a, reason) {
			r.Events.warn(a, reason, err.Error())
		}
		o := stalled(reason, err.Error())
		return ctrl.Result{}, &o, nil
	case provider.ClassNotFound:
		o := stalled(v1alpha1.ReasonNotFoundUpstream, err.Error())
		return ctrl.Result{}, &o, nil
	}
	log.FromContext(ctx).Info("Reconcile failed, retrying", "reason", reason, "error", err.Error())
	o := failing(reason, err.Error())
	if after := provider.RetryAfter(err); after > 0 {
		return ctrl.Result{RequeueAfter: after}, &o, nil
	}
	return ctrl.Result{}, &o, err
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
	req    *provider.Request
	fresh  bool // a.Status came from the API server in this pass, not the cache
}

// persistStatus writes the status at once, for the write-ahead create marker,
// which must be stored before the upstream call.
func (r *AccountReconciler) persistStatus(ctx context.Context, p *pass) error {
	if err := r.patchStatus(ctx, p.a, p.before); err != nil {
		return err
	}
	p.before = p.a.Status.DeepCopy()
	return nil
}

// stalledAlready: the Account is Stalled for this reason already, so the
// warning event was recorded before.
func stalledAlready(a *v1alpha1.Account, reason string) bool {
	c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionStalled)
	return c != nil && c.Status == metav1.ConditionTrue && c.Reason == reason
}
