package scp

import (
	"context"
	"errors"
	"fmt"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/provider"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	upstream "github.com/account-operator/account-operator/internal/upstream/scp"
)

// fieldParentUnit is the only spec field SCP can change after create.
const fieldParentUnit = "spec.scp.parentUnitID"

// Observe reads the organization account and its Cloud Control baseline
// assignment. Registration decides readiness; the parent unit is the only
// drift SCP can correct.
func (p *Provider) Observe(ctx context.Context, req *provider.Request) (provider.Observation, error) {
	spec, err := scpSpec(req)
	if err != nil {
		return provider.Observation{}, err
	}
	id := req.Account.Status.AccountID
	a, err := p.client.GetAccount(ctx, id)
	switch {
	case httpapi.IsNotFound(err):
		return p.observeInvisible(ctx, req)
	case err != nil:
		return provider.Observation{}, fmt.Errorf("read SCP account %s: %w", id, err)
	case a.State == upstream.StatePendingClosure && req.Account.DeletionTimestamp.IsZero():
		// Closed behind our back: the account is going away, not ours to use.
		return provider.Observation{Exists: false, State: a.State}, nil
	}
	reg, err := p.registration(ctx, req, id)
	if err != nil {
		return provider.Observation{}, err
	}
	obs := readiness(a.State, reg, jobRef(req))
	obs.Exists, obs.UpToDate, obs.State = true, true, a.State
	if a.ParentUnitID != spec.ParentUnitID {
		obs.UpToDate, obs.Drift = false, []string{fieldParentUnit}
	}
	obs.Details = details(id, req.Account.Status.JobID)
	obs.Status = scpStatus(reg, a.ParentUnitID)
	return obs, nil
}

// observeInvisible handles an organization 404: right after the create the
// organization may not list the account yet while Cloud Control is still
// registering it; otherwise the account is gone.
func (p *Provider) observeInvisible(ctx context.Context, req *provider.Request) (provider.Observation, error) {
	id := req.Account.Status.AccountID
	creating, err := p.notVisibleYet(ctx, id)
	if err != nil || !creating {
		return provider.Observation{}, err
	}
	return provider.Observation{Exists: true, UpToDate: true, Pending: true,
		State:   upstream.StatusRegistering,
		Message: fmt.Sprintf("registration in progress%s; not yet visible in the organization", jobRef(req)),
		Details: details(id, req.Account.Status.JobID),
		Status:  scpStatus(upstream.StatusRegistering, ""),
	}, nil
}

// registration is the baseline assignment status, or "" for an account Cloud
// Control does not manage (e.g. one adopted from outside the factory). A
// registration once recorded as REGISTERED is final, so later polls skip the
// Cloud Control read: each poll costs one organization read.
func (p *Provider) registration(ctx context.Context, req *provider.Request, id string) (string, error) {
	if st := req.Account.Status.SCP; st != nil && st.RegistrationStatus == upstream.StatusRegistered {
		return upstream.StatusRegistered, nil
	}
	b, err := p.client.GetBaselineAssignment(ctx, id)
	switch {
	case errors.Is(err, upstream.ErrNoAssignment):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("read SCP registration of account %s: %w", id, err)
	}
	return b.Status, nil
}

// readiness maps the organization state and the registration status onto
// Ready/Pending/Failed. Messages are deterministic and hold no secrets.
func readiness(state, reg, job string) provider.Observation {
	switch {
	case reg == upstream.StatusRegistering:
		return provider.Observation{Pending: true, Message: "registration in progress" + job}
	case reg == upstream.StatusRegistrationFailed:
		return provider.Observation{Failed: true, Message: fmt.Sprintf("Cloud Control registration "+
			"failed: baseline assignment status %s%s; delete the Account, fix the landing zone and apply it again",
			reg, job)}
	case reg == upstream.StatusUnregistering:
		return provider.Observation{Message: "Cloud Control is unregistering the account (baseline assignment status UNREGISTERING)"}
	case state == upstream.StatePendingClosure:
		return provider.Observation{Pending: true, Message: "the account is closing (PENDING_CLOSURE)"}
	case state != upstream.StateActive:
		return provider.Observation{Message: fmt.Sprintf("the account is %s upstream", state)}
	case reg == upstream.StatusRegistered || reg == "":
		return provider.Observation{Ready: true}
	}
	return provider.Observation{Message: fmt.Sprintf("unexpected baseline assignment status %s", reg)}
}

// jobRef names the create job, when known, for messages and support tickets.
func jobRef(req *provider.Request) string {
	if j := req.Account.Status.JobID; j != "" {
		return fmt.Sprintf(" (job %s)", j)
	}
	return ""
}

// Update moves the account to spec.scp.parentUnitID with one MoveAccount: the
// parent unit is the only thing SCP can change.
func (p *Provider) Update(ctx context.Context, req *provider.Request, obs provider.Observation) (provider.Update, error) {
	spec, err := scpSpec(req)
	if err != nil {
		return provider.Update{}, err
	}
	id := req.Account.Status.AccountID
	_, err = p.client.MoveAccount(ctx, p.organizationID, id, spec.ParentUnitID)
	switch {
	case errors.Is(err, upstream.ErrMoveFailed):
		// A 200 that lists the account as failed: retrying the same move gives
		// the same answer, so wait for a spec change.
		return provider.Update{}, provider.Terminal(v1alpha1.ReasonUpstreamRejected, fmt.Sprintf(
			"%s: SCP did not move account %s to %q", fieldParentUnit, id, spec.ParentUnitID), err)
	case err != nil:
		return provider.Update{}, fmt.Errorf("move SCP account %s to %q: %w", id, spec.ParentUnitID, err)
	}
	return provider.Update{Status: movedTo(spec.ParentUnitID)}, nil
}

// movedTo records the new parent unit and keeps the registration status the
// observation recorded.
func movedTo(parent string) func(*v1alpha1.AccountStatus) {
	return func(s *v1alpha1.AccountStatus) {
		next := &v1alpha1.SCPAccountStatus{ParentUnitID: parent}
		if s.SCP != nil {
			next.RegistrationStatus = s.SCP.RegistrationStatus
		}
		s.SCP = next
	}
}
