// Package ccm adapts the Account API to Fortanix Confidential Computing
// Manager: it maps spec.ccm to the vendor's wire types, diffs the upstream
// account against the spec, and applies drift as one PATCH with add/mod/del
// auth config deltas.
package ccm

import (
	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Credential keys of the provider's Secret.
const (
	keyUsername = "username"
	keyPassword = "password"
)

type kind struct{}

// NewKind returns the CCM kind of upstream.
func NewKind() adapter.Kind { return kind{} }

func (kind) Name() string { return "ccm" }

func (kind) Configured(spec *v1alpha1.AccountProviderSpec) bool {
	return spec != nil && spec.CCM != nil
}

func (kind) Wants(a *v1alpha1.Account) bool { return a != nil && a.Spec.CCM != nil }

func (kind) Endpoint(spec *v1alpha1.AccountProviderSpec) (string, v1alpha1.SecretReference) {
	if spec == nil || spec.CCM == nil {
		return "", v1alpha1.SecretReference{}
	}
	return string(spec.CCM.URL), spec.CCM.CredentialsSecretRef
}

func (kind) CredentialKeys() []string { return []string{keyUsername, keyPassword} }

// New builds a provider with its own upstream client; the client's session is
// shared by every Account that uses the provider object.
func (kind) New(cfg adapter.Config) (adapter.Upstream, error) {
	if cfg.Spec == nil || cfg.Spec.CCM == nil {
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.ccm: not set")
	}
	user, pass := string(cfg.Credentials[keyUsername]), cfg.Credentials[keyPassword]
	if user == "" || len(pass) == 0 {
		return nil, adapter.Terminalf(v1alpha1.ReasonCredentialsMissing,
			"spec.ccm.credentialsSecretRef: the Secret needs keys %q and %q", keyUsername, keyPassword)
	}
	c, err := ccmapi.New(ccmapi.Config{
		BaseURL:    string(cfg.Spec.CCM.URL),
		PathPrefix: cfg.Spec.CCM.PathPrefix,
		Username:   user,
		Password:   httpapi.Secret(pass),
		HTTPClient: cfg.HTTPClient,
		Observer:   cfg.Observer,
	})
	if err != nil {
		// ccm.New names the URL or prefix field; its messages carry no secret.
		return nil, adapter.Terminal(v1alpha1.ReasonInvalidSpec, "spec.ccm", err)
	}
	return &Adapter{api: c, key: httpapi.Secret(pass)}, nil
}

// References names the logo ConfigMap and every Secret the auth configs use.
func (kind) References(a *v1alpha1.Account) (secrets, configMaps []string) {
	c := a.Spec.CCM
	if c.CustomLogo != nil {
		configMaps = append(configMaps, string(c.CustomLogo.ConfigMapKeyRef.Name))
	}
	for _, ac := range c.AuthConfigs {
		if o := ac.OAuth; o != nil {
			secrets = append(secrets, string(o.ClientSecretRef.Name))
			for _, ref := range []*v1alpha1.SecretKeySelector{o.TLS.ClientCertRef, o.TLS.ClientKeyRef} {
				if ref != nil {
					secrets = append(secrets, string(ref.Name))
				}
			}
			for _, ref := range o.TLS.PinnedCARefs {
				secrets = append(secrets, string(ref.Name))
			}
		}
	}
	return secrets, configMaps
}
