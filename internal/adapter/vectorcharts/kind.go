// Package vectorcharts adapts the VectorCharts OEM Portal to the generic
// Account state machine: an Account becomes one portal account with its
// primary user, whose password and one-time API token go to the connection
// Secret. Creates and renames are synchronous; deletes run as upstream jobs.
package vectorcharts

import (
	"bytes"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// Name is the kind of upstream, as named in metrics and errors.
const Name = "vectorCharts"

// credentialKey is the credentials Secret key holding the admin API token.
const credentialKey = "token"

type kind struct{}

// NewKind returns the VectorCharts kind of upstream.
func NewKind() adapter.Kind { return kind{} }

func (kind) Name() string { return Name }

func (kind) Configured(spec *v1alpha1.AccountProviderSpec) bool {
	return spec != nil && spec.VectorCharts != nil
}

func (kind) Wants(a *v1alpha1.Account) bool { return a != nil && a.Spec.VectorCharts != nil }

func (kind) Endpoint(spec *v1alpha1.AccountProviderSpec) (string, v1alpha1.SecretReference) {
	if spec == nil || spec.VectorCharts == nil {
		return "", v1alpha1.SecretReference{}
	}
	return string(spec.VectorCharts.URL), spec.VectorCharts.CredentialsSecretRef
}

func (kind) CredentialKeys() []string { return []string{credentialKey} }

// New builds a provider on the shared, rate-limited HTTP client. The token is
// trimmed because Secrets made with --from-file often end in a newline.
func (kind) New(cfg adapter.Config) (adapter.Upstream, error) {
	if cfg.Spec == nil || cfg.Spec.VectorCharts == nil {
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.vectorCharts: not set")
	}
	token := bytes.TrimSpace(cfg.Credentials[credentialKey])
	if len(token) == 0 {
		return nil, adapter.Terminalf(v1alpha1.ReasonCredentialsMissing,
			"spec.vectorCharts.credentialsSecretRef: key %q is empty", credentialKey)
	}
	c, err := vcapi.New(vcapi.Config{BaseURL: string(cfg.Spec.VectorCharts.URL), Token: httpapi.Secret(token),
		HTTPClient: cfg.HTTPClient, Observer: cfg.Observer})
	if err != nil {
		// The client's errors never echo the URL or the token.
		return nil, adapter.Terminal(v1alpha1.ReasonInvalidSpec, "spec.vectorCharts.url", err)
	}
	retryEvery := defaultRetryEvery
	if pi := cfg.Spec.PollInterval; pi != nil && pi.Duration > 0 {
		retryEvery = pi.Duration
	}
	return &Adapter{client: c, redeletes: newLedger(), checks: newCheckSchedule(), retryEvery: retryEvery, now: time.Now}, nil
}

// References names the password Secret, if the Account brings its own.
func (kind) References(a *v1alpha1.Account) (secrets, configMaps []string) {
	if ref := a.Spec.VectorCharts.PasswordSecretRef; ref != nil {
		secrets = append(secrets, string(ref.Name))
	}
	return secrets, nil
}
