package ccm

// Wire types mirror the definitions of the vendor Swagger
// (shared/reference/ccm-swagger.json). Optional objects are pointers so that
// an unset variant is omitted rather than sent empty. []byte and Binary
// fields are "format: binary" and travel as standard base64; Binary is
// used where an answer carries them, and reads other base64 forms too.

// Component is AccountComponent, immutable after create.
type Component string

// Components.
const (
	ComponentDefault      Component = "DEFAULT"
	ComponentConfidential Component = "CONFIDENTIAL_AI"
)

// AccountStatus is the state of the account itself.
type AccountStatus string

// Account statuses.
const (
	AccountActive      AccountStatus = "Active"
	AccountDeactivated AccountStatus = "Deactivated"
)

// CaSet names a built-in set of trusted roots.
type CaSet string

// CaSetGlobalRoots is the only CaSet the vendor defines.
const CaSetGlobalRoots CaSet = "GLOBAL_ROOTS"

// AccountRequest is the create body. It has no azure_cvm_pcr_priority: set it
// with UpdateAccount after create.
type AccountRequest struct {
	Name           string                 `json:"name"`
	CustomLogo     []byte                 `json:"custom_logo,omitempty"`
	AuthConfigs    []AuthenticationConfig `json:"auth_configs,omitempty"`
	NodeEnrollment NodeEnrollment         `json:"node_enrollment"`
	Component      Component              `json:"component,omitempty"`
}

// AccountUpdateRequest is the PATCH body; every field is optional. Auth
// configs change by delta: add (new), mod (replace by id), del (by id).
type AccountUpdateRequest struct {
	Name                string                          `json:"name,omitempty"`
	CustomLogo          []byte                          `json:"custom_logo,omitempty"`
	AddAuthConfigs      []AuthenticationConfig          `json:"add_auth_configs,omitempty"`
	ModAuthConfigs      map[string]AuthenticationConfig `json:"mod_auth_configs,omitempty"`
	DelAuthConfigs      []string                        `json:"del_auth_configs,omitempty"`
	Enabled             *bool                           `json:"enabled,omitempty"`
	DefaultGroupID      string                          `json:"default_group_id,omitempty"`
	MarketplaceGroupID  string                          `json:"marketplace_group_id,omitempty"`
	AccountStatus       AccountStatus                   `json:"account_status,omitempty"`
	AzureCvmPcrPriority []int                           `json:"azure_cvm_pcr_priority,omitempty"`
}

// Account is the account as the upstream returns it. AuthConfigs is a map
// keyed by config id (unlike the create array). Secrets inside configs
// (client_secret, client_key) may come back empty: compare against what was
// sent, not what is read back.
type Account struct {
	AcctID              string                          `json:"acct_id"`
	Name                string                          `json:"name,omitempty"`
	CreatedAt           int64                           `json:"created_at,omitempty"`
	Roles               []string                        `json:"roles,omitempty"`
	Status              string                          `json:"status,omitempty"`
	CustomLogo          Binary                          `json:"custom_logo,omitempty"`
	AuthConfigs         map[string]AuthenticationConfig `json:"auth_configs,omitempty"`
	NodeEnrollment      NodeEnrollment                  `json:"node_enrollment"`
	Totals              *ObjectCounts                   `json:"totals,omitempty"`
	Component           Component                       `json:"component"`
	DefaultGroupID      string                          `json:"default_group_id,omitempty"`
	MarketplaceGroupID  string                          `json:"marketplace_group_id,omitempty"`
	AccountStatus       AccountStatus                   `json:"account_status,omitempty"`
	AzureCvmPcrPriority []int                           `json:"azure_cvm_pcr_priority,omitempty"`
}

// AuthenticationConfig holds exactly one of its fields.
type AuthenticationConfig struct {
	Password       *AuthConfigPassword `json:"password,omitempty"`
	Oauth          *AuthConfigOauth    `json:"oauth,omitempty"`
	ClusterAuthRef *AuthConfigRef      `json:"cluster_auth_ref,omitempty"`
}

// AuthConfigPassword enables password login.
type AuthConfigPassword struct {
	Require2FA         bool `json:"require_2fa"`
	AdministratorsOnly bool `json:"administrators_only"`
}

// AuthConfigOauth is an OAuth identity provider. ClientSecret is a
// WireSecret: sent on the wire, redacted when printed.
type AuthConfigOauth struct {
	IdpName                  string     `json:"idp_name"`
	IdpIconURL               string     `json:"idp_icon_url"`
	IdpAuthorizationEndpoint string     `json:"idp_authorization_endpoint"`
	IdpTokenEndpoint         string     `json:"idp_token_endpoint"`
	IdpRequiresBasicAuth     bool       `json:"idp_requires_basic_auth"`
	IdpUserinfoEndpoint      string     `json:"idp_userinfo_endpoint,omitempty"`
	TLS                      TlsConfig  `json:"tls"`
	ClientID                 string     `json:"client_id"`
	ClientSecret             WireSecret `json:"client_secret"`
}

// AuthConfigRef points at another cluster's auth config.
type AuthConfigRef struct {
	TargetID string `json:"target_id"`
}

// Empty is the body of the TLS modes that carry no settings.
type Empty struct{}

// TlsConfig holds exactly one mode.
type TlsConfig struct {
	Disabled      *Empty             `json:"disabled,omitempty"`
	Opportunistic *Empty             `json:"opportunistic,omitempty"`
	Required      *TlsConfigRequired `json:"required,omitempty"`
}

// TlsConfigRequired is verified TLS, optionally with a client certificate.
type TlsConfigRequired struct {
	ValidateHostname bool        `json:"validate_hostname"`
	ClientKey        SecretBytes `json:"client_key,omitempty"`
	ClientCert       Binary      `json:"client_cert,omitempty"`
	Ca               CaConfig    `json:"ca"`
}

// CaConfig holds exactly one of CaSet or Pinned (DER or PEM certificates).
type CaConfig struct {
	CaSet  CaSet    `json:"ca_set,omitempty"`
	Pinned []Binary `json:"pinned,omitempty"`
}

// NodeEnrollment is the node attestation policy, immutable after create.
type NodeEnrollment struct {
	AttestationEnforcementDisabledInsecure bool `json:"attestation_enforcement_disabled_insecure"`
}

// ObjectCounts is returned with ?with_totals=true.
type ObjectCounts struct {
	Datasets       int64 `json:"datasets"`
	FinalWorkflows int64 `json:"final_workflows"`
	Nodes          int64 `json:"nodes"`
}

// AccountListResponse is one page of GET /accounts.
type AccountListResponse struct {
	Items []Account `json:"items"`
}

// SessionInfo describes a login session. Expiries are epoch seconds.
type SessionInfo struct {
	SubjectID             string `json:"subject_id"`
	SessionExpiresAt      int64  `json:"session_expires_at"`
	SessionTokenExpiresAt int64  `json:"session_token_expires_at"`
	SelectedAccountID     string `json:"selected_account_id,omitempty"`
}

// VersionResponse is GET /sys/version.
type VersionResponse struct {
	Version string `json:"version"`
}

// sessionResponse is the refresh and select_account answer.
type sessionResponse struct {
	SessionInfo SessionInfo `json:"session_info"`
}

// TLSDisabled returns a TlsConfig with TLS off.
func TLSDisabled() TlsConfig { return TlsConfig{Disabled: &Empty{}} }

// TLSOpportunistic returns a TlsConfig that uses TLS when offered.
func TLSOpportunistic() TlsConfig { return TlsConfig{Opportunistic: &Empty{}} }

// TLSRequired returns a TlsConfig that requires verified TLS.
func TLSRequired(r TlsConfigRequired) TlsConfig { return TlsConfig{Required: &r} }
