package v1alpha1

// HTTPSURL is an absolute https URL. Plain http is accepted only for loopback
// hosts (localhost, 127.0.0.0/8, ::1), so local sandboxes work.
// +kubebuilder:validation:MinLength=8
// +kubebuilder:validation:MaxLength=2048
// +kubebuilder:validation:XValidation:rule="isURL(self) && (url(self).getScheme() == 'https' || (url(self).getScheme() == 'http' && (url(self).getHostname() == 'localhost' || url(self).getHostname() == '::1' || url(self).getHostname().startsWith('127.'))))",message="must be an absolute https URL (http is allowed only for localhost, 127.0.0.0/8 and ::1)"
type HTTPSURL string

// ObjectName is the name of an object in the same namespace: a DNS subdomain.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=253
// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
type ObjectName string

// NamespaceName is a namespace name: a DNS label.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
type NamespaceName string

// DataKey is a key in a Secret's or ConfigMap's data.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=253
// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
type DataKey string

// SecretKeySelector selects one key of a Secret in the same namespace as the
// object that refers to it. Secret values are only ever taken by reference.
type SecretKeySelector struct {
	// name of the Secret, in the referring object's namespace.
	// +required
	Name ObjectName `json:"name,omitempty"`
	// key in the Secret's data.
	// +required
	Key DataKey `json:"key,omitempty"`
}

// ConfigMapKeySelector selects one key of a ConfigMap in the same namespace as
// the object that refers to it. Both data and binaryData are searched.
type ConfigMapKeySelector struct {
	// name of the ConfigMap, in the referring object's namespace.
	// +required
	Name ObjectName `json:"name,omitempty"`
	// key in the ConfigMap's data or binaryData.
	// +required
	Key DataKey `json:"key,omitempty"`
}

// SecretReference names a whole Secret. On a ClusterAccountProvider the
// namespace is required; on a namespaced AccountProvider it must be omitted,
// because a namespaced provider reads Secrets in its own namespace only.
type SecretReference struct {
	// name of the Secret.
	// +required
	Name ObjectName `json:"name,omitempty"`
	// namespace of the Secret. Required on a ClusterAccountProvider; not allowed
	// on an AccountProvider.
	// +optional
	Namespace NamespaceName `json:"namespace,omitempty"`
}

// SecretKeyReference names one key of a Secret, with the same namespace rules
// as SecretReference.
type SecretKeyReference struct {
	// name of the Secret.
	// +required
	Name ObjectName `json:"name,omitempty"`
	// namespace of the Secret. Required on a ClusterAccountProvider; not allowed
	// on an AccountProvider.
	// +optional
	Namespace NamespaceName `json:"namespace,omitempty"`
	// key in the Secret's data.
	// +default="ca.crt"
	// +optional
	Key DataKey `json:"key,omitempty"`
}
