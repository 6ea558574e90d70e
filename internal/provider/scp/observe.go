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
// assignment. The organization state and the registration decide readiness;
// the parent unit is the only drift SCP can correct.
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
	p.sawListed(req)
	reg, listed, err := p.registration(ctx, req, id)
	if err != nil {
		return provider.Observation{}, err
	}
	obs := readiness(a.State, reg, jobRef(req))
	waiting := !listed && p.withinGrace(markOf(req))

	if waiting && (obs.Readiness == provider.Ready || obs.Readiness == provider.Provisioning) {
		// Cloud Control lists the assignment of a new account a while after
		// the organization shows it: without one it is not ready yet.
		obs = provider.Observation{Readiness: provider.Provisioning, Message: "waiting for Cloud Control to list the account's " +
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
func (p *Provider) observeInvisible(ctx context.Context, req *provider.Request) (provider.Observation, error) {
	id := req.Account.Status.AccountID
	creating, err := p.notVisibleYet(ctx, req)
	if err != nil || !creating {
		return provider.Observation{}, err
	}
	return provider.Observation{Exists: true, UpToDate: true, Readiness: provider.Provisioning,
		State:   upstream.StatusRegistering,
		Message: fmt.Sprintf("registration in progress%s; not yet visible in the organization", jobRef(req)),
		Details: details(id, req.Account.Status.JobID),
		Status:  scpStatus(req, upstream.StatusRegistering, "", true),
	}, nil
}

// registration is the baseline assignment status and whether Cloud Control
// lists one. A registration once recorded as REGISTERED is final, so later
// polls skip the Cloud Control read: each poll costs one organization read.
// No assignment is normal for an account Cloud Control does not manage (one
// adopted from outside the factory), and for a while after a create.
func (p *Provider) registration(ctx context.Context, req *provider.Request, id string) (string, bool, error) {
	if st := req.Account.Status.SCP; st != nil && st.RegistrationStatus == upstream.StatusRegistered {
		return upstream.StatusRegistered, true, nil
	}
	b, err := p.client.GetBaselineAssignment(ctx, id)
	switch {
	case errors.Is(err, upstream.ErrNoAssignment):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("read SCP registration of account %s: %w", id, err)
	}
	return b.Status, true, nil
}

// readiness maps the organization state and the registration status onto
// a Readiness. Messages are deterministic and hold no secrets.
func readiness(state, reg, job string) provider.Observation {
	switch {
	case state == upstream.StateCreateFailed:
		return provider.Observation{Readiness: provider.Failed, Message: fmt.Sprintf("SCP reports that creating the "+
			"account failed (organization state %s)%s; delete the Account and apply it again", state, job)}
	case reg == upstream.StatusRegistrationFailed:
		return provider.Observation{Readiness: provider.Failed, Message: fmt.Sprintf("Cloud Control registration "+
			"failed: baseline assignment status %s%s; delete the Account, fix the landing zone and apply it again",
			reg, job)}
	case state == upstream.StateSuspended:
		return provider.Observation{Reason: v1alpha1.ReasonSuspendedUpstream, Message: "the account is " +
			"SUSPENDED upstream, and this operator did not close it; it is neither re-created nor deleted"}
	case state == upstream.StatePending || state == upstream.StateRunning:
		return provider.Observation{Readiness: provider.Provisioning, Message: fmt.Sprintf("the account is being provisioned "+
			"(organization state %s)%s", state, job)}
	case reg == upstream.StatusRegistering:
		return provider.Observation{Readiness: provider.Provisioning, Message: "registration in progress" + job}
	case reg == upstream.StatusUnregistering:
		return provider.Observation{Message: "Cloud Control is unregistering the account (baseline assignment status UNREGISTERING)"}
	case state == upstream.StatePendingClosure:
		return provider.Observation{Readiness: provider.Provisioning, Message: "the account is closing (PENDING_CLOSURE)"}
	case state != upstream.StateActive:
		return provider.Observation{Message: fmt.Sprintf("the account is in state %q upstream, which this "+
			"operator does not know; it is not treated as ready", state)}
	case reg == upstream.StatusRegistered || reg == "":
		return provider.Observation{Readiness: provider.Ready}
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

// scpStatus records the registration status and the upstream parent unit in
// a fresh status.scp; an unknown parent keeps the one recorded before, and
// the provisioning mark stays while provisioning is not over.
func scpStatus(req *provider.Request, registration, parent string, provisioning bool) func(*v1alpha1.AccountStatus) {
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
