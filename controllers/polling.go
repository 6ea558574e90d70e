package controllers

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// pollOverride is what an Account's poll-interval annotation asks for.
type pollOverride struct {
	set      bool          // the annotation is present
	interval time.Duration // the interval in force; 0: the provider's applies
	reason   string        // the PollIntervalAccepted condition's reason
	message  string
}

// accepted: the annotation is in force as written.
func (o pollOverride) accepted() bool { return o.reason == v1alpha1.ReasonPollIntervalSet }

// parsePollOverride reads the poll-interval annotation. An unparsable value
// never breaks the Account: the provider's interval applies and the message
// says so; a value out of range is clamped to the nearest bound.
func parsePollOverride(a *v1alpha1.Account) pollOverride {
	raw, ok := a.Annotations[v1alpha1.AnnotationPollInterval]
	if !ok {
		return pollOverride{}
	}
	const key = v1alpha1.AnnotationPollInterval
	minP, maxP := v1alpha1.MinAccountPollInterval, v1alpha1.MaxAccountPollInterval
	d, err := time.ParseDuration(strings.TrimSpace(raw))
	switch {
	case err != nil || d <= 0:
		return pollOverride{set: true, reason: v1alpha1.ReasonInvalidPollInterval, message: fmt.Sprintf(
			"annotation %s: %q is not a positive duration such as 90s, 15m or 2h; "+
				"the provider's poll interval applies instead", key, httpapi.TruncateTo(raw, 64))}
	case d < minP:
		return pollOverride{set: true, interval: minP, reason: v1alpha1.ReasonPollIntervalOutOfRange, message: fmt.Sprintf(
			"annotation %s: %s is below the minimum of %s; polling every %s", key, d, minP, minP)}
	case d > maxP:
		return pollOverride{set: true, interval: maxP, reason: v1alpha1.ReasonPollIntervalOutOfRange, message: fmt.Sprintf(
			"annotation %s: %s is above the maximum of %s; polling every %s", key, d, maxP, maxP)}
	}
	return pollOverride{set: true, interval: d, reason: v1alpha1.ReasonPollIntervalSet,
		message: fmt.Sprintf("polling every %s, as annotation %s asks", d, key)}
}

// accountPoll is the drift check period of the pass's Account (before
// jitter): its annotation's when usable, else its provider's.
func (r *AccountReconciler) accountPoll(p *pass) time.Duration {
	if o := parsePollOverride(p.a); o.interval > 0 {
		return o.interval
	}
	return pollInterval(p.b.object.ProviderSpec(), r.DefaultPollInterval)
}

// notePolling is the reporter's part for the polling annotations: the
// PollIntervalAccepted condition while the poll-interval annotation is set (a
// warning event when it turns unusable or out of range), and the echo of the
// reconcile-requested-at value this pass handled. Neither changes unless an
// annotation does, so a steady poll writes nothing.
func notePolling(p *pass) {
	a := p.a
	if v, ok := a.Annotations[v1alpha1.AnnotationReconcileRequestedAt]; ok {
		a.Status.LastHandledReconcileAt = v
	}
	o := parsePollOverride(a)
	if !o.set {
		meta.RemoveStatusCondition(&a.Status.Conditions, v1alpha1.ConditionPollIntervalAccepted)
		return
	}
	prev := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionPollIntervalAccepted)
	if !o.accepted() && (prev == nil || prev.Reason != o.reason || prev.Message != o.message) {
		p.warning(o.reason, o.message)
	}
	status := metav1.ConditionFalse
	if o.accepted() {
		status = metav1.ConditionTrue
	}
	meta.SetStatusCondition(&a.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionPollIntervalAccepted,
		Status: status, Reason: o.reason, Message: o.message, ObservedGeneration: a.Generation})
}
