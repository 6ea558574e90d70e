package scp

import (
	"context"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

// Provider is one SCP provider object: a signed client for Cloud Control and
// the Organization service. Safe for concurrent use.
type Adapter struct {
	client         *scpapi.Client
	organizationID string           // sent with MoveAccount; "" leaves it out
	grace          time.Duration    // see DefaultProvisioningGrace
	now            func() time.Time // the clock grace periods are measured with
	seen           seenAccounts
}

var _ adapter.Upstream = (*Adapter)(nil)

// Verify lists one account: the cheapest signed call. 401 is a bad key,
// signature or clock; 403 a key outside the management account.
func (p *Adapter) Verify(ctx context.Context) error {
	if err := p.client.Verify(ctx); err != nil {
		return fmt.Errorf("verify SCP credentials: %w", err)
	}
	return nil
}

// Create calls the account factory once. The account is not usable yet: its
// baseline assignment stays REGISTERING for minutes, which Observe follows.
func (p *Adapter) Create(ctx context.Context, req *adapter.Request) (adapter.Creation, error) {
	spec, err := scpSpec(req)
	if err != nil {
		return adapter.Creation{}, err
	}
	name := req.DisplayName()
	if err := checkName(req, name); err != nil {
		return adapter.Creation{}, err
	}
	out, err := p.client.CreateAccount(ctx, createRequest(name, spec))
	switch {
	case httpapi.IsStatus(err, http.StatusConflict, http.StatusBadRequest):
		return adapter.Creation{}, p.refused(ctx, req, name, err)
	case httpapi.IsNotFound(err):
		// A 404 here is an unknown landing zone or unit, not a missing account.
		return adapter.Creation{}, adapter.Terminal(v1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"spec.scp.landingZoneID %q or spec.scp.parentUnitID %q does not exist upstream",
			spec.LandingZoneID, spec.ParentUnitID), err)
	case err != nil:
		return adapter.Creation{}, fmt.Errorf("create SCP account %q: %w", name, err)
	}
	since := metav1.NewTime(p.now())
	return adapter.Creation{
		ID:      out.AccountID,
		JobID:   out.JobID,
		State:   scpapi.StatusRegistering,
		Details: details(out.AccountID, out.JobID),
		Status: func(s *v1alpha1.AccountStatus) {
			s.SCP = &v1alpha1.SCPAccountStatus{RegistrationStatus: scpapi.StatusRegistering,
				ParentUnitID: spec.ParentUnitID, ProvisioningSince: &since}
		},
	}, nil
}

// createRequest maps spec.scp onto AccountFactoryCreateRequest.
func createRequest(name string, spec *v1alpha1.SCPAccountSpec) scpapi.CreateAccountRequest {
	r := scpapi.CreateAccountRequest{Name: name, LandingZoneID: spec.LandingZoneID,
		ParentUnitID: spec.ParentUnitID, Email: spec.Email}
	if u := spec.SSOUser; u != nil {
		r.SSOUserEmail, r.SSOUserName, r.SSOUserRealName = u.Email, u.Name, u.RealName
	}
	return r
}

// closedStates are the organization states of an account that is closing or
// closed: never adopted, never closed again.
func closedState(state string) bool {
	return state == scpapi.StatePendingClosure || state == scpapi.StateSuspended
}

// Find returns the id of the account with the display name, or "". An account
// closing or closed (PENDING_CLOSURE, SUSPENDED) cannot be adopted.
func (p *Adapter) Find(ctx context.Context, req *adapter.Request) (string, error) {
	name := req.DisplayName()
	named, err := p.client.AccountsNamed(ctx, name)
	if err != nil {
		return "", fmt.Errorf("find SCP account %q: %w", name, err)
	}
	var live []scpapi.Account
	for _, a := range named {
		if !closedState(a.State) {
			live = append(live, a)
		}
	}
	switch len(live) {
	case 0:
		return "", nil
	case 1:
		return live[0].ID, nil
	}
	return "", adapter.Terminalf(v1alpha1.ReasonAlreadyExists,
		"spec.displayName: %d upstream accounts are named %q; set spec.externalID to adopt one", len(live), name)
}

// SCP account names are 3 to 30 characters (the SCP user guide). The CRD
// checks spec.displayName; a name defaulted from metadata.name is checked here,
// before any upstream call.
const minNameLen, maxNameLen = 3, 30

func checkName(req *adapter.Request, name string) error {
	if n := utf8.RuneCountInString(name); n >= minNameLen && n <= maxNameLen {
		return nil
	}
	from := "spec.displayName"
	if req.Account.Spec.DisplayName == "" {
		from = "metadata.name, used when spec.displayName is unset,"
	}
	return adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.displayName: SCP account names are %d to %d "+
		"characters and %s has %d; set spec.displayName", minNameLen, maxNameLen, from, utf8.RuneCountInString(name))
}

// scpSpec is the Account's scp block; the controller only routes Accounts
// that have one here, so its absence is a spec error. The CRD requires
// spec.scp.email, but an Account stored before it did may lack one: Samsung's
// own clients never create an account without it, so neither does this one.
func scpSpec(req *adapter.Request) (*v1alpha1.SCPAccountSpec, error) {
	spec := req.Account.Spec.SCP
	switch {
	case spec == nil:
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.scp: required for an SCP provider")
	case spec.Email == "" && req.Account.Status.AccountID == "":
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"spec.scp.email: required: Samsung's account factory needs the account's email")
	}
	return spec, nil
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
