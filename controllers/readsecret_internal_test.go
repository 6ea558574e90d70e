package controllers

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/provider"
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
		class  provider.Class
		reason string
	}{
		{"missing", apierrors.NewNotFound(gr, "creds"), provider.ClassTerminal, v1alpha1.ReasonCredentialsMissing},
		{"timeout", apierrors.NewServerTimeout(gr, "get", 1), provider.ClassTransient, v1alpha1.ReasonKubernetesAPIError},
		{"forbidden", apierrors.NewForbidden(gr, "creds", nil), provider.ClassTransient, v1alpha1.ReasonKubernetesAPIError},
	} {
		r := &Registry{Reader: failingReader{err: tc.err}}
		_, _, err := r.readSecret(context.Background(), "spec.ccm.credentialsSecretRef", "ops", "creds")
		if provider.Classify(err) != tc.class || provider.Reason(err) != tc.reason {
			t.Errorf("%s: %v classified %v/%s, want %v/%s", tc.name, err, provider.Classify(err),
				provider.Reason(err), tc.class, tc.reason)
		}
	}
}
