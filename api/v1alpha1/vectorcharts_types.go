package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// VectorChartsAccountSpec maps to the OEM Portal createAccount request. Only
// the account name (spec.displayName) can change afterwards.
type VectorChartsAccountSpec struct {
	// username (`username`) is the primary user's login, which is also their
	// email. Unique in the portal; used to find an account whose create
	// response was lost. Immutable.
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.vectorCharts.username is immutable"
	// +required
	Username string `json:"username,omitempty"`
	// passwordSecretRef selects the Secret key with the primary user's password
	// (at least 4 characters). Absent: the operator generates a strong one and
	// writes it to the connection Secret.
	// +optional
	PasswordSecretRef *SecretKeySelector `json:"passwordSecretRef,omitempty"`
}

// VectorChartsAccountStatus holds non-secret facts of a VectorCharts account.
type VectorChartsAccountStatus struct {
	// userID is the primary user's id.
	// +optional
	UserID string `json:"userID,omitempty"`
	// planInstance is the plan the account inherited.
	// +optional
	PlanInstance string `json:"planInstance,omitempty"`
	// tokenFingerprint identifies the API token the operator last recorded as
	// held in the connection Secret: the first 8 hex digits of the SHA-256 of
	// the token (the token itself is a bearer and never appears in status).
	// While the Secret holds a different token, the one with this fingerprint
	// is revoked upstream and then the fingerprint moves to the new token.
	// +optional
	// +kubebuilder:validation:MaxLength=8
	TokenFingerprint string `json:"tokenFingerprint,omitempty"`
	// tokenIssuedAt is when the operator recorded the token of tokenFingerprint.
	// +optional
	TokenIssuedAt *metav1.Time `json:"tokenIssuedAt,omitempty"`
	// lastHandledRotateRequestedAt is the value of the
	// accounts.operator.dev/rotate-requested-at annotation whose rotation was
	// done, so one value rotates the token once.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	LastHandledRotateRequestedAt string `json:"lastHandledRotateRequestedAt,omitempty"`
}
