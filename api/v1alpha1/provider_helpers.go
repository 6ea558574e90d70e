package v1alpha1

import "sigs.k8s.io/controller-runtime/pkg/client"

// ProviderObject is what AccountProvider and ClusterAccountProvider share, so
// one controller and one resolver serve both kinds.
// +kubebuilder:object:generate=false
type ProviderObject interface {
	client.Object
	ProviderSpec() *AccountProviderSpec
	ProviderStatus() *AccountProviderStatus
	// SecretNamespace is where the provider's Secret references point: the
	// object's own namespace, or the namespace the reference names.
	SecretNamespace(refNamespace NamespaceName) string
}

// ProviderSpec returns the spec.
func (p *AccountProvider) ProviderSpec() *AccountProviderSpec { return &p.Spec }

// ProviderStatus returns the status.
func (p *AccountProvider) ProviderStatus() *AccountProviderStatus { return &p.Status }

// SecretNamespace is always the provider's own namespace.
func (p *AccountProvider) SecretNamespace(NamespaceName) string { return p.Namespace }

// ProviderSpec returns the spec.
func (p *ClusterAccountProvider) ProviderSpec() *AccountProviderSpec {
	return &p.Spec.AccountProviderSpec
}

// ProviderStatus returns the status.
func (p *ClusterAccountProvider) ProviderStatus() *AccountProviderStatus { return &p.Status }

// SecretNamespace is the namespace the reference names.
func (p *ClusterAccountProvider) SecretNamespace(ns NamespaceName) string { return string(ns) }

// ConnectionSecretName is the Secret the Account's outputs go to.
func (a *Account) ConnectionSecretName() string {
	if a.Spec.ConnectionSecret != nil && a.Spec.ConnectionSecret.Name != "" {
		return string(a.Spec.ConnectionSecret.Name)
	}
	return a.Name + "-account"
}
