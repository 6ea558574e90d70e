package controllers

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/fairshare"
	"github.com/account-operator/account-operator/internal/snapshot"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Registry builds and caches one adapter.Upstream per provider object and credentials
// version, shared by every Account that uses it, with one rate limiter each.
type Registry struct {
	Kinds    adapter.Set
	Reader   client.Reader // uncached reads: credentials Secrets are not cached
	Observer httpapi.Observer
	Timeout  time.Duration

	mu      sync.Mutex
	entries map[registryKey]*registryEntry
}

// registryKey names a provider object in the registry.
type registryKey struct {
	kind v1alpha1.ProviderKind
	types.NamespacedName
}

func providerKey(p v1alpha1.ProviderObject) registryKey {
	kind := v1alpha1.AccountProviderKind
	if _, ok := p.(*v1alpha1.ClusterAccountProvider); ok {
		kind = v1alpha1.ClusterAccountProviderKind
	}
	return registryKey{kind: kind, NamespacedName: client.ObjectKeyFromObject(p)}
}

// registryVersion is what a provider was built from: a change to any part
// builds it again.
type registryVersion struct {
	generation                int64
	credentialsRV, caBundleRV string // resource versions of the Secrets
}

type registryEntry struct {
	version  registryVersion
	kind     adapter.Kind
	upstream adapter.Upstream
	limiter  *fairshare.Limiter
	// snapshot is the provider's listing of its upstream's accounts, nil for
	// an upstream that cannot list.
	snapshot *snapshot.Snapshot
}

// Cached returns the provider built for p's current generation, if any: the
// Account path uses it without reading Secrets.
func (r *Registry) Cached(p v1alpha1.ProviderObject) (adapter.Upstream, adapter.Kind, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[providerKey(p)]
	if e == nil || e.version.generation != p.GetGeneration() {
		return nil, nil, false
	}
	return e.upstream, e.kind, true
}

// Build reads p's Secrets and returns its provider, rebuilding it only when the
// generation or a Secret changed.
func (r *Registry) Build(ctx context.Context, p v1alpha1.ProviderObject) (adapter.Upstream, adapter.Kind, error) {
	spec := p.ProviderSpec()
	kind := r.Kinds.For(spec)
	if kind == nil {
		return nil, nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec: no known upstream block is set")
	}
	_, ref := kind.Endpoint(spec)
	creds, credsRV, err := r.readSecret(ctx, "spec."+kind.Name()+".credentialsSecretRef",
		p.SecretNamespace(ref.Namespace), string(ref.Name))
	if err != nil {
		return nil, kind, err
	}
	for _, k := range kind.CredentialKeys() {
		if len(creds[k]) == 0 {
			return nil, kind, adapter.Terminalf(v1alpha1.ReasonCredentialsMissing,
				"credentials Secret %s/%s lacks key %q", p.SecretNamespace(ref.Namespace), ref.Name, k)
		}
	}
	caPEM, caRV, err := r.readCA(ctx, p)
	if err != nil {
		return nil, kind, err
	}
	version := registryVersion{generation: p.GetGeneration(), credentialsRV: credsRV, caBundleRV: caRV}
	return r.build(p, kind, version, creds, caPEM)
}

func (r *Registry) build(p v1alpha1.ProviderObject, kind adapter.Kind, version registryVersion,
	creds map[string][]byte, caPEM []byte) (adapter.Upstream, adapter.Kind, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries == nil {
		r.entries = map[registryKey]*registryEntry{}
	}
	key := providerKey(p)
	e := r.entries[key]
	if e != nil && e.version == version {
		return e.upstream, e.kind, nil
	}
	limiter := newLimiter(p.ProviderSpec().RateLimit)
	if e != nil && sameLimit(e.limiter, limiter) {
		limiter = e.limiter // keep the bucket's state across credential rotations
	}
	httpClient, err := r.httpClient(limiter, caPEM)
	if err != nil {
		return nil, kind, err
	}
	prov, err := kind.New(adapter.Config{Spec: p.ProviderSpec(), Credentials: creds,
		HTTPClient: httpClient, Observer: r.Observer})
	if err != nil {
		return nil, kind, err
	}
	e = &registryEntry{version: version, kind: kind, upstream: prov, limiter: limiter}
	if l, ok := prov.(adapter.Lister); ok {
		e.snapshot = snapshot.New(l, snapshot.Options{})
	}
	r.entries[key] = e
	return prov, kind, nil
}

// Snapshot is the listing snapshot of the provider built for p's current
// generation, or nil (not built yet, or its upstream cannot list).
func (r *Registry) Snapshot(p v1alpha1.ProviderObject) *snapshot.Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[providerKey(p)]
	if e == nil || e.version.generation != p.GetGeneration() {
		return nil
	}
	return e.snapshot
}

// snapshots are the snapshots of every provider built, for the metrics.
func (r *Registry) snapshots() map[registryKey]*snapshot.Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[registryKey]*snapshot.Snapshot, len(r.entries))
	for k, e := range r.entries {
		if e.snapshot != nil {
			out[k] = e.snapshot
		}
	}
	return out
}

// Forget drops a deleted provider object.
func (r *Registry) Forget(p v1alpha1.ProviderObject) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.entries, providerKey(p))
}

// readSecret reads a Secret a provider refers to in field.
func (r *Registry) readSecret(ctx context.Context, field, ns, name string) (map[string][]byte, string, error) {
	var s corev1.Secret
	if err := r.Reader.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, "", adapter.Terminalf(v1alpha1.ReasonCredentialsMissing, "%s: Secret %s/%s not found", field, ns, name)
		}
		// The API server's trouble (a timeout, a 5xx): transient, not the user's.
		return nil, "", fmt.Errorf("%s: read Secret %s/%s: %w", field, ns, name, err)
	}
	return s.Data, s.ResourceVersion, nil
}

func (r *Registry) readCA(ctx context.Context, p v1alpha1.ProviderObject) ([]byte, string, error) {
	ref := p.ProviderSpec().CABundleSecretRef
	if ref == nil {
		return nil, "", nil
	}
	data, rv, err := r.readSecret(ctx, "spec.caBundleSecretRef", p.SecretNamespace(ref.Namespace), string(ref.Name))
	if err != nil {
		return nil, "", err
	}
	key := string(ref.Key)
	if key == "" {
		key = "ca.crt"
	}
	if len(data[key]) == 0 {
		return nil, "", adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"spec.caBundleSecretRef: Secret %s lacks key %q", ref.Name, key)
	}
	return data[key], rv, nil
}

func (r *Registry) httpClient(limiter *fairshare.Limiter, caPEM []byte) (*http.Client, error) {
	var tlsConfig *tls.Config
	if len(caPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.caBundleSecretRef: no PEM certificate found")
		}
		tlsConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = DefaultUpstreamTimeout
	}
	c := httpapi.NewHTTPClient(timeout, tlsConfig)
	c.Transport = &limitedTransport{next: c.Transport, limiter: limiter}
	return c, nil
}

// limitedTransport waits for the provider's shared token bucket before every
// upstream request, so all Accounts of a provider together stay under its
// rate. The bucket's tokens go to the waiting namespaces in turn (the
// Account's namespace rides in the request's context, see Reconcile): one
// namespace's many waiting requests do not hold up another's few.
type limitedTransport struct {
	next    http.RoundTripper
	limiter *fairshare.Limiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.limiter != nil {
		if err := t.limiter.Wait(req.Context()); err != nil {
			return nil, err
		}
	}
	return t.next.RoundTrip(req)
}

func newLimiter(rl *v1alpha1.RateLimit) *fairshare.Limiter {
	if rl == nil {
		return nil
	}
	burst := int(rl.Burst)
	if burst == 0 {
		burst = 2 * int(rl.RequestsPerSecond)
	}
	return fairshare.NewLimiter(rate.Limit(rl.RequestsPerSecond), burst)
}

func sameLimit(a, b *fairshare.Limiter) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Limit() == b.Limit() && a.Burst() == b.Burst()
}
