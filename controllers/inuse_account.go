package controllers

import (
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// providerHolds: an Account changes nothing upstream through a provider
// until the provider has recorded its use (the in-use finalizer, set by the
// usage controller with the holds on its Secrets), so that the provider and
// its credentials outlive every upstream account made through it. A provider
// being deleted takes no new upstream account; the ones it has keep being
// kept in sync until their Accounts go.
func providerHolds(a *v1alpha1.Account, obj v1alpha1.ProviderObject) error {
	ref := a.Spec.ProviderRef
	if !obj.GetDeletionTimestamp().IsZero() {
		if a.Status.AccountID == "" {
			return adapter.Terminalf(v1alpha1.ReasonProviderDeleting,
				"spec.providerRef: %s %q is being deleted: no new upstream account is created through it; "+
					"point the Account at another provider (delete and re-apply it)", ref.Kind, ref.Name)
		}
		return nil
	}
	if !controllerutil.ContainsFinalizer(obj, v1alpha1.InUseFinalizer) {
		return adapter.Pending(v1alpha1.ReasonProviderUseUnrecorded, fmt.Sprintf(
			"waiting for %s %q to record that this Account uses it", ref.Kind, ref.Name), waitRequeue)
	}
	return nil
}

// useUnrecordedGrace is how long a new Account waits for its provider's
// in-use finalizer without saying so: the usage controller sets it within a
// moment of the Account's creation, and the provider watch brings the Account
// back then; a status written for that moment would cost every Account of a
// new provider one more write. Past it, the wait shows (ProviderUseUnrecorded).
const useUnrecordedGrace = 30 * time.Second

// quietWait: the pass waits for the provider's in-use finalizer within the
// grace period, with no status to write.
func quietWait(a *v1alpha1.Account, err error) bool {
	return adapter.Reason(err) == v1alpha1.ReasonProviderUseUnrecorded &&
		time.Since(a.CreationTimestamp.Time) < useUnrecordedGrace
}

// deletionBlocked is the failure of an Account being deleted whose provider
// cannot be used (gone, not allowed, not Ready, its credentials missing): the
// same class and reason, so a terminal one stalls without a retry loop (the
// provider watch brings the Account back when the provider is re-created or
// recovers) and a transient one backs off, with a message that says what
// waits and the two ways out.
func deletionBlocked(a *v1alpha1.Account, err error) error {
	f := adapter.Failure(err)
	if f.Class != adapter.ClassTerminal {
		return err
	}
	what := "the upstream account"
	if a.Status.AccountID != "" {
		what = "upstream account " + a.Status.AccountID
	}
	return &adapter.Error{Class: f.Class, Reason: f.Reason, Message: fmt.Sprintf(
		"deletion waits: %v, so %s cannot be deleted; re-create the provider (or fix it), "+
			"or set spec.deletionPolicy: Orphan to let the Account go and leave %s in place", err, what, what)}
}
