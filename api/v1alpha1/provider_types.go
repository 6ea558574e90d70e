package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AccountProviderSpec says where an upstream account API is and how to
// authenticate to it. Exactly one of ccm, scp or vectorCharts is set.
// +kubebuilder:validation:XValidation:rule="[has(self.ccm), has(self.scp), has(self.vectorCharts)].filter(x, x).size() == 1",message="exactly one of spec.ccm, spec.scp or spec.vectorCharts must be set"
// +kubebuilder:validation:XValidation:rule="has(self.ccm) == has(oldSelf.ccm) && has(self.scp) == has(oldSelf.scp) && has(self.vectorCharts) == has(oldSelf.vectorCharts)",message="the upstream kind (spec.ccm, spec.scp or spec.vectorCharts) cannot be changed; create a new provider"
type AccountProviderSpec struct {
	// ccm configures a Fortanix Confidential Computing Manager instance.
	// +optional
	CCM *CCMProviderSpec `json:"ccm,omitempty"`
	// scp configures Samsung Cloud Platform Cloud Control (account factory)
	// and Organization services.
	// +optional
	SCP *SCPProviderSpec `json:"scp,omitempty"`
	// vectorCharts configures a VectorCharts OEM Portal.
	// +optional
	VectorCharts *VectorChartsProviderSpec `json:"vectorCharts,omitempty"`
	// caBundleSecretRef names a Secret key holding extra PEM CA certificates to
	// trust for a self-hosted upstream, in addition to the system roots.
	// +optional
	CABundleSecretRef *SecretKeyReference `json:"caBundleSecretRef,omitempty"`
	// rateLimit bounds the request rate to the upstream. It is one token bucket
	// shared by every Account that uses this provider; when requests wait for
	// it, the namespaces of their Accounts get its tokens in turn, so one
	// namespace with many Accounts does not hold up another's few.
	// +optional
	RateLimit *RateLimit `json:"rateLimit,omitempty"`
	// pollInterval is how often each Account is checked against the upstream for
	// drift, jittered by ±10 %. Between 30s and 24h. Unset: the manager's
	// --default-poll-interval (10m unless the cluster administrator changed it).
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('30s') && duration(self) <= duration('24h')",message="pollInterval must be between 30s and 24h"
	// +optional
	PollInterval *metav1.Duration `json:"pollInterval,omitempty"`
	// inventory configures the inventory of the upstream accounts the
	// credentials can see (status.inventory).
	// +optional
	Inventory *InventorySpec `json:"inventory,omitempty"`
}

// CCMProviderSpec locates a Fortanix CCM instance. The operator logs in with
// Basic auth on /v1/sys/auth and uses the returned JWT as a bearer token.
type CCMProviderSpec struct {
	// url of the CCM instance, e.g. https://ccm.fortanix.com.
	// +required
	URL HTTPSURL `json:"url,omitempty"`
	// pathPrefix replaces the /v1 prefix of every API path, for deployments that
	// serve CCM elsewhere (e.g. /api/v1/confidential_computing). Default /v1.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^/[-._a-zA-Z0-9/]*$`
	// +optional
	PathPrefix string `json:"pathPrefix,omitempty"`
	// credentialsSecretRef names the Secret with keys `username` (the user's
	// email) and `password`. The user must not require 2FA.
	// +required
	CredentialsSecretRef SecretReference `json:"credentialsSecretRef,omitzero"`
}

// SCPProviderSpec locates the Samsung Cloud Platform services. Requests are
// signed with HMAC-SHA256 using an access key.
type SCPProviderSpec struct {
	// cloudControlURL of the Cloud Control service (account factory), e.g.
	// https://cloudcontrol.e.samsungsdscloud.com.
	// +required
	CloudControlURL HTTPSURL `json:"cloudControlURL,omitempty"`
	// organizationURL of the Organization service (account reads, moves and
	// deletes), e.g. https://organization.e.samsungsdscloud.com.
	// +required
	OrganizationURL HTTPSURL `json:"organizationURL,omitempty"`
	// organizationID is sent as organization_id where the Organization API
	// takes it (moving an account to another unit).
	// +kubebuilder:validation:MaxLength=128
	// +optional
	OrganizationID string `json:"organizationID,omitempty"`
	// credentialsSecretRef names the Secret with keys `accessKey` and
	// `secretKey` of the organization's management account.
	// +required
	CredentialsSecretRef SecretReference `json:"credentialsSecretRef,omitzero"`
}

// VectorChartsProviderSpec locates a self-hosted VectorCharts OEM Portal.
type VectorChartsProviderSpec struct {
	// url of the portal, without the /api/portal suffix, e.g.
	// https://charts.example.com:9909.
	// +required
	URL HTTPSURL `json:"url,omitempty"`
	// credentialsSecretRef names the Secret with key `token`: an API token of an
	// administrator.
	// +required
	CredentialsSecretRef SecretReference `json:"credentialsSecretRef,omitzero"`
}

// RateLimit is a token bucket.
type RateLimit struct {
	// requestsPerSecond is the sustained request rate, 1 to 10000.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +required
	RequestsPerSecond int32 `json:"requestsPerSecond,omitempty"`
	// burst is how many requests may go at once above the rate, 1 to 10000.
	// Default: twice requestsPerSecond.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +optional
	Burst int32 `json:"burst,omitempty"`
}

// ProbeStatus is the result of a read-only conformance probe of the upstream:
// whether this operator and the upstream instance agree on each answer it
// relies on. It never holds a secret.
type ProbeStatus struct {
	// requestedAt is the probe-requested-at annotation value this result answers.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	RequestedAt string `json:"requestedAt,omitempty"`
	// time the probe ran.
	// +optional
	Time *metav1.Time `json:"time,omitempty"`
	// passed is true when every check passed.
	// +optional
	Passed bool `json:"passed"`
	// checks are the probe's steps, in the order run.
	// +kubebuilder:validation:MaxItems=16
	// +listType=atomic
	// +optional
	Checks []ProbeCheck `json:"checks,omitempty"`
}

// ProbeCheck is one step of a probe.
type ProbeCheck struct {
	// name of the step, e.g. ListAccounts.
	// +kubebuilder:validation:MaxLength=64
	// +required
	Name string `json:"name"`
	// result is OK, Differs (usable, but the answer is not exactly as
	// modelled) or Failed.
	// +kubebuilder:validation:Enum=OK;Differs;Failed
	// +required
	Result string `json:"result"`
	// message states the exact difference or failure; empty when OK.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Message string `json:"message,omitempty"`
}

// Probe check results.
const (
	ProbeOK      = "OK"
	ProbeDiffers = "Differs"
	ProbeFailed  = "Failed"
)

// AccountProviderStatus is the observed state of a provider.
type AccountProviderStatus struct {
	// observedGeneration is the generation last reconciled.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// upstream is the kind of upstream: ccm, scp or vectorCharts.
	// +optional
	Upstream string `json:"upstream,omitempty"`
	// url is the upstream's main URL, for display.
	// +optional
	URL string `json:"url,omitempty"`
	// accountCount is how many Accounts refer to this provider. While it is
	// above zero the provider, and the Secrets it reads, carry the finalizer
	// accounts.operator.dev/in-use: deleting them waits until those Accounts
	// are gone, so that each can still delete its upstream account.
	// +kubebuilder:validation:Minimum=0
	// +optional
	AccountCount int32 `json:"accountCount,omitempty"`
	// inventory counts the upstream accounts the credentials can see, managed
	// by an Account or not, from the provider's listing of the upstream.
	// +optional
	Inventory *InventoryStatus `json:"inventory,omitempty"`
	// probe is the result of the last conformance probe, run when the
	// probe-requested-at annotation gets a new value.
	// +optional
	Probe *ProbeStatus `json:"probe,omitempty"`
	// conditions hold Ready, True once the credentials were verified with a
	// cheap authenticated call.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// AccountProvider is a namespaced upstream account API that Accounts in the
// same namespace may use. Its Secret references are in its own namespace.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=account-operator
// +kubebuilder:printcolumn:name="Upstream",type=string,JSONPath=`.status.upstream`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Accounts",type=integer,JSONPath=`.status.accountCount`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type AccountProvider struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says where the upstream is and how to authenticate.
	// +kubebuilder:validation:XValidation:rule="!has(self.ccm) || !has(self.ccm.credentialsSecretRef.__namespace__)",message="spec.ccm.credentialsSecretRef.namespace is not allowed on an AccountProvider: it reads Secrets in its own namespace",fieldPath=".ccm.credentialsSecretRef.namespace"
	// +kubebuilder:validation:XValidation:rule="!has(self.scp) || !has(self.scp.credentialsSecretRef.__namespace__)",message="spec.scp.credentialsSecretRef.namespace is not allowed on an AccountProvider: it reads Secrets in its own namespace",fieldPath=".scp.credentialsSecretRef.namespace"
	// +kubebuilder:validation:XValidation:rule="!has(self.vectorCharts) || !has(self.vectorCharts.credentialsSecretRef.__namespace__)",message="spec.vectorCharts.credentialsSecretRef.namespace is not allowed on an AccountProvider: it reads Secrets in its own namespace",fieldPath=".vectorCharts.credentialsSecretRef.namespace"
	// +kubebuilder:validation:XValidation:rule="!has(self.caBundleSecretRef) || !has(self.caBundleSecretRef.__namespace__)",message="spec.caBundleSecretRef.namespace is not allowed on an AccountProvider: it reads Secrets in its own namespace",fieldPath=".caBundleSecretRef.namespace"
	// +required
	Spec AccountProviderSpec `json:"spec"`

	// status is the observed state.
	// +optional
	Status AccountProviderStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// AccountProviderList is a list of AccountProviders.
type AccountProviderList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []AccountProvider `json:"items"`
}

// ClusterAccountProviderSpec is an AccountProviderSpec usable from many
// namespaces, limited by namespaceSelector.
type ClusterAccountProviderSpec struct {
	AccountProviderSpec `json:",inline"`
	// namespaceSelector limits which namespaces' Accounts may use this provider.
	// Empty or absent: every namespace. Re-evaluated when namespace labels change.
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",message="spec.namespaceSelector.matchExpressions operator must be one of In, NotIn, Exists, DoesNotExist"
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	// adoptionNamespaceSelector limits which namespaces' Accounts may adopt an
	// existing upstream account with spec.externalID through this provider.
	// The accounts behind a shared provider belong to many teams, and adopting
	// one hands its settings, its tokens and its deletion to the adopting
	// namespace. Absent: no namespace may adopt. Empty ({}): every namespace
	// that namespaceSelector allows.
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",message="spec.adoptionNamespaceSelector.matchExpressions operator must be one of In, NotIn, Exists, DoesNotExist"
	// +optional
	AdoptionNamespaceSelector *metav1.LabelSelector `json:"adoptionNamespaceSelector,omitempty"`
}

// ClusterAccountProvider is a cluster-wide upstream account API. Its Secret
// references name their namespace.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories=account-operator
// +kubebuilder:printcolumn:name="Upstream",type=string,JSONPath=`.status.upstream`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Accounts",type=integer,JSONPath=`.status.accountCount`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ClusterAccountProvider struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says where the upstream is, how to authenticate and who may use it.
	// +kubebuilder:validation:XValidation:rule="!has(self.ccm) || has(self.ccm.credentialsSecretRef.__namespace__)",message="spec.ccm.credentialsSecretRef.namespace is required on a ClusterAccountProvider",fieldPath=".ccm.credentialsSecretRef"
	// +kubebuilder:validation:XValidation:rule="!has(self.scp) || has(self.scp.credentialsSecretRef.__namespace__)",message="spec.scp.credentialsSecretRef.namespace is required on a ClusterAccountProvider",fieldPath=".scp.credentialsSecretRef"
	// +kubebuilder:validation:XValidation:rule="!has(self.vectorCharts) || has(self.vectorCharts.credentialsSecretRef.__namespace__)",message="spec.vectorCharts.credentialsSecretRef.namespace is required on a ClusterAccountProvider",fieldPath=".vectorCharts.credentialsSecretRef"
	// +kubebuilder:validation:XValidation:rule="!has(self.caBundleSecretRef) || has(self.caBundleSecretRef.__namespace__)",message="spec.caBundleSecretRef.namespace is required on a ClusterAccountProvider",fieldPath=".caBundleSecretRef"
	// +required
	Spec ClusterAccountProviderSpec `json:"spec"`

	// status is the observed state.
	// +optional
	Status AccountProviderStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ClusterAccountProviderList is a list of ClusterAccountProviders.
type ClusterAccountProviderList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterAccountProvider `json:"items"`
}

func init() {
	objectTypes = append(objectTypes, &AccountProvider{}, &AccountProviderList{},
		&ClusterAccountProvider{}, &ClusterAccountProviderList{})
}
