package scp

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

func TestKindRecognisesSCPBlocks(t *testing.T) {
	k := NewKind()
	if k.Name() != "scp" {
		t.Errorf("Name() = %q, want scp", k.Name())
	}
	spec := providerSpec("https://cc.example", "https://org.example")
	if !k.Configured(spec) {
		t.Error("Configured(scp spec) = false")
	}
	if k.Configured(&v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{}}) {
		t.Error("Configured(ccm spec) = true")
	}
	if !k.Wants(newAccount("a")) {
		t.Error("Wants(scp account) = false")
	}
	if k.Wants(&v1alpha1.Account{Spec: v1alpha1.AccountSpec{CCM: &v1alpha1.CCMAccountSpec{}}}) {
		t.Error("Wants(ccm account) = true")
	}
	url, ref := k.Endpoint(spec)
	if url != "https://cc.example" || ref != spec.SCP.CredentialsSecretRef {
		t.Errorf("Endpoint() = %q, %+v", url, ref)
	}
	if got := k.CredentialKeys(); !slices.Equal(got, []string{"accessKey", "secretKey"}) {
		t.Errorf("CredentialKeys() = %v", got)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	creds := map[string][]byte{"accessKey": []byte(testAccessKey), "secretKey": []byte(testSecretKey)}
	cases := map[string]struct {
		cfg    adapter.Config
		reason string
	}{
		"no scp block": {adapter.Config{Spec: &v1alpha1.AccountProviderSpec{}, Credentials: creds},
			v1alpha1.ReasonInvalidSpec},
		"no secret key": {adapter.Config{Spec: providerSpec("https://cc.example", "https://org.example"),
			Credentials: map[string][]byte{"accessKey": []byte(testAccessKey)}}, v1alpha1.ReasonCredentialsMissing},
		"bad organization URL": {adapter.Config{Spec: providerSpec("https://cc.example", "ftp://org"),
			Credentials: creds}, v1alpha1.ReasonInvalidSpec},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := NewKind().New(tc.cfg)
			var te *adapter.Error
			if !errors.As(err, &te) || te.Reason != tc.reason {
				t.Fatalf("New() error = %v, want terminal %s", err, tc.reason)
			}
			if !strings.HasPrefix(err.Error(), "spec.scp") {
				t.Errorf("error %q does not name the field", err)
			}
		})
	}
}

// New must use both URLs: creates go to Cloud Control, reads to Organization.
func TestNewUsesBothHosts(t *testing.T) {
	f := newFixture(t, asyncOptions())
	if err := f.prov.Verify(context.Background()); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if f.calls("ListAccounts") != 1 {
		t.Errorf("Verify made %d ListAccounts calls, want 1", f.calls("ListAccounts"))
	}
	create(t, f, newAccount("two-hosts"))
	if f.calls("CreateAccount") != 1 {
		t.Errorf("CreateAccount calls = %d, want 1", f.calls("CreateAccount"))
	}
}

func TestVerifyReportsForbiddenKey(t *testing.T) {
	opts := asyncOptions()
	opts.Credentials = []scpsandbox.Credential{{AccessKey: testAccessKey, SecretKey: testSecretKey, Forbidden: true}}
	f := newFixture(t, opts)
	err := f.prov.Verify(context.Background())
	if adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != "Unauthorized" {
		t.Fatalf("Verify with a forbidden key = %v (class %v)", err, adapter.Classify(err))
	}
	if !strings.Contains(err.Error(), "403") {
		t.Errorf("error %q does not carry the status", err)
	}
}
