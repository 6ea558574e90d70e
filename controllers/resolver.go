package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// resolver reads Secrets and ConfigMaps in one namespace, the Account's own:
// an Account can never name an object in another namespace. Its failures are
// classified here: a missing object or key is terminal (the watches bring the
// Account back when it appears), anything else is the API server's trouble.
type resolver struct {
	reader    client.Reader
	namespace string
}

func (r resolver) SecretKey(ctx context.Context, sel v1alpha1.SecretKeySelector) ([]byte, error) {
	var s corev1.Secret
	if err := r.reader.Get(ctx, client.ObjectKey{Namespace: r.namespace, Name: string(sel.Name)}, &s); err != nil {
		return nil, readError("Secret", string(sel.Name), err)
	}
	v, ok := s.Data[string(sel.Key)]
	if !ok {
		return nil, adapter.MissingRef("Secret %q has no key %q", sel.Name, sel.Key)
	}
	return v, nil
}

func (r resolver) ConfigMapKey(ctx context.Context, sel v1alpha1.ConfigMapKeySelector) ([]byte, error) {
	var cm corev1.ConfigMap
	if err := r.reader.Get(ctx, client.ObjectKey{Namespace: r.namespace, Name: string(sel.Name)}, &cm); err != nil {
		return nil, readError("ConfigMap", string(sel.Name), err)
	}
	if v, ok := cm.BinaryData[string(sel.Key)]; ok {
		return v, nil
	}
	if v, ok := cm.Data[string(sel.Key)]; ok {
		return []byte(v), nil
	}
	return nil, adapter.MissingRef("ConfigMap %q has no key %q", sel.Name, sel.Key)
}

func readError(kind, name string, err error) error {
	if apierrors.IsNotFound(err) {
		return adapter.Terminal(v1alpha1.ReasonInvalidSpec, fmt.Sprintf("%s %q", kind, name), err)
	}
	return fmt.Errorf("%s %q: %w", kind, name, err)
}
