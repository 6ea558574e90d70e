package v1alpha1

// CCMComponent is the CCM account type (`component`).
// +kubebuilder:validation:Enum=DEFAULT;CONFIDENTIAL_AI
type CCMComponent string

// CCMTLSMode is how CCM talks TLS to an OAuth identity provider.
// +kubebuilder:validation:Enum=Disabled;Opportunistic;Required
type CCMTLSMode string

// TLS modes.
const (
	TLSDisabled      CCMTLSMode = "Disabled"
	TLSOpportunistic CCMTLSMode = "Opportunistic"
	TLSRequired      CCMTLSMode = "Required"
)

// CCMCASet is a predefined set of CA certificates (`ca.ca_set`).
// +kubebuilder:validation:Enum=GlobalRoots
type CCMCASet string

// CCMAccountSpec maps to the CCM AccountRequest and AccountUpdateRequest.
type CCMAccountSpec struct {
	// customLogo is the account logo (`custom_logo`): a ConfigMap key holding a
	// PNG, JPEG or SVG image of at most 128 KiB, in data or binaryData. Mutable.
	// +optional
	CustomLogo *CCMLogoSource `json:"customLogo,omitempty"`
	// authConfigs are the account's sign-in methods (`auth_configs`); each sets
	// exactly one of password, oauth or clusterAuthRef. Mutable: changes are
	// applied as one PATCH with add/mod/del deltas. At most 16.
	// +kubebuilder:validation:MaxItems=16
	// +listType=atomic
	// +optional
	AuthConfigs []CCMAuthConfig `json:"authConfigs,omitempty"`
	// nodeEnrollment (`node_enrollment`) is fixed at create. Immutable.
	// +default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.ccm.nodeEnrollment is immutable: CCM cannot change it after create"
	// +optional
	NodeEnrollment CCMNodeEnrollment `json:"nodeEnrollment,omitzero"`
	// component is the account type (`component`): DEFAULT or CONFIDENTIAL_AI.
	// Default DEFAULT. Immutable.
	// +default="DEFAULT"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.ccm.component is immutable: CCM cannot change it after create"
	// +optional
	Component CCMComponent `json:"component,omitempty"`
	// azureCVMPCRPriority (`azure_cvm_pcr_priority`) is the order of Azure CVM
	// PCRs: a permutation of the integers 0 to 22, each exactly once. Mutable;
	// applied with a PATCH after create.
	// +kubebuilder:validation:MinItems=23
	// +kubebuilder:validation:MaxItems=23
	// +kubebuilder:validation:items:Minimum=0
	// +kubebuilder:validation:items:Maximum=22
	// +kubebuilder:validation:XValidation:rule="self.all(x, self.filter(y, y == x).size() == 1)",message="spec.ccm.azureCVMPCRPriority must be a permutation of 0..22: each integer exactly once"
	// +listType=atomic
	// +optional
	AzureCVMPCRPriority []int32 `json:"azureCVMPCRPriority,omitempty"`
}

// CCMLogoSource is where the logo comes from.
type CCMLogoSource struct {
	// configMapKeyRef selects the ConfigMap key holding the image.
	// +required
	ConfigMapKeyRef ConfigMapKeySelector `json:"configMapKeyRef,omitzero"`
}

// CCMNodeEnrollment maps to `node_enrollment`.
type CCMNodeEnrollment struct {
	// attestationEnforcementDisabledInsecure lets nodes enroll without
	// attestation (`attestation_enforcement_disabled_insecure`). Insecure;
	// default false.
	// +default=false
	// +optional
	AttestationEnforcementDisabledInsecure bool `json:"attestationEnforcementDisabledInsecure,omitempty"`
}

// CCMAuthConfig maps to one `AuthenticationConfig`: exactly one of password,
// oauth or clusterAuthRef.
// +kubebuilder:validation:XValidation:rule="[has(self.password), has(self.oauth), has(self.clusterAuthRef)].filter(x, x).size() == 1",message="each spec.ccm.authConfigs entry must set exactly one of password, oauth or clusterAuthRef"
type CCMAuthConfig struct {
	// password enables password sign-in (`password`).
	// +optional
	Password *CCMPasswordAuth `json:"password,omitempty"`
	// oauth enables sign-in through an OAuth identity provider (`oauth`).
	// +optional
	OAuth *CCMOAuthConfig `json:"oauth,omitempty"`
	// clusterAuthRef delegates sign-in to another target (`cluster_auth_ref`).
	// +optional
	ClusterAuthRef *CCMClusterAuthRef `json:"clusterAuthRef,omitempty"`
}

// CCMPasswordAuth maps to `AuthConfigPassword`.
type CCMPasswordAuth struct {
	// require2FA (`require_2fa`) requires a second factor. Default false.
	// +optional
	Require2FA *bool `json:"require2FA,omitempty"`
	// administratorsOnly (`administrators_only`) limits password sign-in to
	// administrators. Default false.
	// +optional
	AdministratorsOnly *bool `json:"administratorsOnly,omitempty"`
}

// CCMClusterAuthRef maps to `AuthConfigRef`.
type CCMClusterAuthRef struct {
	// targetID (`target_id`) is the id of the referenced auth target.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	TargetID string `json:"targetID,omitempty"`
}

// CCMOAuthConfig maps to `AuthConfigOauth`. The client secret is read from a
// Secret; it never appears in the Account.
type CCMOAuthConfig struct {
	// idpName (`idp_name`) is the identity provider's display name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	IDPName string `json:"idpName,omitempty"`
	// idpIconURL (`idp_icon_url`) is the identity provider's icon.
	// +required
	IDPIconURL HTTPSURL `json:"idpIconURL,omitempty"`
	// authorizationEndpoint (`idp_authorization_endpoint`).
	// +required
	AuthorizationEndpoint HTTPSURL `json:"authorizationEndpoint,omitempty"`
	// tokenEndpoint (`idp_token_endpoint`).
	// +required
	TokenEndpoint HTTPSURL `json:"tokenEndpoint,omitempty"`
	// userinfoEndpoint (`idp_userinfo_endpoint`). Optional.
	// +optional
	UserinfoEndpoint HTTPSURL `json:"userinfoEndpoint,omitempty"`
	// requiresBasicAuth (`idp_requires_basic_auth`): the token endpoint wants
	// the client credentials as HTTP Basic auth. Default false.
	// +optional
	RequiresBasicAuth *bool `json:"requiresBasicAuth,omitempty"`
	// clientID (`client_id`) is the OAuth client id.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +required
	ClientID string `json:"clientID,omitempty"`
	// clientSecretRef selects the Secret key holding the OAuth client secret
	// (`client_secret`), in the Account's namespace.
	// +required
	ClientSecretRef SecretKeySelector `json:"clientSecretRef,omitzero"`
	// tls (`tls`) says how CCM connects to the identity provider.
	// +required
	TLS CCMTLSConfig `json:"tls,omitzero"`
}

// CCMTLSConfig maps to `TlsConfig`: disabled, opportunistic, or required with
// a CA choice (`ca.ca_set` or `ca.pinned`) and an optional client certificate.
// +kubebuilder:validation:XValidation:rule="self.mode == 'Required' || !(has(self.validateHostname) || has(self.caSet) || has(self.pinnedCARefs) || has(self.clientCertRef) || has(self.clientKeyRef))",message="tls.validateHostname, caSet, pinnedCARefs, clientCertRef and clientKeyRef are only allowed when tls.mode is Required"
// +kubebuilder:validation:XValidation:rule="self.mode != 'Required' || (has(self.caSet) != has(self.pinnedCARefs))",message="tls.mode Required needs exactly one of tls.caSet or tls.pinnedCARefs"
// +kubebuilder:validation:XValidation:rule="has(self.clientCertRef) == has(self.clientKeyRef)",message="tls.clientCertRef and tls.clientKeyRef must be set together"
type CCMTLSConfig struct {
	// mode is Disabled, Opportunistic or Required.
	// +required
	Mode CCMTLSMode `json:"mode,omitempty"`
	// validateHostname (`validate_hostname`) checks the server name; Required
	// mode only. Default true.
	// +optional
	ValidateHostname *bool `json:"validateHostname,omitempty"`
	// caSet (`ca.ca_set`) trusts a predefined CA set: GlobalRoots
	// (GLOBAL_ROOTS). Required mode only; excludes pinnedCARefs.
	// +optional
	CASet CCMCASet `json:"caSet,omitempty"`
	// pinnedCARefs (`ca.pinned`) trusts only these CA certificates (PEM or
	// DER in Secret keys). Required mode only; excludes caSet. At most 8.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=8
	// +listType=atomic
	// +optional
	PinnedCARefs []SecretKeySelector `json:"pinnedCARefs,omitempty"`
	// clientCertRef (`client_cert`) selects a client certificate for mutual
	// TLS. Required mode only; set together with clientKeyRef.
	// +optional
	ClientCertRef *SecretKeySelector `json:"clientCertRef,omitempty"`
	// clientKeyRef (`client_key`) selects the client certificate's private key.
	// +optional
	ClientKeyRef *SecretKeySelector `json:"clientKeyRef,omitempty"`
}

// CCMAccountStatus holds non-secret facts of a CCM account.
type CCMAccountStatus struct {
	// roles of the operator's user in the account (READER, WRITER, MANAGER).
	// +listType=atomic
	// +optional
	Roles []string `json:"roles,omitempty"`
	// accountStatus is the account's own status: Active or Deactivated.
	// +optional
	AccountStatus string `json:"accountStatus,omitempty"`
	// defaultGroupID is the account's default group.
	// +optional
	DefaultGroupID string `json:"defaultGroupID,omitempty"`
	// marketplaceGroupID is the account's marketplace group.
	// +optional
	MarketplaceGroupID string `json:"marketplaceGroupID,omitempty"`
	// authConfigIDs are the upstream ids of spec.ccm.authConfigs, in order.
	// +listType=atomic
	// +optional
	AuthConfigIDs []string `json:"authConfigIDs,omitempty"`
	// appliedHash is a hash of the spec last applied upstream, so secrets the
	// upstream redacts on read can still be compared.
	// +optional
	AppliedHash string `json:"appliedHash,omitempty"`
}
