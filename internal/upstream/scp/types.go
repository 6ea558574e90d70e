package scp

// Wire types: field names are the vendor's JSON names (snake_case).

// CreateAccountRequest is AccountFactoryCreateRequest (cloudcontrol 1.2).
// name, landing_zone_id and parent_unit_id are required; the rest are optional.
type CreateAccountRequest struct {
	Name            string `json:"name"`
	LandingZoneID   string `json:"landing_zone_id"`
	ParentUnitID    string `json:"parent_unit_id"`
	Email           string `json:"email,omitempty"`
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

// BaselineAssignment is one entry of ListBaselineAssignments.
type BaselineAssignment struct {
	ID                        string `json:"id"`
	Name                      string `json:"name,omitempty"`
	Type                      string `json:"type"` // OU | ACCOUNT
	Status                    string `json:"status"`
	LandingZoneID             string `json:"landing_zone_id,omitempty"`
	SSOUserName               string `json:"sso_user_name,omitempty"`
	DetectiveGuardrailStatus  string `json:"detective_guardrail_status,omitempty"`
	DetectiveGuardrailType    string `json:"detective_guardrail_type,omitempty"`
	PreventiveGuardrailCount  int    `json:"preventive_guardrail_count,omitempty"`
	DetectiveGuardrailCount   int    `json:"detective_guardrail_count,omitempty"`
	NonCompliantResourceCount int    `json:"non_compliant_resource_count,omitempty"`
}

type baselineAssignmentList struct {
	BaselineAssignments []BaselineAssignment `json:"baseline_assignments"`
}

// Organization account states.
const (
	StateActive         = "ACTIVE"
	StateSuspended      = "SUSPENDED"
	StatePendingClosure = "PENDING_CLOSURE"
)

// Account is OrganizationAccountWithPolicy (organization 1.2).
type Account struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Email           string          `json:"email,omitempty"`
	LoginID         string          `json:"login_id,omitempty"`
	OrganizationID  string          `json:"organization_id,omitempty"`
	ParentUnitID    string          `json:"parent_unit_id,omitempty"`
	ParentUnitName  string          `json:"parent_unit_name,omitempty"`
	SRN             string          `json:"srn,omitempty"`
	State           string          `json:"state"`
	Type            string          `json:"type,omitempty"`
	JoinedMethod    string          `json:"joined_method,omitempty"`
	JoinedTime      string          `json:"joined_time,omitempty"`
	CreatedAt       string          `json:"created_at,omitempty"`
	CreatedBy       string          `json:"created_by,omitempty"`
	ModifiedAt      string          `json:"modified_at,omitempty"`
	ModifiedBy      string          `json:"modified_by,omitempty"`
	ControlPolicies []ControlPolicy `json:"control_policies,omitempty"`
}

// ControlPolicy is a policy attached to an account; kept loose on purpose.
type ControlPolicy struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
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

// AccountPage is AccountPageResponse.
type AccountPage struct {
	Accounts []Account `json:"accounts"`
	Count    int       `json:"count"`
	Page     int       `json:"page"`
	Size     int       `json:"size"`
}

// MoveAccountRequest is the body of PUT /v1/organization-accounts/parent.
type MoveAccountRequest struct {
	OrganizationID   string   `json:"organization_id"`
	ParentUnitID     string   `json:"parent_unit_id"`
	TargetAccountIDs []string `json:"target_account_ids"`
}

// MoveAccountResponse is a partial-success 200: inspect FailedIDs.
type MoveAccountResponse struct {
	SuccessIDs []MoveSuccess `json:"success_ids"`
	FailedIDs  []MoveFailure `json:"failed_ids,omitempty"`
}

// MoveSuccess names a moved account.
type MoveSuccess struct {
	SuccessID   string `json:"success_id"`
	SuccessName string `json:"success_name,omitempty"`
	TargetID    string `json:"target_id,omitempty"`
	TargetName  string `json:"target_name,omitempty"`
}

// MoveFailure names an account that was not moved, and why.
type MoveFailure struct {
	ErrorCode    string `json:"error_code,omitempty"`
	FailedCaused string `json:"failed_caused,omitempty"`
	FailedID     string `json:"failed_id"`
	FailedName   string `json:"failed_name,omitempty"`
}
