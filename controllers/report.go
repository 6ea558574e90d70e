package controllers

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// note is an event a pass asks the reporter to record.
type note struct {
	warning         bool
	reason, message string
}

// event notes a Normal event (created, adopted, updated, deleted, ...).
func (p *pass) event(reason, msg string) { p.events = append(p.events, note{false, reason, msg}) }

// warning notes a Warning event.
func (p *pass) warning(reason, msg string) { p.events = append(p.events, note{true, reason, msg}) }

// report is the one place where the end of a pass becomes the Account's
// conditions, its events, the metrics, the status write and the requeue. A
// pass ends with an outcome, or with an error classified here once.
func (r *AccountReconciler) report(ctx context.Context, p *pass, o *outcome, err error) (ctrl.Result, error) {
	if p.stale {
		// The pass saw an older Account than the stored one and did nothing:
		// there is nothing true to report, so no status write either.
		return ctrl.Result{RequeueAfter: staleRequeue}, nil
	}
	if p.quiet {
		// Nothing is done or wrong yet: the provider watch brings the
		// Account back when the provider records its use.
		return ctrl.Result{RequeueAfter: waitRequeue}, nil
	}
	a := p.a
	if err != nil {
		o = failureOutcome(err)
		if o.phase == PhaseError {
			log.FromContext(ctx).Info("Reconcile failed, retrying", "reason", o.reason, "error", o.message)
		}
	}
	if o != nil {
		if o.phase == PhaseStalled && !stalledAlready(a, o.reason) {
			p.warning(o.reason, o.message) // a new stall reason, whatever it is
		}
		setConditions(a, *o)
		noteCredentials(p)
		notePolling(p)
		a.Status.ObservedGeneration = a.Generation
		r.Metrics.observeAccount(a, o)
	}
	for _, n := range p.events {
		r.Events.record(a, n)
	}
	if perr := r.patchStatus(ctx, a, p.before); perr != nil {
		return ctrl.Result{}, perr
	}
	if o != nil && o.phase == PhaseError && o.requeue == 0 {
		return ctrl.Result{}, err // controller-runtime's backoff
	}
	if o != nil && o.requeue > 0 {
		return ctrl.Result{RequeueAfter: o.requeue}, nil
	}
	return ctrl.Result{}, nil
}

// failureOutcome turns a classified failure into an outcome: terminal ones and
// a vanished account stall without a retry loop (watches bring the Account
// back when something changes), pending ones wait as asked, transient ones back
// off, honouring the upstream's Retry-After.
//
// A terminal failure that says when to look again (After) is looked at again
// then, as a bounded safety net; the message is err's own, or, for an error
// Failure mapped from a lower layer, the classification's.
func failureOutcome(err error) *outcome {
	f := adapter.Failure(err)
	msg := err.Error()
	if !errors.As(err, new(*adapter.Error)) {
		msg = f.Error()
	}
	switch f.Class {
	case adapter.ClassTerminal, adapter.ClassNotFound:
		return stalled(f.Reason, msg).after(f.After)
	case adapter.ClassPending:
		wait := f.After
		if wait <= 0 {
			wait = pendingRequeue
		}
		return progressing(f.Reason, msg).after(wait)
	}
	return failing(f.Reason, msg).after(f.After)
}

// stalledAlready: the Account is Stalled for this reason already, so the
// warning event was recorded before.
func stalledAlready(a *v1alpha1.Account, reason string) bool {
	c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionStalled)
	return c != nil && c.Status == metav1.ConditionTrue && c.Reason == reason
}

// noteCredentials sets the CredentialsValid condition from the pass's verdict
// (a zero verdict removes it: checks are disabled), or keeps it as it is when
// the pass checked nothing, so a steady poll writes nothing.
func noteCredentials(p *pass) {
	c := p.credentials
	switch {
	case c == nil:
	case c.Status == "":
		meta.RemoveStatusCondition(&p.a.Status.Conditions, v1alpha1.ConditionCredentialsValid)
	default:
		meta.SetStatusCondition(&p.a.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionCredentialsValid,
			Status: c.Status, Reason: c.Reason, Message: c.Message, ObservedGeneration: p.a.Generation})
	}
}
