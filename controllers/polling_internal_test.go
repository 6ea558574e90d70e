package controllers

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func withPollAnnotation(v *string) *v1alpha1.Account {
	a := &v1alpha1.Account{}
	if v != nil {
		a.Annotations = map[string]string{v1alpha1.AnnotationPollInterval: *v}
	}
	return a
}

// TestParsePollOverride: the annotation's interval is used within 30s..24h,
// clamped outside it, and an unparsable value leaves the provider's interval
// with a message naming the annotation.
func TestParsePollOverride(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		value    *string
		interval time.Duration
		reason   string
		message  string
	}{
		{nil, 0, "", ""},
		{s("1h"), time.Hour, v1alpha1.ReasonPollIntervalSet, "polling every 1h0m0s"},
		{s(" 90s "), 90 * time.Second, v1alpha1.ReasonPollIntervalSet, "polling every 1m30s"},
		{s("30s"), 30 * time.Second, v1alpha1.ReasonPollIntervalSet, ""},
		{s("24h"), 24 * time.Hour, v1alpha1.ReasonPollIntervalSet, ""},
		{s("29s"), 30 * time.Second, v1alpha1.ReasonPollIntervalOutOfRange, "29s is below the minimum of 30s; polling every 30s"},
		{s("48h"), 24 * time.Hour, v1alpha1.ReasonPollIntervalOutOfRange, "48h0m0s is above the maximum of 24h0m0s"},
		{s("1d"), 0, v1alpha1.ReasonInvalidPollInterval, `"1d" is not a positive duration`},
		{s("0s"), 0, v1alpha1.ReasonInvalidPollInterval, "the provider's poll interval applies instead"},
		{s("-5m"), 0, v1alpha1.ReasonInvalidPollInterval, ""},
		{s(""), 0, v1alpha1.ReasonInvalidPollInterval, v1alpha1.AnnotationPollInterval},
		{s(strings.Repeat("x", 500)), 0, v1alpha1.ReasonInvalidPollInterval, ""},
	} {
		o := parsePollOverride(withPollAnnotation(c.value))
		if o.set != (c.value != nil) || o.interval != c.interval || o.reason != c.reason || !strings.Contains(o.message, c.message) {
			t.Errorf("%v: got %+v, want interval %s, reason %q, message with %q", c.value, o, c.interval, c.reason, c.message)
		}
		if len(o.message) > 300 {
			t.Errorf("%v: message of %d bytes is not bounded", c.value, len(o.message))
		}
	}
}

// TestNotePollingWarnsOnTransitionsOnly: the warning event comes when the
// condition turns False or its message changes, not on every pass; the
// condition goes with the annotation; the requested reconcile is echoed.
func TestNotePollingWarnsOnTransitionsOnly(t *testing.T) {
	bad := "often"
	a := withPollAnnotation(&bad)
	a.Annotations[v1alpha1.AnnotationReconcileRequestedAt] = "r1"
	warnings := 0
	run := func() {
		p := &pass{a: a}
		notePolling(p)
		warnings += len(p.events)
	}
	run()
	run()
	if warnings != 1 {
		t.Fatalf("%d warnings for one unusable value, want 1", warnings)
	}
	if a.Status.LastHandledReconcileAt != "r1" {
		t.Fatalf("lastHandledReconcileAt %q, want r1", a.Status.LastHandledReconcileAt)
	}
	c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionPollIntervalAccepted)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != v1alpha1.ReasonInvalidPollInterval {
		t.Fatalf("condition %+v, want False InvalidPollInterval", c)
	}
	a.Annotations[v1alpha1.AnnotationPollInterval] = "10m"
	run()
	if warnings != 1 || !meta.IsStatusConditionTrue(a.Status.Conditions, v1alpha1.ConditionPollIntervalAccepted) {
		t.Fatalf("a usable value: %d warnings, conditions %+v", warnings, a.Status.Conditions)
	}
	delete(a.Annotations, v1alpha1.AnnotationPollInterval)
	run()
	if meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionPollIntervalAccepted) != nil {
		t.Fatal("the condition stays after the annotation is removed")
	}
}
