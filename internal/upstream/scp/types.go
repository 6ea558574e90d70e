package scp

import "encoding/json"

// Wire types: field names are the vendor's JSON names (snake_case). Answers
// are decoded into types that hold only the fields the operator uses, so a
// field the vendor adds, drops or sends with another type than documented
// never fails a call unless the operator relies on it. The conformance probe
// compares answers with the fuller documented shapes in docmodel.go.

// CreateAccountRequest is AccountFactoryCreateRequest (cloudcontrol 1.2).
// The model page marks only name, landing_zone_id and parent_unit_id as
// required, but Samsung's own SDK and Terraform provider require email too,
// so it is always sent.
type CreateAccountRequest struct {
	Name            string `json:"name"`
	LandingZoneID   string `json:"landing_zone_id"`
	ParentUnitID    string `json:"parent_unit_id"`
	Email           string `json:"email"`
	SSOUserEmail    string `json:"sso_user_email,omitempty"`
	SSOUserName     string `json:"sso_user_name,omitempty"`
	SSOUserRealName string `json:"sso_user_real_name,omitempty"`
}

// CreateAccountResponse is AccountFactoryCreateResponse. JobID cannot be
// polled (no job API exists); keep it for logs and support tickets.
type CreateAccountResponse struct {
	AccountID string `json:"account_id"`
	JobID     string `json:"job_id"`
}

// Baseline assignment statuses (cloudcontrol 1.2).
const (
	StatusRegistering        = "REGISTERING"
	StatusRegistered         = "REGISTERED"
	StatusRegistrationFailed = "REGISTRATION_FAILED"
	StatusUnregistering      = "UNREGISTERING"
)

// BaselineAssignment is what the operator reads of one ListBaselineAssignments
// entry: the counters, SSO user and guardrail fields are not used.
type BaselineAssignment struct {
	ID     string `json:"id"`
	Type   string `json:"type"` // OU | ACCOUNT
	Status string `json:"status"`
}

type baselineAssignmentList struct {
	BaselineAssignments []BaselineAssignment `json:"baseline_assignments"`
}

// Organization account states. The API reference lists ACTIVE, SUSPENDED and
// PENDING_CLOSURE; Samsung's Terraform provider also waits on PENDING and
// RUNNING and treats CREATE_FAILED as a failure.
const (
	StateActive         = "ACTIVE"
	StateSuspended      = "SUSPENDED"
	StatePendingClosure = "PENDING_CLOSURE"
	StatePending        = "PENDING"
	StateRunning        = "RUNNING"
	StateCreateFailed   = "CREATE_FAILED"
)

// Account is what the operator reads of an organization account
// (OrganizationAccountWithPolicy in a read, AccountSummary in a listing).
type Account struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	Email        looseString `json:"email"` // only to tell a duplicate email
	State        string      `json:"state"`
	ParentUnitID string      `json:"parent_unit_id"`
}

type accountEnvelope struct {
	Account *Account `json:"account"`
}

// ListAccountsOptions filters GET /v1/organization-accounts. Zero values are
// not sent.
type ListAccountsOptions struct {
	Name           string
	Email          string
	ParentUnitID   string
	OrganizationID string
	Page           int
	Size           int // 0: the server default (20)
}

// AccountPage is what the operator reads of AccountPageResponse.
type AccountPage struct {
	Accounts []Account `json:"accounts"`
	Count    int       `json:"count"`
}

// MoveAccountRequest is the body of PUT /v1/organization-accounts/parent.
// Samsung's own client leaves organization_id out when it has none.
type MoveAccountRequest struct {
	OrganizationID   string   `json:"organization_id,omitempty"`
	ParentUnitID     string   `json:"parent_unit_id"`
	TargetAccountIDs []string `json:"target_account_ids"`
}

// MoveAccountResponse is a partial-success 200: inspect FailedIDs.
type MoveAccountResponse struct {
	SuccessIDs []MoveSuccess `json:"success_ids"`
	FailedIDs  []MoveFailure `json:"failed_ids"`
}

// MoveSuccess names a moved account.
type MoveSuccess struct {
	SuccessID string `json:"success_id"`
}

// MoveFailure names an account that was not moved, and why.
type MoveFailure struct {
	ErrorCode    string `json:"error_code"`
	FailedCaused string `json:"failed_caused"`
	FailedID     string `json:"failed_id"`
}

// looseString decodes a JSON string and reads anything else (null, a number,
// an object) as "": for a field the operator only uses to explain an error,
// an odd answer must not fail the whole listing.
type looseString string

func (s *looseString) UnmarshalJSON(b []byte) error {
	var v string
	if json.Unmarshal(b, &v) != nil {
		v = ""
	}
	*s = looseString(v)
	return nil
}
