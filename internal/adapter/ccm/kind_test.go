package ccm_test

import (
	"context"
	"slices"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
)

func TestKindMethods(t *testing.T) {
	k := ccmadapter.NewKind()
	if k.Name() != "ccm" {
		t.Errorf("Name = %q", k.Name())
	}
	spec := providerSpec("https://ccm.example.com", "")
	if !k.Configured(spec) || k.Configured(&v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{}}) {
		t.Error("Configured must be true exactly for a spec with a ccm block")
	}
	if !k.Wants(account("a", &v1alpha1.CCMAccountSpec{})) || k.Wants(account("a", nil)) {
		t.Error("Wants must be true exactly for an Account with a ccm block")
	}
	url, ref := k.Endpoint(spec)
	if url != "https://ccm.example.com" || ref != (v1alpha1.SecretReference{Name: "ccm-admin", Namespace: "ops"}) {
		t.Errorf("Endpoint = %q, %+v", url, ref)
	}
	if got := k.CredentialKeys(); !slices.Equal(got, []string{"username", "password"}) {
		t.Errorf("CredentialKeys = %v", got)
	}
	if set := (adapter.Set{k}); set.For(spec) == nil {
		t.Error("a provider Set must find the ccm kind for a ccm spec")
	}
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	creds := map[string][]byte{"username": []byte(adminEmail), "password": []byte(adminPassword)}
	for name, cfg := range map[string]adapter.Config{
		"no ccm block": {Spec: &v1alpha1.AccountProviderSpec{}, Credentials: creds},
		"no password":  {Spec: providerSpec("https://ccm.example.com", ""), Credentials: map[string][]byte{"username": []byte("u")}},
		"bad url":      {Spec: providerSpec("not a url", ""), Credentials: creds},
	} {
		if _, err := ccmadapter.NewKind().New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func TestVerify(t *testing.T) {
	e := newEnv(t)
	calls := e.calls(func() {
		if err := e.prov.Verify(context.Background()); err != nil {
			t.Fatalf("Verify: %v", err)
		}
	})
	if calls["Login"] != 1 || calls["ListAccounts"] != 1 {
		t.Errorf("Verify calls = %v, want one login and one listing", calls)
	}
	bad, err := ccmadapter.NewKind().New(adapter.Config{Spec: providerSpec(e.srv.URL, ""),
		Credentials: map[string][]byte{"username": []byte(adminEmail), "password": []byte("wrong")}})
	if err != nil {
		t.Fatal(err)
	}
	err = bad.Verify(context.Background())
	if adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != v1alpha1.ReasonUnauthorized {
		t.Errorf("Verify with a wrong password = %v (class %v, reason %s), want terminal Unauthorized",
			err, adapter.Classify(err), adapter.Reason(err))
	}
}

// The provider spec's pathPrefix reaches the client.
func TestPathPrefix(t *testing.T) {
	e := newEnvPrefix(t, "/api/v1/confidential_computing")
	if err := e.prov.Verify(context.Background()); err != nil {
		t.Fatalf("Verify under a path prefix: %v", err)
	}
	a := account("prefixed", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	if o := e.observe(t, a); !o.Exists || !o.UpToDate {
		t.Errorf("Observe under a path prefix = %+v", o)
	}
}

func TestKindReferences(t *testing.T) {
	a := &v1alpha1.Account{Spec: v1alpha1.AccountSpec{CCM: &v1alpha1.CCMAccountSpec{
		CustomLogo: &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logos", Key: "a.png"}},
		AuthConfigs: []v1alpha1.CCMAuthConfig{
			{Password: &v1alpha1.CCMPasswordAuth{}},
			{OAuth: &v1alpha1.CCMOAuthConfig{ClientSecretRef: v1alpha1.SecretKeySelector{Name: "okta", Key: "s"},
				TLS: v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSRequired,
					ClientCertRef: &v1alpha1.SecretKeySelector{Name: "cert", Key: "c"},
					ClientKeyRef:  &v1alpha1.SecretKeySelector{Name: "key", Key: "k"},
					PinnedCARefs:  []v1alpha1.SecretKeySelector{{Name: "ca", Key: "ca.crt"}}}}},
		}}}}
	secrets, configMaps := ccmadapter.NewKind().References(a)
	if want := []string{"okta", "cert", "key", "ca"}; !slices.Equal(secrets, want) {
		t.Errorf("secrets = %v, want %v", secrets, want)
	}
	if want := []string{"logos"}; !slices.Equal(configMaps, want) {
		t.Errorf("configMaps = %v, want %v", configMaps, want)
	}
}
