package v1alpha1

import "fmt"

// ConnectionSecretDeletionPolicy says what happens to the connection Secret
// when its Account is deleted.
// +kubebuilder:validation:Enum=Delete;Retain
type ConnectionSecretDeletionPolicy string

// Connection Secret deletion policies.
const (
	// ConnectionSecretDelete: the Secret is owned by the Account and the
	// garbage collector deletes it with the Account.
	ConnectionSecretDelete ConnectionSecretDeletionPolicy = "Delete"
	// ConnectionSecretRetain: the Secret never carries an owner reference, so
	// no garbage collection (foreground cascading included) can delete it;
	// AnnotationAccount and AnnotationAccountUID tie it to its Account. When
	// the Account goes, they are replaced by AnnotationRetainedFrom.
	ConnectionSecretRetain ConnectionSecretDeletionPolicy = "Retain"
)

// ConnectionSecretType is the type of the connection Secret: Opaque,
// kubernetes.io/basic-auth, or a type of the user's own outside
// kubernetes.io (the other built-in types need keys the operator does not
// publish).
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=253
// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9/]+$`
// +kubebuilder:validation:XValidation:rule="self == 'Opaque' || self == 'kubernetes.io/basic-auth' || !self.contains('kubernetes.io/')",message="spec.connectionSecret.type must be Opaque, kubernetes.io/basic-auth or a type outside kubernetes.io: the other built-in types need keys the operator does not publish"
type ConnectionSecretType string

// AnnotationRetainedFrom marks a connection Secret its Account left behind
// (spec.connectionSecret.deletionPolicy Retain). Its value names the upstream
// account the Secret's values belong to, as
// "<upstream>/<provider kind>/<provider name>/<account id>", for example
// "vectorCharts/ClusterAccountProvider/vc-prod/42" (an AccountProvider is in
// the Secret's namespace). An Account in that namespace that adopts the same
// account through the same provider (spec.externalID) takes the Secret back:
// the annotation is replaced by that Account's AnnotationAccount and
// AnnotationAccountUID (and its owner reference under deletionPolicy Delete).
const AnnotationRetainedFrom = "accounts.operator.dev/retained-from"

// AnnotationAccount names, on a connection Secret, the Account that writes
// it; AnnotationAccountUID holds that Account's UID. Together they, not an
// owner reference, tie the Secret to its Account, so one under deletionPolicy
// Retain, which has no owner reference, is still the Account's, and an Account
// re-created with the same name (another UID) does not take it.
const (
	AnnotationAccount    = "accounts.operator.dev/account"
	AnnotationAccountUID = "accounts.operator.dev/account-uid"
)

// AnnotationConnectionKeys records, on a connection Secret whose keys
// spec.connectionSecret.keys renames, which stored key holds which published
// key ("VC_API_TOKEN=token,..."), so the operator reads its own values back
// (a prepared password, a one-time token) whatever the spec says now.
const AnnotationConnectionKeys = "accounts.operator.dev/connection-keys"

// AnnotationDataDigest is, on a connection Secret, "sha256:" and the SHA-256
// of its data (keys sorted, each key and value length-prefixed): it changes
// whenever the data does (a re-issued or rotated token, a renamed key), so a
// workload can roll when it changes (copy it into a pod-template annotation,
// or let a reloader watch the Secret). It reveals nothing of the values.
const AnnotationDataDigest = "accounts.operator.dev/data-digest"

// ReasonConfigMapConflict is the Stalled reason when a ConfigMap with the
// connection ConfigMap's name exists and is not owned by the Account; it is
// never overwritten.
const ReasonConfigMapConflict = "ConfigMapConflict"

// ConnectionConfigMapSpec asks for a ConfigMap with the account's non-secret
// outputs, for workloads that must not read Secrets. It holds accountID,
// state and, as the upstream publishes them, userID, username,
// defaultGroupID, marketplaceGroupID and jobID; never a password or token.
// It is owned by the Account and goes with it.
type ConnectionConfigMapSpec struct {
	// name of the ConfigMap, in the Account's namespace. Default:
	// <account name>-account.
	// +optional
	Name ObjectName `json:"name,omitempty"`
	// labels copied onto the ConfigMap.
	// +kubebuilder:validation:MaxProperties=64
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// annotations copied onto the ConfigMap.
	// +kubebuilder:validation:MaxProperties=64
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ConnectionSecretRetained reports whether the connection Secret stays when
// the Account is deleted: spec.connectionSecret.deletionPolicy, by default
// Retain when spec.deletionPolicy is Orphan and Delete otherwise.
func (a *Account) ConnectionSecretRetained() bool {
	if cs := a.Spec.ConnectionSecret; cs != nil && cs.DeletionPolicy != "" {
		return cs.DeletionPolicy == ConnectionSecretRetain
	}
	return a.Spec.DeletionPolicy == DeletionOrphan
}

// ConnectionSecretType is the type of the connection Secret: Opaque unless
// spec.connectionSecret.type says otherwise.
func (a *Account) ConnectionSecretType() string {
	if cs := a.Spec.ConnectionSecret; cs != nil && cs.Type != "" {
		return string(cs.Type)
	}
	return "Opaque"
}

// ConnectionKeys is spec.connectionSecret.keys: published key → stored key.
func (a *Account) ConnectionKeys() map[string]DataKey {
	if cs := a.Spec.ConnectionSecret; cs != nil {
		return cs.Keys
	}
	return nil
}

// ConnectionConfigMapName is the ConfigMap the Account's non-secret outputs
// go to, or "" when spec.connectionConfigMap is not set.
func (a *Account) ConnectionConfigMapName() string {
	cm := a.Spec.ConnectionConfigMap
	switch {
	case cm == nil:
		return ""
	case cm.Name != "":
		return string(cm.Name)
	}
	return a.Name + "-account"
}

// RetainedFrom is the AnnotationRetainedFrom value that names the account id
// in this Account's upstream (ccm, scp or vectorCharts) through its provider.
func (a *Account) RetainedFrom(upstream, id string) string {
	return fmt.Sprintf("%s/%s/%s/%s", upstream, a.Spec.ProviderRef.Kind, a.Spec.ProviderRef.Name, id)
}
