// Package adapter is the seam between the generic Account state machine in
// controllers/ and each upstream (CCM, SCP, VectorCharts); "provider" is only
// ever the AccountProvider and ClusterAccountProvider objects. An upstream answers four questions about an
// Account (Observe, Create, Update, Delete), plus how to find an account by its
// unique key after a create whose response was lost.
package adapter

import (
	"context"
	"net/http"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Upstream is what each upstream's adapter implements, for one provider
// object (its URL and credentials).
type Upstream interface {
	// Verify checks the credentials with a cheap authenticated call.
	Verify(ctx context.Context) error
	// Observe reports whether the account exists, is up to date and ready, and
	// what to publish. req.Account.Status.AccountID is set.
	Observe(ctx context.Context, req *Request) (Observation, error)
	// Find looks the account up by its unique key (CCM name, SCP name,
	// VectorCharts username): the id, or "" when there is none.
	Find(ctx context.Context, req *Request) (string, error)
	// Create creates the account and returns its id as soon as the upstream
	// gives it. It must not retry by itself.
	Create(ctx context.Context, req *Request) (Creation, error)
	// Update applies the drift an Observation found.
	Update(ctx context.Context, req *Request, obs Observation) (Update, error)
	// Delete deletes the account; done is false while an asynchronous delete is
	// still running. A missing account is done. An upstream whose delete runs
	// as a job records the job's id in req.Account.Status.JobID (and clears
	// it when done): the controller stores the status at the end of the pass,
	// whatever Delete returned.
	Delete(ctx context.Context, req *Request) (done bool, err error)
}

// Preparer is implemented by upstreams that must persist something before the
// create call (VectorCharts: a generated password), so a retried create after a
// crash uses the same value. The data is merged into the connection Secret.
type Preparer interface {
	Prepare(ctx context.Context, req *Request) (map[string][]byte, error)
}

// Recoverer is implemented by upstreams whose create answer carried something
// that an interrupted create leaves behind unseen (VectorCharts: the one-time
// initial token). After Find found the account an interrupted create of this
// Account made (the create-pending marker's path, never spec.externalID), the
// controller calls Recover with the found id before it records the id, and
// applies the status facts Recover returns. A failure, or a crash before the
// status is stored, leaves the id unrecorded: the next pass runs Find and
// Recover again, so Recover must be safe to repeat.
type Recoverer interface {
	Recover(ctx context.Context, req *Request, id string) (func(*v1alpha1.AccountStatus), error)
}

// Resolver reads the Secrets and ConfigMaps an Account refers to, in the
// Account's own namespace only. A missing object or key is a MissingRef
// failure; callers add the field path and pass the error on as it is.
type Resolver interface {
	SecretKey(ctx context.Context, sel v1alpha1.SecretKeySelector) ([]byte, error)
	ConfigMapKey(ctx context.Context, sel v1alpha1.ConfigMapKeySelector) ([]byte, error)
}

// Request is one Account as the provider sees it.
type Request struct {
	Account *v1alpha1.Account
	// Connection is the current data of the Account's connection Secret (nil
	// when there is none yet). Providers read outputs they wrote before from it.
	Connection map[string][]byte
	Resolve    Resolver
	// Listed is the account's entry in the provider's snapshot of the
	// upstream's listing (Lister), when this pass may read it instead of the
	// account; nil: read the account. An Observe that sees drift or a change of
	// readiness in a listed entry reads the account before it reports either,
	// so nothing is written on a list's word alone.
	Listed *Listed
}

// DisplayName is the upstream account name: spec.displayName or metadata.name.
func (r *Request) DisplayName() string {
	if r.Account.Spec.DisplayName != "" {
		return r.Account.Spec.DisplayName
	}
	return r.Account.Name
}

// Readiness is how usable an existing upstream account is.
type Readiness int

// Readiness values. The zero value is Unusable, so an Observation that does
// not say otherwise is never taken as ready.
const (
	// Unusable: the account exists but cannot be used and nothing is under
	// way (e.g. deactivated by an administrator): look again at the poll
	// interval. Reason and Message say why.
	Unusable Readiness = iota
	// Ready: the account is usable.
	Ready
	// Provisioning: an asynchronous step is under way: look again soon.
	Provisioning
	// Failed: the upstream reports a terminal failure (e.g. SCP
	// REGISTRATION_FAILED); Message says why.
	Failed
)

// Observation is what the upstream says about an account.
type Observation struct {
	Exists    bool
	UpToDate  bool
	Readiness Readiness
	State     string
	Message   string
	// Reason is the condition reason when not Ready; "" means Provisioning
	// (Unusable, Provisioning) or RegistrationFailed (Failed).
	Reason string
	// Drift names what differs, for events and conditions (no secret values).
	Drift []string
	// Details are published in the connection Secret (merged over what is there).
	Details map[string][]byte
	// Status records provider-specific, non-secret facts in the Account status.
	Status func(*v1alpha1.AccountStatus)
	// Credentials is the verdict of this pass's check of a credential the
	// upstream issued (a VectorCharts API token); nil when none was made.
	Credentials *CredentialsCheck
	// RecheckAfter asks to look again sooner than the poll interval (a token
	// rotation, revocation or check falls due then); 0: the poll interval.
	RecheckAfter time.Duration
}

// CredentialsCheck becomes the Account's CredentialsValid condition. A zero
// Status removes the condition (checks disabled).
type CredentialsCheck struct {
	Status          metav1.ConditionStatus
	Reason, Message string
}

// Creation is the result of a create.
type Creation struct {
	ID      string
	JobID   string
	State   string
	Details map[string][]byte
	Status  func(*v1alpha1.AccountStatus)
	// Credentials is the verdict on what the create issued (a VectorCharts
	// API token is valid by construction), so a first check changes nothing.
	Credentials *CredentialsCheck
}

// Update is the result of applying drift. Its Status and Notes take effect
// only once Details are in the connection Secret: a new token is stored
// before anything else records it.
type Update struct {
	Details map[string][]byte
	// Drop are keys to remove from the connection Secret (a rotated-out
	// token once it is revoked).
	Drop   []string
	Status func(*v1alpha1.AccountStatus)
	// Notes become events on the Account (reason, message).
	Notes []Note
	// Credentials replaces the Observation's verdict (a revoked token was
	// re-issued).
	Credentials *CredentialsCheck
}

// Note is an event to record.
type Note struct{ Reason, Message string }

// Config is what an adapter is built from: the provider object's spec, its
// credentials and a shared, rate-limited HTTP client.
type Config struct {
	Spec        *v1alpha1.AccountProviderSpec
	Credentials map[string][]byte
	HTTPClient  *http.Client
	Observer    httpapi.Observer
}

// Kind is one kind of upstream: it recognises its blocks in specs and builds
// adapters. The set of kinds is built once, in main.
type Kind interface {
	// Name is the upstream key: ccm, scp or vectorCharts.
	Name() string
	// Configured reports whether a provider spec is of this kind.
	Configured(spec *v1alpha1.AccountProviderSpec) bool
	// Wants reports whether an Account has this kind's block.
	Wants(a *v1alpha1.Account) bool
	// Endpoint is the URL and credentials Secret of a provider spec of this kind.
	Endpoint(spec *v1alpha1.AccountProviderSpec) (url string, creds v1alpha1.SecretReference)
	// CredentialKeys are the keys the credentials Secret must have.
	CredentialKeys() []string
	// References names the Secrets and ConfigMaps, in the Account's own
	// namespace, that an Account of this kind refers to: a change to one of
	// them re-queues the Account.
	References(a *v1alpha1.Account) (secrets, configMaps []string)
	// New builds an adapter for one provider object.
	New(cfg Config) (Upstream, error)
}

// Set is the list of known kinds.
type Set []Kind

// For returns the kind a provider spec is configured for, or nil.
func (s Set) For(spec *v1alpha1.AccountProviderSpec) Kind {
	for _, k := range s {
		if k.Configured(spec) {
			return k
		}
	}
	return nil
}
