package scp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/provider"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	upstream "github.com/account-operator/account-operator/internal/upstream/scp"
)

// Provider is one SCP provider object: a signed client for Cloud Control and
// the Organization service. Safe for concurrent use.
type Provider struct {
	client         *upstream.Client
	organizationID string // sent with MoveAccount; "" lets the server pick
}

var _ provider.Provider = (*Provider)(nil)

// Verify lists one account: the cheapest signed call. 401 is a bad key,
// signature or clock; 403 a key outside the management account.
func (p *Provider) Verify(ctx context.Context) error {
	if err := p.client.Verify(ctx); err != nil {
		return fmt.Errorf("verify SCP credentials: %w", err)
	}
	return nil
}

// Create calls the account factory once. The account is not usable yet: its
// baseline assignment stays REGISTERING for minutes, which Observe follows.
func (p *Provider) Create(ctx context.Context, req *provider.Request) (provider.Creation, error) {
	spec, err := scpSpec(req)
	if err != nil {
		return provider.Creation{}, err
	}
	name := req.DisplayName()
	if err := checkName(req, name); err != nil {
		return provider.Creation{}, err
	}
	out, err := p.client.CreateAccount(ctx, createRequest(name, spec))
	switch {
	case httpapi.IsStatus(err, http.StatusConflict):
		return provider.Creation{}, provider.Terminal(v1alpha1.ReasonAlreadyExists, fmt.Sprintf(
			"spec.displayName: an upstream account named %q already exists in the organization; "+
				"set spec.externalID to adopt it", name), err)
	case httpapi.IsNotFound(err):
		// A 404 here is an unknown landing zone or unit, not a missing account.
		return provider.Creation{}, provider.Terminal(v1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"spec.scp.landingZoneID %q or spec.scp.parentUnitID %q does not exist upstream",
			spec.LandingZoneID, spec.ParentUnitID), err)
	case err != nil:
		return provider.Creation{}, fmt.Errorf("create SCP account %q: %w", name, err)
	}
	return provider.Creation{
		ID:      out.AccountID,
		JobID:   out.JobID,
		State:   upstream.StatusRegistering,
		Details: details(out.AccountID, out.JobID),
		Status:  scpStatus(upstream.StatusRegistering, spec.ParentUnitID),
	}, nil
}

// createRequest maps spec.scp onto AccountFactoryCreateRequest.
func createRequest(name string, spec *v1alpha1.SCPAccountSpec) upstream.CreateAccountRequest {
	r := upstream.CreateAccountRequest{Name: name, LandingZoneID: spec.LandingZoneID,
		ParentUnitID: spec.ParentUnitID, Email: spec.Email}
	if u := spec.SSOUser; u != nil {
		r.SSOUserEmail, r.SSOUserName, r.SSOUserRealName = u.Email, u.Name, u.RealName
	}
	return r
}

// Find returns the id of the account with the display name, or "". An account
// in PENDING_CLOSURE is on its way out and cannot be adopted.
func (p *Provider) Find(ctx context.Context, req *provider.Request) (string, error) {
	name := req.DisplayName()
	a, err := p.client.FindAccountByName(ctx, name)
	switch {
	case errors.Is(err, upstream.ErrAmbiguousName):
		return "", provider.Terminal(v1alpha1.ReasonAlreadyExists, fmt.Sprintf(
			"spec.displayName: several upstream accounts are named %q; set spec.externalID to adopt one", name), err)
	case err != nil:
		return "", fmt.Errorf("find SCP account %q: %w", name, err)
	case a == nil || a.State == upstream.StatePendingClosure:
		return "", nil
	}
	return a.ID, nil
}

// Delete closes the account once and then polls: PENDING_CLOSURE is not done,
// a 404 is. It never closes an account that is already closing.
func (p *Provider) Delete(ctx context.Context, req *provider.Request) (bool, error) {
	id := req.Account.Status.AccountID
	if id == "" {
		return true, nil
	}
	a, err := p.client.GetAccount(ctx, id)
	switch {
	case httpapi.IsNotFound(err):
		creating, err := p.notVisibleYet(ctx, id)
		return !creating && err == nil, err
	case err != nil:
		return false, fmt.Errorf("read SCP account %s: %w", id, err)
	case a.State == upstream.StatePendingClosure:
		return false, nil
	}
	if err := p.client.DeleteAccount(ctx, id); err != nil {
		return false, fmt.Errorf("delete SCP account %s: %w", id, err)
	}
	// Closing may be instant; any error here just means "poll again".
	_, err = p.client.GetAccount(ctx, id)
	return httpapi.IsNotFound(err), nil
}

// notVisibleYet tells an organization 404 right after the create (Cloud
// Control still REGISTERING it) from an account that is gone.
func (p *Provider) notVisibleYet(ctx context.Context, id string) (bool, error) {
	b, err := p.client.GetBaselineAssignment(ctx, id)
	switch {
	case errors.Is(err, upstream.ErrNoAssignment):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read SCP registration of account %s: %w", id, err)
	}
	return b.Status == upstream.StatusRegistering, nil
}

// scpSpec is the Account's scp block; the controller only routes Accounts
// that have one here, so its absence is a spec error.
// SCP account names are 3 to 30 characters (the SCP user guide). The CRD
// checks spec.displayName; a name defaulted from metadata.name is checked here,
// before any upstream call.
const minNameLen, maxNameLen = 3, 30

func checkName(req *provider.Request, name string) error {
	if n := utf8.RuneCountInString(name); n >= minNameLen && n <= maxNameLen {
		return nil
	}
	from := "spec.displayName"
	if req.Account.Spec.DisplayName == "" {
		from = "metadata.name, used when spec.displayName is unset,"
	}
	return provider.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.displayName: SCP account names are %d to %d "+
		"characters and %s has %d; set spec.displayName", minNameLen, maxNameLen, from, utf8.RuneCountInString(name))
}

func scpSpec(req *provider.Request) (*v1alpha1.SCPAccountSpec, error) {
	if req.Account.Spec.SCP == nil {
		return nil, provider.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.scp: required for an SCP provider")
	}
	return req.Account.Spec.SCP, nil
}

// details are the connection Secret outputs; an unknown job id is left out
// so the one already stored is kept.
func details(accountID, jobID string) map[string][]byte {
	d := map[string][]byte{"accountID": []byte(accountID)}
	if jobID != "" {
		d["jobID"] = []byte(jobID)
	}
	return d
}

// scpStatus records the registration status and the upstream parent unit in
// a fresh status.scp; an unknown parent keeps the one recorded before.
func scpStatus(registration, parent string) func(*v1alpha1.AccountStatus) {
	return func(s *v1alpha1.AccountStatus) {
		next := &v1alpha1.SCPAccountStatus{RegistrationStatus: registration, ParentUnitID: parent}
		if parent == "" && s.SCP != nil {
			next.ParentUnitID = s.SCP.ParentUnitID
		}
		s.SCP = next
	}
}
