// Package scp adapts Accounts to Samsung Cloud Platform's Cloud Control
// account factory: create through Cloud Control, read, move and close through
// the Organization service, readiness from the baseline assignment.
package scp

import (
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

// Credential keys of the provider's Secret.
const (
	keyAccessKey = "accessKey"
	keySecretKey = "secretKey"
)

// DefaultProvisioningGrace bounds how long after the create the operator
// reads an organization 404 or a missing baseline assignment as "still
// provisioning". The reference says nothing about how long SCP takes to show
// a new account; creation itself takes minutes.
const DefaultProvisioningGrace = 5 * time.Minute

// Option configures the SCP kind.
type Option func(*kind)

// WithProvisioningGrace sets the provisioning grace period (main.go's
// --scp-provisioning-grace); a value <= 0 keeps the default.
func WithProvisioningGrace(d time.Duration) Option {
	return func(k *kind) {
		if d > 0 {
			k.grace = d
		}
	}
}

// withClock replaces the clock the grace period is measured with (tests).
func withClock(now func() time.Time) Option { return func(k *kind) { k.now = now } }

// NewKind returns the SCP kind of upstream.
func NewKind(opts ...Option) adapter.Kind {
	k := kind{grace: DefaultProvisioningGrace, now: time.Now}
	for _, o := range opts {
		o(&k)
	}
	return k
}

type kind struct {
	grace time.Duration
	now   func() time.Time
}

func (kind) Name() string { return "scp" }

func (kind) Configured(spec *v1alpha1.AccountProviderSpec) bool {
	return spec != nil && spec.SCP != nil
}

func (kind) Wants(a *v1alpha1.Account) bool { return a != nil && a.Spec.SCP != nil }

func (kind) Endpoint(spec *v1alpha1.AccountProviderSpec) (string, v1alpha1.SecretReference) {
	if spec == nil || spec.SCP == nil {
		return "", v1alpha1.SecretReference{}
	}
	return string(spec.SCP.CloudControlURL), spec.SCP.CredentialsSecretRef
}

func (kind) CredentialKeys() []string { return []string{keyAccessKey, keySecretKey} }

// New builds a client for both SCP services. Bad URLs and missing keys are
// terminal: only an edit of the provider or its Secret can fix them.
func (k kind) New(cfg adapter.Config) (adapter.Upstream, error) {
	if cfg.Spec == nil || cfg.Spec.SCP == nil {
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.scp: not set")
	}
	spec := cfg.Spec.SCP
	ak, sk := cfg.Credentials[keyAccessKey], cfg.Credentials[keySecretKey]
	if len(ak) == 0 || len(sk) == 0 {
		return nil, adapter.Terminalf(v1alpha1.ReasonCredentialsMissing,
			"spec.scp.credentialsSecretRef: the Secret needs keys %q and %q", keyAccessKey, keySecretKey)
	}
	c, err := scpapi.New(scpapi.Config{
		CloudControlURL: string(spec.CloudControlURL),
		OrganizationURL: string(spec.OrganizationURL),
		AccessKey:       httpapi.Secret(ak),
		SecretKey:       httpapi.Secret(sk),
		HTTPClient:      cfg.HTTPClient,
		Observer:        cfg.Observer,
	})
	if err != nil {
		// upstream.New names the URL field; its messages carry no key material.
		return nil, adapter.Terminal(v1alpha1.ReasonInvalidSpec, "spec.scp", err)
	}
	return &Adapter{client: c, organizationID: spec.OrganizationID, grace: k.grace, now: k.now}, nil
}

// References: an SCP Account refers to no Secret or ConfigMap.
func (kind) References(*v1alpha1.Account) (secrets, configMaps []string) { return nil, nil }
