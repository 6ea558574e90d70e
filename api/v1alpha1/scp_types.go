package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// SCPAccountSpec maps to the Cloud Control AccountFactoryCreateRequest. SCP
// has no update API: only parentUnitID can change (MoveAccount).
// email is required by a rule rather than by the schema so that Accounts
// stored before it was required still pass (CEL rules ratchet on unchanged
// objects) and may set it once.
// +kubebuilder:validation:XValidation:rule="has(self.email) && size(self.email) > 0",message="spec.scp.email is required: Samsung's account factory needs the account's email",fieldPath=".email",reason=FieldValueRequired
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.email) || size(oldSelf.email) == 0 || (has(self.email) && self.email == oldSelf.email)",message="spec.scp.email is immutable: SCP cannot change it",fieldPath=".email"
// +kubebuilder:validation:XValidation:rule="has(self.ssoUser) == has(oldSelf.ssoUser) && (!has(self.ssoUser) || self.ssoUser == oldSelf.ssoUser)",message="spec.scp.ssoUser is immutable: SCP cannot change it",fieldPath=".ssoUser"
type SCPAccountSpec struct {
	// landingZoneID (`landing_zone_id`) is the landing zone that creates the
	// account. Immutable.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.scp.landingZoneID is immutable"
	// +required
	LandingZoneID string `json:"landingZoneID,omitempty"`
	// parentUnitID (`parent_unit_id`) is the organization unit (ou-…) the
	// account belongs to. Mutable: a change moves the account.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	ParentUnitID string `json:"parentUnitID,omitempty"`
	// email (`email`) of the account. Required: the API reference marks it
	// optional, but Samsung's own SDK and Terraform provider require it. At
	// most 60 characters. Immutable once set.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=60
	// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+\.[^@\s]+$`
	// +optional
	Email string `json:"email,omitempty"`
	// ssoUser is the ID Center user created with the account. Immutable.
	// +optional
	SSOUser *SCPSSOUser `json:"ssoUser,omitempty"`
}

// SCPSSOUser maps to the `sso_user_*` fields.
type SCPSSOUser struct {
	// email (`sso_user_email`).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=60
	// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+\.[^@\s]+$`
	// +required
	Email string `json:"email,omitempty"`
	// name (`sso_user_name`).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +required
	Name string `json:"name,omitempty"`
	// realName (`sso_user_real_name`).
	// +kubebuilder:validation:MaxLength=64
	// +optional
	RealName string `json:"realName,omitempty"`
}

// SCPAccountStatus holds non-secret facts of an SCP account.
type SCPAccountStatus struct {
	// registrationStatus is the Cloud Control baseline assignment status:
	// REGISTERING, REGISTERED, REGISTRATION_FAILED or UNREGISTERING.
	// +optional
	RegistrationStatus string `json:"registrationStatus,omitempty"`
	// parentUnitID is the unit the account is in upstream.
	// +optional
	ParentUnitID string `json:"parentUnitID,omitempty"`
	// provisioningSince is when the account factory accepted the create. It is
	// kept until the organization and Cloud Control both show the account:
	// until then, and for at most the operator's provisioning grace period, a
	// 404 from the organization or a missing baseline assignment means
	// "still provisioning", not "gone".
	// +optional
	ProvisioningSince *metav1.Time `json:"provisioningSince,omitempty"`
}
