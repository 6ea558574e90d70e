package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
)

// phase is where one reconcile left an Account; conditions derive from it, so
// the four conditions are always set together and consistently.
type phase int

const (
	phaseReady       phase = iota // upstream account usable and in sync
	phaseProgressing              // work under way: creating, registering, deleting
	phaseError                    // transient failure: retrying with backoff
	phaseStalled                  // only a change of spec or referenced objects helps
	phasePaused                   // paused annotation: no upstream calls
)

// outcome is what a reconcile found: a phase, a reason and a message.
type outcome struct {
	phase   phase
	reason  string
	message string
}

func ready(msg string) outcome { return outcome{phaseReady, v1alpha1.ReasonAvailable, msg} }
func progressing(reason, msg string) outcome {
	return outcome{phaseProgressing, reason, msg}
}
func stalled(reason, msg string) outcome { return outcome{phaseStalled, reason, msg} }
func failing(reason, msg string) outcome { return outcome{phaseError, reason, msg} }

// setConditions writes Ready, Synced, Reconciling and Stalled from o, keeping
// Ready as it was while paused (nothing was observed).
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
	case phaseReady:
		set(v1alpha1.ConditionReady, true, o.reason, o.message)
		set(v1alpha1.ConditionSynced, true, v1alpha1.ReasonReconcileSuccess, "")
		set(v1alpha1.ConditionReconciling, false, v1alpha1.ReasonReconcileSuccess, "")
		set(v1alpha1.ConditionStalled, false, v1alpha1.ReasonReconcileSuccess, "")
	case phaseProgressing:
		set(v1alpha1.ConditionReady, false, o.reason, o.message)
		set(v1alpha1.ConditionSynced, true, v1alpha1.ReasonReconcileSuccess, "")
		set(v1alpha1.ConditionReconciling, true, o.reason, o.message)
		set(v1alpha1.ConditionStalled, false, o.reason, "")
	case phaseError:
		keepOrSet(a, v1alpha1.ReasonReconcileError, o.message)
		set(v1alpha1.ConditionSynced, false, o.reason, o.message)
		set(v1alpha1.ConditionReconciling, true, o.reason, o.message)
		set(v1alpha1.ConditionStalled, false, o.reason, "")
	case phaseStalled:
		set(v1alpha1.ConditionReady, false, o.reason, o.message)
		set(v1alpha1.ConditionSynced, false, o.reason, o.message)
		set(v1alpha1.ConditionReconciling, false, o.reason, "")
		set(v1alpha1.ConditionStalled, true, o.reason, o.message)
	case phasePaused:
		keepOrSet(a, v1alpha1.ReasonPaused, o.message)
		set(v1alpha1.ConditionSynced, false, v1alpha1.ReasonPaused, o.message)
		set(v1alpha1.ConditionReconciling, false, v1alpha1.ReasonPaused, "")
		set(v1alpha1.ConditionStalled, false, v1alpha1.ReasonPaused, "")
	}
}

// keepOrSet leaves a known Ready condition alone (a transient error or a pause
// says nothing new about the account) but sets it False when there is none.
func keepOrSet(a *v1alpha1.Account, reason, msg string) {
	c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionReady)
	if c != nil {
		c.ObservedGeneration = a.Generation
		return
	}
	meta.SetStatusCondition(&a.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady,
		Status: metav1.ConditionFalse, Reason: reason, Message: msg, ObservedGeneration: a.Generation})
}
