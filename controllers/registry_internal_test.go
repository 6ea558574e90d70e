package controllers

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
)

// The registry builds a provider once per generation and Secret version, and
// keeps an AccountProvider apart from a ClusterAccountProvider of the same name.
func TestRegistryBuildsOncePerVersion(t *testing.T) {
	ctx := context.Background()
	creds := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "creds"},
		Data: map[string][]byte{"username": []byte("u"), "password": []byte("p")}}
	spec := v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{URL: "https://ccm.example.com",
		CredentialsSecretRef: v1alpha1.SecretReference{Namespace: "ops", Name: "creds"}}}
	cluster := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: "ccm", Generation: 1},
		Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: spec}}
	nsSpec := *spec.DeepCopy()
	nsSpec.CCM.CredentialsSecretRef.Namespace = ""
	namespaced := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "ccm", Generation: 1},
		Spec: nsSpec}
	c := fake.NewClientBuilder().WithScheme(testScheme(t)).WithObjects(creds).Build()
	r := &Registry{Kinds: adapter.Set{ccmadapter.NewKind()}, Reader: c}

	build := func(p v1alpha1.ProviderObject) adapter.Upstream {
		t.Helper()
		prov, _, err := r.Build(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return prov
	}
	first := build(cluster)
	if build(cluster) != first {
		t.Error("nothing changed, yet the provider was built again")
	}
	if cached, _, ok := r.Cached(cluster); !ok || cached != first {
		t.Error("the built provider is not the cached one")
	}
	if build(namespaced) == first {
		t.Error("an AccountProvider shares a ClusterAccountProvider's entry")
	}

	creds.Data["password"] = []byte("rotated")
	if err := c.Update(ctx, creds); err != nil {
		t.Fatal(err)
	}
	rotated := build(cluster)
	if rotated == first {
		t.Error("a rotated credentials Secret did not build a new provider")
	}
	cluster.Generation = 2
	if _, _, ok := r.Cached(cluster); ok {
		t.Error("a new generation must not use the cached provider")
	}
	if build(cluster) == rotated {
		t.Error("a new generation did not build a new provider")
	}
	r.Forget(cluster)
	if _, _, ok := r.Cached(cluster); ok {
		t.Error("a forgotten provider is still cached")
	}
	if _, _, ok := r.Cached(namespaced); !ok {
		t.Error("forgetting a ClusterAccountProvider dropped the AccountProvider of the same name")
	}
}
