package controllers

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// failingReader answers every read with err.
type failingReader struct {
	client.Reader
	err error
}

func (f failingReader) Get(context.Context, client.ObjectKey, client.Object, ...client.GetOption) error {
	return f.err
}

// A credentials Secret that is missing stalls the provider; an API server
// that fails to answer does not: that is transient, not the user's to fix.
func TestReadSecretClassifiesOnce(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	for _, tc := range []struct {
		name   string
		err    error
		class  adapter.Class
		reason string
	}{
		{"missing", apierrors.NewNotFound(gr, "creds"), adapter.ClassTerminal, v1alpha1.ReasonCredentialsMissing},
		{"timeout", apierrors.NewServerTimeout(gr, "get", 1), adapter.ClassTransient, v1alpha1.ReasonKubernetesAPIError},
		{"forbidden", apierrors.NewForbidden(gr, "creds", nil), adapter.ClassTransient, v1alpha1.ReasonKubernetesAPIError},
	} {
		r := &Registry{Reader: failingReader{err: tc.err}}
		_, _, err := r.readSecret(context.Background(), "spec.ccm.credentialsSecretRef", "ops", "creds")
		if adapter.Classify(err) != tc.class || adapter.Reason(err) != tc.reason {
			t.Errorf("%s: %v classified %v/%s, want %v/%s", tc.name, err, adapter.Classify(err),
				adapter.Reason(err), tc.class, tc.reason)
		}
	}
}
