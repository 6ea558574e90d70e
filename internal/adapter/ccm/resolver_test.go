package ccm_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// resolver is a map-backed provider.Resolver with the controller's error texts.
type resolver struct {
	mu      sync.Mutex
	secrets map[string]map[string][]byte
	cms     map[string]map[string][]byte
	fail    error // when set, every read fails with it (API server trouble)
}

func newResolver() *resolver {
	return &resolver{secrets: map[string]map[string][]byte{}, cms: map[string]map[string][]byte{}}
}

func (r *resolver) setSecret(name, key string, v []byte)    { r.set(r.secrets, name, key, v) }
func (r *resolver) setConfigMap(name, key string, v []byte) { r.set(r.cms, name, key, v) }

func (r *resolver) set(m map[string]map[string][]byte, name, key string, v []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m[name] == nil {
		m[name] = map[string][]byte{}
	}
	m[name][key] = v
}

func (r *resolver) SecretKey(_ context.Context, sel v1alpha1.SecretKeySelector) ([]byte, error) {
	return r.get(r.secrets, "Secret", string(sel.Name), string(sel.Key))
}

func (r *resolver) ConfigMapKey(_ context.Context, sel v1alpha1.ConfigMapKeySelector) ([]byte, error) {
	return r.get(r.cms, "ConfigMap", string(sel.Name), string(sel.Key))
}

func (r *resolver) del(name, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.secrets[name], key)
	delete(r.cms[name], key)
}

func (r *resolver) get(m map[string]map[string][]byte, kind, name, key string) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return nil, fmt.Errorf("%s %q: %w", kind, name, r.fail)
	}
	data, ok := m[name]
	if !ok {
		return nil, adapter.MissingRef("%s %q: not found", kind, name)
	}
	v, ok := data[key]
	if !ok {
		return nil, adapter.MissingRef("%s %q has no key %q", kind, name, key)
	}
	return v, nil
}
