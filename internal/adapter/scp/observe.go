package scp

import (
	"context"
	"errors"
	"fmt"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

// fieldParentUnit is the only spec field SCP can change after create.
const fieldParentUnit = "spec.scp.parentUnitID"

// Observe reads the organization account (from the listed entry when the
// pass has one that is ACTIVE in the spec's unit) and its Cloud Control
// baseline assignment (not in the listing: read until REGISTERED is recorded). The organization state and the registration decide readiness;
// the parent unit is the only drift SCP can correct.
func (p *Adapter) Observe(ctx context.Context, req *adapter.Request) (adapter.Observation, error) {
	spec, err := scpSpec(req)
	if err != nil {
		return adapter.Observation{}, err
	}
	id := req.Account.Status.AccountID
	a, err := p.read(ctx, req, spec.ParentUnitID, id)
	switch {
	case httpapi.IsNotFound(err):
		return p.observeInvisible(ctx, req)
	case err != nil:
		return adapter.Observation{}, fmt.Errorf("read SCP account %s: %w", id, err)
	case a.State == scpapi.StatePendingClosure && req.Account.DeletionTimestamp.IsZero():
		// Closed behind our back: the account is going away, not ours to use.
		return adapter.Observation{Exists: false, State: a.State}, nil
	}
	p.sawListed(req)
	reg, listed, err := p.registration(ctx, req, id)
	if err != nil {
		return adapter.Observation{}, err
	}
	obs := readiness(a.State, reg, jobRef(req))
	waiting := !listed && p.withinGrace(markOf(req))

	if waiting && (obs.Readiness == adapter.Ready || obs.Readiness == adapter.Provisioning) {
		// Cloud Control lists the assignment of a new account a while after
		// the organization shows it: without one it is not ready yet.
		obs = adapter.Observation{Readiness: adapter.Provisioning, Message: "waiting for Cloud Control to list the account's " +
			"baseline assignment" + jobRef(req)}
	}
	obs.Exists, obs.UpToDate, obs.State = true, true, a.State
	if a.ParentUnitID != spec.ParentUnitID {
		obs.UpToDate, obs.Drift = false, []string{fieldParentUnit}
	}
	obs.Details = details(id, req.Account.Status.JobID)
	obs.Status = scpStatus(req, reg, a.ParentUnitID, waiting)
	return obs, nil
}

// observeInvisible handles an organization 404: an account this operator
// created may not be listed yet (see provisioning); otherwise it is gone.
func (p *Adapter) observeInvisible(ctx context.Context, req *adapter.Request) (adapter.Observation, error) {
	id := req.Account.Status.AccountID
	creating, err := p.notVisibleYet(ctx, req)
	if err != nil || !creating {
		return adapter.Observation{}, err
	}
	return adapter.Observation{Exists: true, UpToDate: true, Readiness: adapter.Provisioning,
		State:   scpapi.StatusRegistering,
		Message: fmt.Sprintf("registration in progress%s; not yet visible in the organization", jobRef(req)),
		Details: details(id, req.Account.Status.JobID),
		Status:  scpStatus(req, scpapi.StatusRegistering, "", true),
	}, nil
}

// registration is the baseline assignment status and whether Cloud Control
// lists one. A registration once recorded as REGISTERED is final, so later
// polls skip the Cloud Control read: each poll costs one organization read.
// No assignment is normal for an account Cloud Control does not manage (one
// adopted from outside the factory), and for a while after a create.
func (p *Adapter) registration(ctx context.Context, req *adapter.Request, id string) (string, bool, error) {
	if st := req.Account.Status.SCP; st != nil && st.RegistrationStatus == scpapi.StatusRegistered {
		return scpapi.StatusRegistered, true, nil
	}
	b, err := p.client.GetBaselineAssignment(ctx, id)
	switch {
	case errors.Is(err, scpapi.ErrNoAssignment):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("read SCP registration of account %s: %w", id, err)
	}
	return b.Status, true, nil
}

// readiness maps the organization state and the registration status onto
// a Readiness. Messages are deterministic and hold no secrets.
func readiness(state, reg, job string) adapter.Observation {
	switch {
	case state == scpapi.StateCreateFailed:
		return adapter.Observation{Readiness: adapter.Failed, Message: fmt.Sprintf("SCP reports that creating the "+
			"account failed (organization state %s)%s; delete the Account and apply it again", state, job)}
	case reg == scpapi.StatusRegistrationFailed:
		return adapter.Observation{Readiness: adapter.Failed, Message: fmt.Sprintf("Cloud Control registration "+
			"failed: baseline assignment status %s%s; delete the Account, fix the landing zone and apply it again",
			reg, job)}
	case state == scpapi.StateSuspended:
		return adapter.Observation{Reason: v1alpha1.ReasonSuspendedUpstream, Message: "the account is " +
			"SUSPENDED upstream, and this operator did not close it; it is neither re-created nor deleted"}
	case state == scpapi.StatePending || state == scpapi.StateRunning:
		return adapter.Observation{Readiness: adapter.Provisioning, Message: fmt.Sprintf("the account is being provisioned "+
			"(organization state %s)%s", state, job)}
	case reg == scpapi.StatusRegistering:
		return adapter.Observation{Readiness: adapter.Provisioning, Message: "registration in progress" + job}
	case reg == scpapi.StatusUnregistering:
		return adapter.Observation{Message: "Cloud Control is unregistering the account (baseline assignment status UNREGISTERING)"}
	case state == scpapi.StatePendingClosure:
		return adapter.Observation{Readiness: adapter.Provisioning, Message: "the account is closing (PENDING_CLOSURE)"}
	case state != scpapi.StateActive:
		return adapter.Observation{Message: fmt.Sprintf("the account is in state %q upstream, which this "+
			"operator does not know; it is not treated as ready", state)}
	case reg == scpapi.StatusRegistered || reg == "":
		return adapter.Observation{Readiness: adapter.Ready}
	}
	return adapter.Observation{Message: fmt.Sprintf("unexpected baseline assignment status %s", reg)}
}

// jobRef names the create job, when known, for messages and support tickets.
func jobRef(req *adapter.Request) string {
	if j := req.Account.Status.JobID; j != "" {
		return fmt.Sprintf(" (job %s)", j)
	}
	return ""
}

// scpStatus records the registration status and the upstream parent unit in
// a fresh status.scp; an unknown parent keeps the one recorded before, and
// the provisioning mark stays while provisioning is not over.
func scpStatus(req *adapter.Request, registration, parent string, provisioning bool) func(*v1alpha1.AccountStatus) {
	since := provisioningSince(req)
	return func(s *v1alpha1.AccountStatus) {
		next := &v1alpha1.SCPAccountStatus{RegistrationStatus: registration, ParentUnitID: parent}
		if parent == "" && s.SCP != nil {
			next.ParentUnitID = s.SCP.ParentUnitID
		}
		if provisioning && since != nil {
			next.ProvisioningSince = since.DeepCopy()
		}
		s.SCP = next
	}
}
