package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// Observe-only management (spec.managementPolicy ObserveOnly) is the import
// path: the Account reads the upstream account spec.externalID names and
// never writes to it. The state machine stays one: the adoption (with its
// tenancy rules) and the observation are the Full path's own; only the
// correcting steps (update, token re-issue, delete) are left out, here and in
// finalize.

// observed ends an observe-only pass after the observation: what the upstream
// shows goes to the status and to the connection Secret (only what the
// upstream answers and the Secret already holds: never a secret it cannot
// read), and a difference from the spec is reported, not corrected.
func (r *AccountReconciler) observed(ctx context.Context, p *pass, obs adapter.Observation) (*outcome, error) {
	a := p.a
	a.Status.Drift = nil // nothing is written, so nothing can fail to apply
	if err := p.conn.save(ctx, r.Client, r.Scheme, a); err != nil {
		return nil, err
	}
	a.Status.ConnectionSecretName = a.ConnectionSecretName()
	o := r.next(p, obs, false)
	if o.phase != PhaseReady || len(obs.Drift) == 0 {
		return o, nil
	}
	msg := observedDriftMessage(obs.Drift)
	if c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionSynced); c == nil ||
		c.Reason != v1alpha1.ReasonObservedDrift || c.Message != msg {
		p.warning(v1alpha1.ReasonObservedDrift, msg) // a new difference, once
	}
	return &outcome{phase: PhaseUnsynced, reason: v1alpha1.ReasonObservedDrift, message: msg, requeue: o.requeue}, nil
}

// observedDriftMessage names the differing fields; deterministic.
func observedDriftMessage(fields []string) string {
	f := slices.Clone(fields)
	slices.Sort(f)
	return fmt.Sprintf("the upstream account differs from the spec in %s; not corrected: spec.managementPolicy "+
		"is ObserveOnly (set it to Full to correct it)", strings.Join(slices.Compact(f), ", "))
}

// observesAccountID: an observe-only Account reads only the account
// spec.externalID names. One handed back after the operator created or adopted
// another (status.accountID) would otherwise watch an account its spec does not
// name: that is a spec error, reported before any upstream call.
func observesAccountID(a *v1alpha1.Account) error {
	if !a.ObserveOnly() || a.Status.AccountID == a.Spec.ExternalID {
		return nil
	}
	return adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.externalID: %q is not upstream account %s, which "+
		"this Account manages (status.accountID); an observe-only Account observes only the account spec.externalID "+
		"names: set spec.managementPolicy back to Full, or delete this Account with deletionPolicy Orphan and apply one "+
		"for the account to observe", a.Spec.ExternalID, a.Status.AccountID)
}

// notFoundUpstream is the failure of an Account whose upstream account does
// not exist (any more): nothing is re-created silently, and an observe-only
// Account never creates one.
func notFoundUpstream(a *v1alpha1.Account) error {
	if a.ObserveOnly() {
		return adapter.NotFound("spec.externalID: upstream account %s does not exist; an observe-only Account "+
			"never creates one: fix spec.externalID, or delete the Account", a.Status.AccountID)
	}
	return adapter.NotFound("upstream account %s no longer exists; "+
		"delete the Account and apply it again to create a new one", a.Status.AccountID)
}

// keepsUpstream says why deleting the Account leaves its upstream account in
// place, or "" when it is deleted: an observe-only Account never deletes,
// whatever its deletionPolicy says.
func keepsUpstream(a *v1alpha1.Account) string {
	switch {
	case a.ObserveOnly():
		return "managementPolicy ObserveOnly"
	case a.Spec.DeletionPolicy == v1alpha1.DeletionOrphan:
		return "deletionPolicy Orphan"
	}
	return ""
}
