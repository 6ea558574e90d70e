package vectorcharts

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

func TestKind(t *testing.T) {
	k := NewKind()
	if k.Name() != "vectorCharts" {
		t.Errorf("Name = %q", k.Name())
	}
	spec := &v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{
		URL: "https://charts.example.com:9909", CredentialsSecretRef: v1alpha1.SecretReference{Name: "c", Namespace: "ops"}}}
	if !k.Configured(spec) || k.Configured(&v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{}}) {
		t.Error("Configured must follow spec.vectorCharts")
	}
	if !k.Wants(newAccount("a", "a@x.io")) || k.Wants(&v1alpha1.Account{}) {
		t.Error("Wants must follow spec.vectorCharts")
	}
	url, ref := k.Endpoint(spec)
	if url != "https://charts.example.com:9909" || ref.Name != "c" || ref.Namespace != "ops" {
		t.Errorf("Endpoint = %q, %+v", url, ref)
	}
	if !slices.Equal(k.CredentialKeys(), []string{"token"}) {
		t.Errorf("CredentialKeys = %v", k.CredentialKeys())
	}
	if set := (adapter.Set{k}); set.For(spec) != k {
		t.Error("Set.For does not pick the kind")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	k := NewKind()
	spec := &v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{URL: "https://h:9909"}}
	_, err := k.New(adapter.Config{Spec: spec, Credentials: map[string][]byte{"token": []byte(" \n")}})
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonCredentialsMissing {
		t.Errorf("empty token: %v", err)
	}
	spec.VectorCharts.URL = "not a url"
	_, err = k.New(adapter.Config{Spec: spec, Credentials: map[string][]byte{"token": []byte(adminToken)}})
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec {
		t.Errorf("bad URL: %v", err)
	}
	if _, err := k.New(adapter.Config{Spec: &v1alpha1.AccountProviderSpec{}}); err == nil {
		t.Error("a spec without vectorCharts must be refused")
	}
}

func TestVerify(t *testing.T) {
	e := newEnv(t)
	if err := e.p.Verify(ctxT(t)); err != nil {
		t.Fatalf("admin token: %v", err)
	}
	for token, want := range map[string]int{viewerToken: http.StatusForbidden, "S3ntinel-unknown-token": http.StatusUnauthorized} {
		err := e.provider(t, token).Verify(ctxT(t))
		if httpapi.StatusCode(err) != want || adapter.Classify(err) != adapter.ClassTerminal {
			t.Errorf("Verify: got %v, want HTTP %d (terminal)", err, want)
		}
	}
}

// TestDeleteRetryFollowsThePollInterval: a delete that did not take is sent
// again at most once per the provider's pollInterval, 10m by default.
func TestDeleteRetryFollowsThePollInterval(t *testing.T) {
	spec := &v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{URL: "https://h:9909"}}
	creds := map[string][]byte{"token": []byte(adminToken)}
	for poll, want := range map[time.Duration]time.Duration{0: 10 * time.Minute, 45 * time.Second: 45 * time.Second} {
		spec.PollInterval = nil
		if poll > 0 {
			spec.PollInterval = &metav1.Duration{Duration: poll}
		}
		p, err := NewKind().New(adapter.Config{Spec: spec, Credentials: creds})
		if err != nil || p.(*Adapter).retryEvery != want {
			t.Errorf("pollInterval %v: retryEvery = %v, %v; want %v", poll, p.(*Adapter).retryEvery, err, want)
		}
	}
}
