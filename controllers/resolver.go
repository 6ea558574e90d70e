package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
)

// resolver reads Secrets and ConfigMaps in one namespace, the Account's own:
// an Account can never name an object in another namespace.
type resolver struct {
	reader    client.Reader
	namespace string
}

func (r resolver) SecretKey(ctx context.Context, sel v1alpha1.SecretKeySelector) ([]byte, error) {
	var s corev1.Secret
	if err := r.reader.Get(ctx, client.ObjectKey{Namespace: r.namespace, Name: string(sel.Name)}, &s); err != nil {
		return nil, fmt.Errorf("Secret %q: %w", sel.Name, err) //nolint:staticcheck // ST1005: the kind's name, users see it
	}
	v, ok := s.Data[string(sel.Key)]
	if !ok {
		return nil, fmt.Errorf("Secret %q has no key %q", sel.Name, sel.Key) //nolint:staticcheck // ST1005: the kind's name
	}
	return v, nil
}

func (r resolver) ConfigMapKey(ctx context.Context, sel v1alpha1.ConfigMapKeySelector) ([]byte, error) {
	var cm corev1.ConfigMap
	if err := r.reader.Get(ctx, client.ObjectKey{Namespace: r.namespace, Name: string(sel.Name)}, &cm); err != nil {
		return nil, fmt.Errorf("ConfigMap %q: %w", sel.Name, err)
	}
	if v, ok := cm.BinaryData[string(sel.Key)]; ok {
		return v, nil
	}
	if v, ok := cm.Data[string(sel.Key)]; ok {
		return []byte(v), nil
	}
	return nil, fmt.Errorf("ConfigMap %q has no key %q", sel.Name, sel.Key)
}
