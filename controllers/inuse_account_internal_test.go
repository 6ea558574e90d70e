package controllers

import (
	"errors"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// TestProviderHolds: an Account changes nothing upstream through a provider
// until the provider records its use; a provider being deleted takes no new
// account but keeps serving the ones it has.
func TestProviderHolds(t *testing.T) {
	now := metav1.Now()
	cases := []struct {
		name       string
		finalizers []string
		deleting   bool
		id         string
		class      adapter.Class
		reason     string
	}{
		{"use recorded", []string{v1alpha1.InUseFinalizer}, false, "", adapter.ClassNone, ""},
		{"use not recorded yet", nil, false, "", adapter.ClassPending, v1alpha1.ReasonProviderUseUnrecorded},
		{"use not recorded, account exists", nil, false, "42", adapter.ClassPending, v1alpha1.ReasonProviderUseUnrecorded},
		{"deleting, new Account", []string{v1alpha1.InUseFinalizer}, true, "", adapter.ClassTerminal, v1alpha1.ReasonProviderDeleting},
		{"deleting, existing account", []string{v1alpha1.InUseFinalizer}, true, "42", adapter.ClassNone, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Name: "ccm", Finalizers: c.finalizers}}
			if c.deleting {
				p.DeletionTimestamp = &now
			}
			a := &v1alpha1.Account{Spec: v1alpha1.AccountSpec{ProviderRef: v1alpha1.ProviderReference{
				Kind: v1alpha1.AccountProviderKind, Name: "ccm"}}, Status: v1alpha1.AccountStatus{AccountID: c.id}}
			err := providerHolds(a, p)
			if got := adapter.Classify(err); got != c.class || adapter.Reason(err) != c.reason {
				t.Fatalf("providerHolds = %v (class %v, reason %q), want class %v, reason %q",
					err, got, adapter.Reason(err), c.class, c.reason)
			}
		})
	}
}

// TestQuietWait: a new Account waits for its provider's in-use finalizer
// without a status write for useUnrecordedGrace, then says so; no other
// failure is ever quiet.
func TestQuietWait(t *testing.T) {
	unrecorded := adapter.Pending(v1alpha1.ReasonProviderUseUnrecorded, "waiting", time.Second)
	age := func(d time.Duration) *v1alpha1.Account {
		return &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: metav1.NewTime(time.Now().Add(-d))}}
	}
	if !quietWait(age(time.Second), unrecorded) {
		t.Error("a new Account waiting for its provider's finalizer must wait quietly")
	}
	if quietWait(age(useUnrecordedGrace+time.Second), unrecorded) {
		t.Error("past the grace the wait must show (ProviderUseUnrecorded)")
	}
	if quietWait(age(time.Second), errors.New("boom")) || quietWait(age(time.Second), nil) {
		t.Error("only the unrecorded use is quiet")
	}
}
