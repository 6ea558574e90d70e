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
	// tokenRotation rotates the API token the operator issued on a schedule,
	// with revocation: a new token is written to the connection Secret's
	// token key, the previous one is kept as token.previous for overlap, then
	// revoked upstream and dropped. Absent: the token is rotated only on
	// request (annotation accounts.operator.dev/rotate-requested-at), with no
	// overlap.
	// +optional
	TokenRotation *TokenRotation `json:"tokenRotation,omitempty"`
	// tokenCheckInterval is how often the issued API token is checked with
	// one call authenticated by it (jittered by up to 10 %): a token revoked
	// in the portal behind the operator's back is re-issued and reported in
	// the CredentialsValid condition. A requested reconcile
	// (accounts.operator.dev/reconcile-requested-at) checks it too. 0s
	// disables the check; otherwise between 1m and 24h. Default 1h.
	// +kubebuilder:validation:XValidation:rule="duration(self) == duration('0s') || (duration(self) >= duration('1m') && duration(self) <= duration('24h'))",message="spec.vectorCharts.tokenCheckInterval must be 0s (no check) or between 1m and 24h"
	// +optional
	TokenCheckInterval *metav1.Duration `json:"tokenCheckInterval,omitempty"`
}

// TokenRotation schedules the rotation of an issued API token.
// +kubebuilder:validation:MinProperties=1
// +kubebuilder:validation:XValidation:rule="!has(self.interval) || !has(self.overlap) || duration(self.overlap) < duration(self.interval)",message="spec.vectorCharts.tokenRotation.overlap must be shorter than interval"
type TokenRotation struct {
	// interval is the age at which the current token is rotated, counted from
	// status.vectorCharts.tokenIssuedAt. Between 1m and 8760h (a year).
	// Absent: only requested rotations.
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1m') && duration(self) <= duration('8760h')",message="spec.vectorCharts.tokenRotation.interval must be between 1m and 8760h"
	// +optional
	Interval *metav1.Duration `json:"interval,omitempty"`
	// overlap is how long the previous token stays valid, as token.previous in
	// the connection Secret, after a rotation, so consumers can move to the
	// new one. Between 0s and 720h. Absent or 0s: it is revoked on the next
	// pass once the new token is stored. A rotation due or requested during
	// an overlap starts when the overlap ends.
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('0s') && duration(self) <= duration('720h')",message="spec.vectorCharts.tokenRotation.overlap must be between 0s and 720h"
	// +optional
	Overlap *metav1.Duration `json:"overlap,omitempty"`
}

// VectorChartsAccountStatus holds non-secret facts of a VectorCharts account.
type VectorChartsAccountStatus struct {
	// userID is the primary user's id.
	// +optional
	UserID string `json:"userID,omitempty"`
	// planInstance is the plan the account inherited.
	// +optional
	PlanInstance string `json:"planInstance,omitempty"`
	// tokenFingerprint identifies the API token the connection Secret holds
	// as token: the first 8 hex digits of the SHA-256 of the token (the token
	// itself is a bearer and never appears in status). It is recorded after
	// the Secret is written. While the Secret holds a different token (a lost
	// one was re-issued), the one with this fingerprint is revoked upstream and
	// then the fingerprint moves to the new token.
	// +optional
	// +kubebuilder:validation:MaxLength=8
	TokenFingerprint string `json:"tokenFingerprint,omitempty"`
	// tokenIssuedAt is when the operator recorded the token of
	// tokenFingerprint; tokenRotation.interval counts from it.
	// +optional
	TokenIssuedAt *metav1.Time `json:"tokenIssuedAt,omitempty"`
	// previousTokenFingerprint identifies the rotated-out token the connection
	// Secret keeps as token.previous until previousTokenRevokeAt.
	// +optional
	// +kubebuilder:validation:MaxLength=8
	PreviousTokenFingerprint string `json:"previousTokenFingerprint,omitempty"`
	// previousTokenRevokeAt is when the previous token is revoked upstream and
	// token.previous dropped: the rotation's time plus tokenRotation.overlap.
	// +optional
	PreviousTokenRevokeAt *metav1.Time `json:"previousTokenRevokeAt,omitempty"`
	// lastHandledRotateRequestedAt is the value of the
	// accounts.operator.dev/rotate-requested-at annotation whose rotation was
	// done, so one value rotates the token once.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	LastHandledRotateRequestedAt string `json:"lastHandledRotateRequestedAt,omitempty"`
}
