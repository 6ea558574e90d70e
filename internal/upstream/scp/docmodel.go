package scp

// Documented shapes of the answers the operator reads, as the API reference
// models and examples give them (organization 1.2 AccountPageResponse,
// AccountSummary, AccountShowResponse, OrganizationAccountWithPolicy,
// ConnectedPolicySummary; cloudcontrol 1.2 BaselineAssignmentListResponseV1Dot1
// and its example entry). Calls never decode into these: they are what the
// conformance probe compares a real instance's answers with, field by field.
// Fields documented as "any of [string, null]" are pointers; a field whose
// type is not documented is `any`.

// DocAccountPage is AccountPageResponse.
type DocAccountPage struct {
	Accounts []DocAccountSummary `json:"accounts"`
	Count    int                 `json:"count"`
	Page     int                 `json:"page"`
	Size     int                 `json:"size"`
	Sort     any                 `json:"sort"`
}

// DocAccountSummary is AccountSummary, one listed account.
type DocAccountSummary struct {
	CreatedAt      string  `json:"created_at"`
	CreatedBy      string  `json:"created_by"`
	Email          *string `json:"email"`
	ID             string  `json:"id"`
	JoinedMethod   string  `json:"joined_method"`
	JoinedTime     string  `json:"joined_time"`
	LoginID        *string `json:"login_id"`
	ModifiedAt     string  `json:"modified_at"`
	ModifiedBy     string  `json:"modified_by"`
	Name           *string `json:"name"`
	OrganizationID string  `json:"organization_id"`
	ParentUnitID   string  `json:"parent_unit_id"`
	ParentUnitName *string `json:"parent_unit_name"`
	State          string  `json:"state"`
	Type           string  `json:"type"`
}

// DocAccountShow is AccountShowResponse.
type DocAccountShow struct {
	Account DocAccountWithPolicy `json:"account"`
}

// DocAccountWithPolicy is OrganizationAccountWithPolicy.
type DocAccountWithPolicy struct {
	DocAccountSummary
	ControlPolicies []DocConnectedPolicy `json:"control_policies"`
	CreatorName     string               `json:"creator_name"`
	ModifierName    string               `json:"modifier_name"`
	SRN             *string              `json:"srn"`
}

// DocConnectedPolicy is ConnectedPolicySummary.
type DocConnectedPolicy struct {
	PolicyID   string `json:"policy_id"`
	PolicyName string `json:"policy_name"`
}

// DocBaselineAssignmentList is BaselineAssignmentListResponseV1Dot1.
type DocBaselineAssignmentList struct {
	BaselineAssignments []DocBaselineAssignment `json:"baseline_assignments"`
}

// DocBaselineAssignment is BaselineAssignmentV1Dot1, with the fields of the
// reference's example entry.
type DocBaselineAssignment struct {
	AccountAssignedCount              int    `json:"account_assigned_count"`
	AccountCount                      int    `json:"account_count"`
	DetectiveGuardrailStatus          string `json:"detective_guardrail_status"`
	DetectiveGuardrailType            string `json:"detective_guardrail_type"`
	ID                                string `json:"id"`
	OUAssignedCount                   int    `json:"ou_assigned_count"`
	OUCount                           int    `json:"ou_count"`
	PreventiveGuardrailActivatedCount int    `json:"preventive_guardrail_activated_count"`
	SSOUserName                       string `json:"sso_user_name"`
	Status                            string `json:"status"`
	Type                              string `json:"type"`
}
