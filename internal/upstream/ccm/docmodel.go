package ccm

import "encoding/json"

// The Doc types model the answers exactly as the vendor Swagger
// (shared/reference/ccm-swagger.json) defines them, every documented field
// included, for the conformance probe's strict comparison
// (httpapi.Conform). Calls never decode into them: they decode only what
// they use, into the wire types. "format: binary" fields are strings here,
// as they are in JSON.

// DocAuthResponse is AuthResponse (POST /sys/auth).
type DocAuthResponse struct {
	AccessToken string         `json:"access_token"`
	SessionInfo DocSessionInfo `json:"session_info"`
}

// DocSessionInfo is SessionInfo.
type DocSessionInfo struct {
	SubjectID             string `json:"subject_id"`
	SessionExpiresAt      int64  `json:"session_expires_at"`
	SessionTokenExpiresAt int64  `json:"session_token_expires_at"`
	SelectedAccountID     string `json:"selected_account_id"`
}

// DocSessionResponse is RefreshResponse and SelectAccountResponse.
type DocSessionResponse struct {
	SessionInfo DocSessionInfo `json:"session_info"`
}

// DocAccountList is AccountListResponse (GET /accounts).
type DocAccountList struct {
	Items []DocAccount `json:"items"`
}

// DocAccount is Account.
type DocAccount struct {
	Name                string                   `json:"name"`
	AcctID              string                   `json:"acct_id"`
	CreatedAt           int64                    `json:"created_at"`
	Roles               []string                 `json:"roles"`
	CustomLogo          string                   `json:"custom_logo"`
	Status              string                   `json:"status"`
	AuthConfigs         map[string]DocAuthConfig `json:"auth_configs"`
	NodeEnrollment      DocNodeEnrollment        `json:"node_enrollment"`
	Totals              DocObjectCounts          `json:"totals"`
	Component           string                   `json:"component"`
	DefaultGroupID      string                   `json:"default_group_id"`
	MarketplaceGroupID  string                   `json:"marketplace_group_id"`
	AccountStatus       string                   `json:"account_status"`
	AzureCvmPcrPriority []int                    `json:"azure_cvm_pcr_priority"`
}

// DocNodeEnrollment is NodeEnrollment.
type DocNodeEnrollment struct {
	AttestationEnforcementDisabledInsecure bool `json:"attestation_enforcement_disabled_insecure"`
}

// DocObjectCounts is ObjectCounts.
type DocObjectCounts struct {
	Datasets       int64 `json:"datasets"`
	FinalWorkflows int64 `json:"final_workflows"`
	Nodes          int64 `json:"nodes"`
}

// DocAuthConfig is AuthenticationConfig.
type DocAuthConfig struct {
	Password *struct {
		Require2FA         bool `json:"require_2fa"`
		AdministratorsOnly bool `json:"administrators_only"`
	} `json:"password"`
	Oauth          *DocAuthConfigOauth `json:"oauth"`
	ClusterAuthRef *struct {
		TargetID string `json:"target_id"`
	} `json:"cluster_auth_ref"`
}

// DocAuthConfigOauth is AuthConfigOauth.
type DocAuthConfigOauth struct {
	IdpName                  string       `json:"idp_name"`
	IdpIconURL               string       `json:"idp_icon_url"`
	IdpAuthorizationEndpoint string       `json:"idp_authorization_endpoint"`
	IdpTokenEndpoint         string       `json:"idp_token_endpoint"`
	IdpRequiresBasicAuth     bool         `json:"idp_requires_basic_auth"`
	IdpUserinfoEndpoint      string       `json:"idp_userinfo_endpoint"`
	TLS                      DocTLSConfig `json:"tls"`
	ClientID                 string       `json:"client_id"`
	ClientSecret             string       `json:"client_secret"`
}

// DocTLSConfig is TlsConfig; disabled and opportunistic are declared as bare
// objects.
type DocTLSConfig struct {
	Disabled      map[string]json.RawMessage `json:"disabled"`
	Opportunistic map[string]json.RawMessage `json:"opportunistic"`
	Required      *struct {
		ValidateHostname bool   `json:"validate_hostname"`
		ClientKey        string `json:"client_key"`
		ClientCert       string `json:"client_cert"`
		Ca               struct {
			CaSet  string   `json:"ca_set"`
			Pinned []string `json:"pinned"`
		} `json:"ca"`
	} `json:"required"`
}
