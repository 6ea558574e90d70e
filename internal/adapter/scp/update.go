package scp

import (
	"context"
	"errors"
	"fmt"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

// Update moves the account to spec.scp.parentUnitID with one MoveAccount: the
// parent unit is the only thing SCP can change.
func (p *Adapter) Update(ctx context.Context, req *adapter.Request, obs adapter.Observation) (adapter.Update, error) {
	spec, err := scpSpec(req)
	if err != nil {
		return adapter.Update{}, err
	}
	id := req.Account.Status.AccountID
	_, err = p.client.MoveAccount(ctx, p.organizationID, id, spec.ParentUnitID)
	switch {
	case errors.Is(err, scpapi.ErrMoveFailed):
		// A 200 that lists the account as failed: retrying the same move gives
		// the same answer, so wait for a spec change.
		return adapter.Update{}, adapter.Terminal(v1alpha1.ReasonUpstreamRejected, fmt.Sprintf(
			"%s: SCP did not move account %s to %q", fieldParentUnit, id, spec.ParentUnitID), err)
	case err != nil:
		return adapter.Update{}, fmt.Errorf("move SCP account %s to %q: %w", id, spec.ParentUnitID, err)
	}
	return adapter.Update{Status: movedTo(spec.ParentUnitID)}, nil
}

// movedTo records the new parent unit and keeps the rest of status.scp.
func movedTo(parent string) func(*v1alpha1.AccountStatus) {
	return func(s *v1alpha1.AccountStatus) {
		next := &v1alpha1.SCPAccountStatus{ParentUnitID: parent}
		if s.SCP != nil {
			next.RegistrationStatus, next.ProvisioningSince = s.SCP.RegistrationStatus, s.SCP.ProvisioningSince
		}
		s.SCP = next
	}
}
