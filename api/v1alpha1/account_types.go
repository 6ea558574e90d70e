package v1alpha1

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DeletionPolicy says what happens upstream when the Account is deleted.
// +kubebuilder:validation:Enum=Delete;Orphan
type DeletionPolicy string

// Deletion policies.
const (
	DeletionDelete DeletionPolicy = "Delete"
	DeletionOrphan DeletionPolicy = "Orphan"
)

// ProviderKind is the kind of provider an Account refers to.
// +kubebuilder:validation:Enum=AccountProvider;ClusterAccountProvider
type ProviderKind string

// Provider kinds.
const (
	AccountProviderKind        ProviderKind = "AccountProvider"
	ClusterAccountProviderKind ProviderKind = "ClusterAccountProvider"
)

// ProviderReference names the AccountProvider (same namespace) or
// ClusterAccountProvider that an Account is created in.
type ProviderReference struct {
	// kind of the provider: AccountProvider (same namespace) or
	// ClusterAccountProvider. Default ClusterAccountProvider.
	// +default="ClusterAccountProvider"
	// +optional
	Kind ProviderKind `json:"kind,omitempty"`
	// name of the provider.
	// +required
	Name ObjectName `json:"name,omitempty"`
}

// ConnectionSecretSpec shapes the Secret the operator writes with what the
// account produces (ids, tokens, passwords). The Secret is owned by the
// Account; deletionPolicy says whether it goes with it.
type ConnectionSecretSpec struct {
	// name of the Secret, in the Account's namespace. Default: <account name>-account.
	// +optional
	Name ObjectName `json:"name,omitempty"`
	// labels copied onto the Secret.
	// +kubebuilder:validation:MaxProperties=64
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// annotations copied onto the Secret.
	// +kubebuilder:validation:MaxProperties=64
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
	// deletionPolicy says what happens to the Secret when the Account is
	// deleted: Delete removes it with the Account (it is owned by the
	// Account); Retain keeps it: it never has an owner reference, so no
	// deletion cascade (foreground included) removes it, and on deletion it is
	// annotated accounts.operator.dev/retained-from: <upstream>/<provider
	// kind>/<provider name>/<account id>; an Account adopting that same
	// account (spec.externalID, same provider) takes it back. Default: Retain
	// when spec.deletionPolicy is Orphan (an orphaned account whose password
	// or token is lost is useless), Delete otherwise.
	// +optional
	DeletionPolicy ConnectionSecretDeletionPolicy `json:"deletionPolicy,omitempty"`
	// type of the Secret: Opaque (default), kubernetes.io/basic-auth (needs a
	// username or password key: VectorCharts publishes username; for CCM and
	// SCP rename accountID in keys), or a type of your own outside
	// kubernetes.io. Immutable, as a Secret's type is: to change it, delete
	// the Account and apply it again.
	// +default="Opaque"
	// +optional
	Type ConnectionSecretType `json:"type,omitempty"`
	// keys renames published keys: published key → key in the Secret, e.g.
	// {token: VC_API_TOKEN}. The published keys are, for ccm: accountID,
	// defaultGroupID, marketplaceGroupID; scp: accountID, jobID;
	// vectorCharts: accountID, userID, username, password, token,
	// token.previous (a rotated-out token during its overlap). Keys not
	// named keep their names; no two keys may end up under one name. May
	// change: the next write moves the values to the new names.
	// +kubebuilder:validation:MinProperties=1
	// +kubebuilder:validation:MaxProperties=8
	// +kubebuilder:validation:XValidation:rule="self.all(k, self.all(j, j == k || self[j] != self[k]))",message="spec.connectionSecret.keys: two keys are renamed to the same target"
	// +optional
	Keys map[string]DataKey `json:"keys,omitempty"`
}

// AccountSpec declares one upstream account. Exactly one of ccm, scp or
// vectorCharts is set, matching the kind of upstream of the provider.
// +kubebuilder:validation:XValidation:rule="[has(self.ccm), has(self.scp), has(self.vectorCharts)].filter(x, x).size() == 1",message="exactly one of spec.ccm, spec.scp or spec.vectorCharts must be set"
// +kubebuilder:validation:XValidation:rule="has(self.ccm) == has(oldSelf.ccm) && has(self.scp) == has(oldSelf.scp) && has(self.vectorCharts) == has(oldSelf.vectorCharts)",message="the upstream block (spec.ccm, spec.scp or spec.vectorCharts) cannot be changed"
// +kubebuilder:validation:XValidation:rule="!has(self.scp) || !has(self.displayName) || (size(self.displayName) >= 3 && size(self.displayName) <= 30)",message="an SCP account name (spec.displayName) must be 3 to 30 characters",fieldPath=".displayName"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.externalID) || size(oldSelf.externalID) == 0 || (has(self.externalID) && self.externalID == oldSelf.externalID)",message="spec.externalID cannot be changed once set",fieldPath=".externalID"
// +kubebuilder:validation:XValidation:rule="!has(self.ccm) || !has(self.connectionSecret) || !has(self.connectionSecret.keys) || self.connectionSecret.keys.all(k, k in ['accountID', 'defaultGroupID', 'marketplaceGroupID'])",message="spec.connectionSecret.keys: a ccm account publishes only accountID, defaultGroupID and marketplaceGroupID",fieldPath=".connectionSecret.keys"
// +kubebuilder:validation:XValidation:rule="!has(self.scp) || !has(self.connectionSecret) || !has(self.connectionSecret.keys) || self.connectionSecret.keys.all(k, k in ['accountID', 'jobID'])",message="spec.connectionSecret.keys: an scp account publishes only accountID and jobID",fieldPath=".connectionSecret.keys"
// +kubebuilder:validation:XValidation:rule="!has(self.vectorCharts) || !has(self.connectionSecret) || !has(self.connectionSecret.keys) || self.connectionSecret.keys.all(k, k in ['accountID', 'userID', 'username', 'password', 'token', 'token.previous'])",message="spec.connectionSecret.keys: a vectorCharts account publishes only accountID, userID, username, password, token and token.previous",fieldPath=".connectionSecret.keys"
// +kubebuilder:validation:XValidation:rule="!has(self.connectionSecret) || !has(self.connectionSecret.keys) || self.connectionSecret.keys.all(k, self.connectionSecret.keys[k] == k || self.connectionSecret.keys[k] in self.connectionSecret.keys || !(self.connectionSecret.keys[k] in (has(self.ccm) ? ['accountID', 'defaultGroupID', 'marketplaceGroupID'] : has(self.scp) ? ['accountID', 'jobID'] : ['accountID', 'userID', 'username', 'password', 'token', 'token.previous'])))",message="spec.connectionSecret.keys: a target key names a published key that keeps its name; rename that key too, or choose another target",fieldPath=".connectionSecret.keys"
// +kubebuilder:validation:XValidation:rule="!has(self.connectionSecret) || !has(self.connectionSecret.type) || self.connectionSecret.type != 'kubernetes.io/basic-auth' || (has(self.vectorCharts) ? ['accountID', 'username'] : ['accountID']).exists(p, (has(self.connectionSecret.keys) && p in self.connectionSecret.keys ? self.connectionSecret.keys[p] : p) in ['username', 'password'])",message="spec.connectionSecret.type kubernetes.io/basic-auth needs a username or password key: rename accountID to one of them in spec.connectionSecret.keys (a vectorCharts account publishes username itself)",fieldPath=".connectionSecret.type"
// +kubebuilder:validation:XValidation:rule="(has(self.connectionSecret) && has(self.connectionSecret.type) ? self.connectionSecret.type : 'Opaque') == (has(oldSelf.connectionSecret) && has(oldSelf.connectionSecret.type) ? oldSelf.connectionSecret.type : 'Opaque')",message="spec.connectionSecret.type is immutable: Kubernetes cannot change the type of a Secret",fieldPath=".connectionSecret"
// +kubebuilder:validation:XValidation:rule="!has(self.managementPolicy) || self.managementPolicy != 'ObserveOnly' || (has(self.externalID) && size(self.externalID) > 0)",message="spec.externalID is required when spec.managementPolicy is ObserveOnly: it names the upstream account to observe",fieldPath=".externalID",reason=FieldValueRequired
type AccountSpec struct {
	// providerRef names the provider this account lives in. Immutable.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.providerRef is immutable"
	// +required
	ProviderRef ProviderReference `json:"providerRef,omitzero"`
	// displayName is the upstream account name (CCM `name`, SCP `name`,
	// VectorCharts account `name`). Default: metadata.name. Mutable where the
	// upstream allows renaming (CCM, VectorCharts); 1 to 128 characters.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +optional
	DisplayName string `json:"displayName,omitempty"`
	// deletionPolicy says what happens upstream when the Account is deleted:
	// Delete (default) deletes the upstream account and waits until the
	// upstream confirms; Orphan leaves it.
	// +default="Delete"
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`
	// deletionProtection true makes every delete of this Account fail
	// (kubectl delete, a GitOps prune, garbage collection, a namespace
	// deletion) until it is set back to false. It is enforced by the
	// ValidatingAdmissionPolicy the operator installs
	// (account-operator-deletion-protection), not by the operator itself: it
	// holds even while the operator is down. A namespace being deleted stays
	// Terminating while it holds a protected Account. Default false.
	// +optional
	DeletionProtection *bool `json:"deletionProtection,omitempty"`
	// externalID adopts an existing upstream account by its id (CCM acct_id,
	// SCP account_id, VectorCharts numeric account id) instead of creating
	// one. May be set once; cannot change afterwards.
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[-_.a-zA-Z0-9]*$`
	// +optional
	ExternalID string `json:"externalID,omitempty"`
	// managementPolicy says what the operator may do upstream. Full (default):
	// create or adopt the account, correct drift, re-issue a lost VectorCharts
	// token, and delete it as deletionPolicy says. ObserveOnly: only read the
	// account spec.externalID names (required): status and the connection
	// Secret's non-secret keys are filled, differences from the spec are
	// reported as Synced=False with reason ObservedDrift instead of being
	// corrected, no token is issued, and nothing is deleted upstream whatever
	// deletionPolicy says. Changing ObserveOnly to Full takes the account
	// under management; Full to ObserveOnly hands it back (set spec.externalID
	// to status.accountID if it is not set).
	// +default="Full"
	// +optional
	ManagementPolicy ManagementPolicy `json:"managementPolicy,omitempty"`
	// connectionSecret shapes the Secret that receives the account's outputs.
	// +optional
	ConnectionSecret *ConnectionSecretSpec `json:"connectionSecret,omitempty"`
	// connectionConfigMap publishes, when set, the account's non-secret
	// outputs (accountID, state, and as the upstream has them userID,
	// username, defaultGroupID, marketplaceGroupID, jobID; never a password
	// or token) in a ConfigMap owned by the Account, for workloads that must
	// not read Secrets. Removing it leaves the ConfigMap until the Account is
	// deleted.
	// +optional
	ConnectionConfigMap *ConnectionConfigMapSpec `json:"connectionConfigMap,omitempty"`
	// ccm holds the Fortanix CCM account settings.
	// +optional
	CCM *CCMAccountSpec `json:"ccm,omitempty"`
	// scp holds the Samsung Cloud Platform account factory settings.
	// +optional
	SCP *SCPAccountSpec `json:"scp,omitempty"`
	// vectorCharts holds the VectorCharts OEM account settings.
	// +optional
	VectorCharts *VectorChartsAccountSpec `json:"vectorCharts,omitempty"`
}

// AnnotationCreatePending is the write-ahead record of a create, as
// crossplane-runtime keeps it: the time of the first attempt (RFC 3339),
// written with the finalizer in one optimistic metadata patch of the Account before
// the operator creates an upstream account. While status.accountID is empty it
// says that a create may have reached the upstream, so the next pass looks the
// account up by its unique key and adopts it instead of creating a second
// one, and a deletion looks for it too. Once the id is recorded it has no
// effect (removing it would cost a write). A definitive refusal removes it.
const AnnotationCreatePending = "accounts.operator.dev/create-pending"

// CreatePending reports whether the Account carries the create-pending
// marker, and since when (the zero time if the value is not a time).
func (a *Account) CreatePending() (since time.Time, pending bool) {
	v, ok := a.Annotations[AnnotationCreatePending]
	if !ok {
		return time.Time{}, false
	}
	t, _ := time.Parse(time.RFC3339, v)
	return t, true
}

// DriftStatus is the bookkeeping of upstream updates for one generation of
// the spec. A field written by an update the upstream accepted, yet still
// different at the next read, goes to notApplied: it is not written again
// until the spec changes (or a reconcile is requested), and Synced is False
// with reason UpdateNotApplied naming it.
type DriftStatus struct {
	// observedGeneration is the spec generation the fields refer to.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// written are the spec fields the last update wrote, to be confirmed by
	// the next read.
	// +kubebuilder:validation:MaxItems=64
	// +listType=set
	// +optional
	Written []string `json:"written,omitempty"`
	// notApplied are the spec fields an accepted update did not change
	// upstream.
	// +kubebuilder:validation:MaxItems=64
	// +listType=set
	// +optional
	NotApplied []string `json:"notApplied,omitempty"`
	// requestedAt is the reconcile-requested-at annotation value the fields
	// were recorded under: a new value retries the fields once.
	// +optional
	RequestedAt string `json:"requestedAt,omitempty"`
}

// AccountStatus is the observed state of an Account.
type AccountStatus struct {
	// observedGeneration is the generation last reconciled.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// accountID is the upstream id (CCM acct_id, SCP account_id, VectorCharts
	// account id as a string).
	// +optional
	AccountID string `json:"accountID,omitempty"`
	// state is the upstream's own state word (e.g. Active, REGISTERING, ACTIVE).
	// +optional
	State string `json:"state,omitempty"`
	// jobID is the pending upstream job, if any (SCP create job, VectorCharts
	// delete job).
	// +optional
	JobID string `json:"jobID,omitempty"`
	// connectionSecretName is the Secret holding the account's outputs.
	// +optional
	ConnectionSecretName string `json:"connectionSecretName,omitempty"`
	// lastHandledReconcileAt is the value of the annotation
	// accounts.operator.dev/reconcile-requested-at that the last finished pass
	// handled, so `kubectl wait --for=jsonpath='{.status.lastHandledReconcileAt}'=VALUE`
	// waits for a requested check; the conditions tell its result.
	// +optional
	LastHandledReconcileAt string `json:"lastHandledReconcileAt,omitempty"`
	// drift records the upstream updates whose effect did not show, so that a
	// field the upstream normalises or ignores is reported instead of written
	// on every poll.
	// +optional
	Drift *DriftStatus `json:"drift,omitempty"`
	// conditions are Ready, Synced, Reconciling and Stalled, each with
	// observedGeneration.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// ccm holds non-secret facts of a CCM account.
	// +optional
	CCM *CCMAccountStatus `json:"ccm,omitempty"`
	// scp holds non-secret facts of an SCP account.
	// +optional
	SCP *SCPAccountStatus `json:"scp,omitempty"`
	// vectorCharts holds non-secret facts of a VectorCharts account.
	// +optional
	VectorCharts *VectorChartsAccountStatus `json:"vectorCharts,omitempty"`
}

// Account is one account in an upstream account API (Fortanix CCM, Samsung
// Cloud Platform or VectorCharts), kept in the state its spec declares. What
// the account produces is written to the connection Secret.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=acct,categories=account-operator
// +kubebuilder:selectablefield:JSONPath=`.spec.providerRef.kind`
// +kubebuilder:selectablefield:JSONPath=`.spec.providerRef.name`
// +kubebuilder:printcolumn:name="Provider",type=string,JSONPath=`.spec.providerRef.name`
// +kubebuilder:printcolumn:name="Account-ID",type=string,JSONPath=`.status.accountID`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.state`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Account struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the upstream account.
	// +required
	Spec AccountSpec `json:"spec,omitzero"`

	// status is the observed state.
	// +optional
	Status AccountStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// AccountList is a list of Accounts.
type AccountList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Account `json:"items"`
}

func init() {
	objectTypes = append(objectTypes, &Account{}, &AccountList{})
}
