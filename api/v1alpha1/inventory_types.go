package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MaxUnmanagedListed bounds status.inventory.unmanagedAccounts.
const MaxUnmanagedListed = 100

// InventorySpec configures the provider's inventory of the upstream accounts
// its credentials can see.
type InventorySpec struct {
	// listUnmanaged lists, when true, in status.inventory.unmanagedAccounts the
	// upstream accounts no Account manages (id and name, sorted by id, at most
	// 100): accounts made in the upstream's console, or left by a lost create,
	// and candidates to import with spec.externalID and managementPolicy
	// ObserveOnly. Off by default: a ClusterAccountProvider's status is
	// readable more widely than its credentials.
	// +optional
	ListUnmanaged *bool `json:"listUnmanaged,omitempty"`
}

// InventoryStatus counts the upstream accounts the provider's credentials can
// see, from the provider's last complete listing of the upstream.
type InventoryStatus struct {
	// observedTime is when the listing these figures come from was taken. It
	// is updated when a figure changes, and otherwise at most once an hour,
	// so that a steady inventory costs no status write per listing.
	// +required
	ObservedTime metav1.Time `json:"observedTime,omitzero"`
	// total is how many upstream accounts the credentials can see.
	// +kubebuilder:validation:Minimum=0
	// +required
	Total *int32 `json:"total,omitempty"`
	// managed is how many of them an Account using this provider refers to
	// (its status.accountID).
	// +kubebuilder:validation:Minimum=0
	// +required
	Managed *int32 `json:"managed,omitempty"`
	// unmanaged is how many of them no Account using this provider refers to.
	// +kubebuilder:validation:Minimum=0
	// +required
	Unmanaged *int32 `json:"unmanaged,omitempty"`
	// unmanagedAccounts lists the unmanaged accounts, sorted by id, at most
	// 100, when spec.inventory.listUnmanaged is true.
	// +kubebuilder:validation:MaxItems=100
	// +listType=atomic
	// +optional
	UnmanagedAccounts []UpstreamAccountRef `json:"unmanagedAccounts,omitempty"`
	// unmanagedTruncated is true when there are more unmanaged accounts than
	// unmanagedAccounts lists.
	// +optional
	UnmanagedTruncated *bool `json:"unmanagedTruncated,omitempty"`
}

// UpstreamAccountRef names an upstream account.
type UpstreamAccountRef struct {
	// id is the upstream account id, as spec.externalID takes it.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +required
	ID string `json:"id,omitempty"`
	// name is the upstream account name, when it has one.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +optional
	Name string `json:"name,omitempty"`
}
