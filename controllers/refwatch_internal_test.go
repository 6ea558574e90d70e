package controllers

import (
	"context"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
	vcadapter "github.com/account-operator/account-operator/internal/adapter/vectorcharts"
)

// After an expired reference watch restarts, changes it may have missed wake
// every user of an object of that kind in the namespace, and no one else.
func TestMissedChangesWakeEveryUserInTheNamespace(t *testing.T) {
	kinds := adapter.Set{ccmadapter.NewKind(), vcadapter.NewKind()}
	vcAccount := func(ns, name, password string) *v1alpha1.Account {
		a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: v1alpha1.AccountSpec{VectorCharts: &v1alpha1.VectorChartsAccountSpec{Username: name}}}
		if password != "" {
			a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: v1alpha1.ObjectName(password), Key: "p"}
		}
		return a
	}
	ccmProvider := func(name, credsNS string) *v1alpha1.ClusterAccountProvider {
		return &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: v1alpha1.AccountProviderSpec{
				CCM: &v1alpha1.CCMProviderSpec{URL: "https://ccm.example.com",
					CredentialsSecretRef: v1alpha1.SecretReference{Namespace: v1alpha1.NamespaceName(credsNS), Name: "creds"}}}}}
	}
	ar := &AccountReconciler{Registry: &Registry{Kinds: kinds}}
	pr := &ProviderReconciler{Registry: &Registry{Kinds: kinds},
		NewList: func() client.ObjectList { return &v1alpha1.ClusterAccountProviderList{} }}
	c := fake.NewClientBuilder().WithScheme(testScheme(t)).
		WithIndex(&v1alpha1.Account{}, indexRefs, ar.accountRefs).
		WithIndex(&v1alpha1.ClusterAccountProvider{}, indexCredsRef, pr.providerSecrets).
		WithObjects(vcAccount("a", "uses-pw", "pw"), vcAccount("a", "uses-other", "other"),
			vcAccount("a", "generated", ""), vcAccount("b", "elsewhere", "pw"),
			ccmProvider("creds-in-a", "a"), ccmProvider("creds-in-b", "b")).
		Build()
	ar.Client, pr.Client = c, c

	names := func(reqs []reconcile.Request) []string {
		var out []string
		for _, r := range reqs {
			out = append(out, r.String())
		}
		slices.Sort(out)
		return out
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		got      []reconcile.Request
		expected []string
	}{
		{"a Secret change", ar.byRef(refSecret)(ctx, refChange{Namespace: "a", Name: "pw"}), []string{"a/uses-pw"}},
		{"Secrets missed in a", ar.byRef(refSecret)(ctx, refChange{Namespace: "a", Missed: true}),
			[]string{"a/uses-other", "a/uses-pw"}},
		{"Secrets missed everywhere", ar.byRef(refSecret)(ctx, refChange{Missed: true}),
			[]string{"a/uses-other", "a/uses-pw", "b/elsewhere"}},
		{"ConfigMaps missed (none referred to)", ar.byRef(refConfigMap)(ctx, refChange{Namespace: "a", Missed: true}), nil},
		{"a provider's Secret change", pr.bySecret()(ctx, refChange{Namespace: "a", Name: "creds"}), []string{"/creds-in-a"}},
		{"provider Secrets missed in b", pr.bySecret()(ctx, refChange{Namespace: "b", Missed: true}), []string{"/creds-in-b"}},
		{"provider Secrets missed everywhere", pr.bySecret()(ctx, refChange{Missed: true}),
			[]string{"/creds-in-a", "/creds-in-b"}},
	} {
		if got := names(tc.got); !slices.Equal(got, tc.expected) {
			t.Errorf("%s: woke %v, want %v", tc.name, got, tc.expected)
		}
	}
}
