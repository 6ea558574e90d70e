package controllers

import (
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Phase is where one reconcile left an Account; conditions derive from it, so
// the four conditions are always set together and consistently.
type Phase int

const (
	PhaseReady       Phase = iota // upstream account usable and in sync
	PhaseProgressing              // work under way: creating, registering, deleting
	PhaseError                    // transient failure: retrying with backoff
	PhaseStalled                  // only a change of spec or referenced objects helps
	PhasePaused                   // paused annotation: no upstream calls
	PhaseUnsynced                 // usable, but an accepted update did not show upstream
)

// outcome is what a pass found: a phase, a reason, a message, and when to
// run again (0: only when a watch brings the Account back).
type outcome struct {
	phase   Phase
	reason  string
	message string
	requeue time.Duration
}

// after is o with a requeue.
func (o outcome) after(d time.Duration) *outcome {
	o.requeue = d
	return &o
}

func ready(msg string) outcome {
	return outcome{phase: PhaseReady, reason: v1alpha1.ReasonAvailable, message: msg}
}
func progressing(reason, msg string) outcome {
	return outcome{phase: PhaseProgressing, reason: reason, message: msg}
}
func stalled(reason, msg string) outcome {
	return outcome{phase: PhaseStalled, reason: reason, message: msg}
}
func failing(reason, msg string) outcome {
	return outcome{phase: PhaseError, reason: reason, message: msg}
}
func paused(msg string) outcome {
	return outcome{phase: PhasePaused, reason: v1alpha1.ReasonPaused, message: msg}
}

// SetConditions writes the four conditions one reconcile ending in phase p
// writes. It is exported for the GitOps health checks' tests, which judge the
// conditions the operator really writes.
func SetConditions(a *v1alpha1.Account, p Phase, reason, msg string) {
	setConditions(a, outcome{phase: p, reason: reason, message: msg})
}

// setConditions writes Ready, Synced, Reconciling and Stalled from o, keeping
// a Ready=True as it was on a transient error or a pause (see keepOrSet).
func setConditions(a *v1alpha1.Account, o outcome) {
	gen := a.Generation
	set := func(t string, ok bool, reason, msg string) {
		s := metav1.ConditionFalse
		if ok {
			s = metav1.ConditionTrue
		}
		meta.SetStatusCondition(&a.Status.Conditions, metav1.Condition{
			Type: t, Status: s, Reason: reason, Message: msg, ObservedGeneration: gen})
	}
	switch o.phase {
	case PhaseReady:
		set(v1alpha1.ConditionReady, true, o.reason, o.message)
		set(v1alpha1.ConditionSynced, true, v1alpha1.ReasonReconcileSuccess, "")
		set(v1alpha1.ConditionReconciling, false, v1alpha1.ReasonReconcileSuccess, "")
		set(v1alpha1.ConditionStalled, false, v1alpha1.ReasonReconcileSuccess, "")
	case PhaseUnsynced:
		set(v1alpha1.ConditionReady, true, v1alpha1.ReasonAvailable, "upstream account "+a.Status.AccountID+" is ready")
		set(v1alpha1.ConditionSynced, false, o.reason, o.message)
		set(v1alpha1.ConditionReconciling, false, o.reason, "")
		set(v1alpha1.ConditionStalled, false, o.reason, "")
	case PhaseProgressing:
		set(v1alpha1.ConditionReady, false, o.reason, o.message)
		set(v1alpha1.ConditionSynced, true, v1alpha1.ReasonReconcileSuccess, "")
		set(v1alpha1.ConditionReconciling, true, o.reason, o.message)
		set(v1alpha1.ConditionStalled, false, o.reason, "")
	case PhaseError:
		keepOrSet(a, v1alpha1.ReasonReconcileError, o.message)
		set(v1alpha1.ConditionSynced, false, o.reason, o.message)
		set(v1alpha1.ConditionReconciling, true, o.reason, o.message)
		set(v1alpha1.ConditionStalled, false, o.reason, "")
	case PhaseStalled:
		set(v1alpha1.ConditionReady, false, o.reason, o.message)
		set(v1alpha1.ConditionSynced, false, o.reason, o.message)
		set(v1alpha1.ConditionReconciling, false, o.reason, "")
		set(v1alpha1.ConditionStalled, true, o.reason, o.message)
	case PhasePaused:
		keepOrSet(a, v1alpha1.ReasonPaused, o.message)
		set(v1alpha1.ConditionSynced, false, v1alpha1.ReasonPaused, o.message)
		set(v1alpha1.ConditionReconciling, false, v1alpha1.ReasonPaused, "")
		set(v1alpha1.ConditionStalled, false, v1alpha1.ReasonPaused, "")
	}
}

// keepOrSet leaves a Ready=True condition alone (a transient error or a pause
// does not make a working account unusable) but otherwise sets it False with
// this reason, so Ready never keeps the explanation of an earlier, different
// problem.
func keepOrSet(a *v1alpha1.Account, reason, msg string) {
	c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionReady)
	if c != nil && c.Status == metav1.ConditionTrue {
		c.ObservedGeneration = a.Generation
		return
	}
	meta.SetStatusCondition(&a.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady,
		Status: metav1.ConditionFalse, Reason: reason, Message: msg, ObservedGeneration: a.Generation})
}
