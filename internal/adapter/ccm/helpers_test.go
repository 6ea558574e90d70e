package ccm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Sentinel secret values: TestSecretsNeverInErrors checks none leaks.
const (
	adminEmail    = "operator@example.com"
	adminPassword = "S3ntinel-admin-password-8812"
	oauthSecret   = "S3ntinel-oauth-client-secret-5531"
	rotatedSecret = "S3ntinel-rotated-client-secret-0207"
	tlsKey        = "S3ntinel-tls-private-key-7719"
)

var sentinels = []string{adminPassword, oauthSecret, rotatedSecret, tlsKey}

var (
	pngLogo = []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 64))
	svgLogo = []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`)
	caPEM   = []byte("-----BEGIN CERTIFICATE-----\nMIIBCA==\n-----END CERTIFICATE-----\n")
	certPEM = []byte("-----BEGIN CERTIFICATE-----\nMIIBCB==\n-----END CERTIFICATE-----\n")
)

// sent is one request body the sandbox received.
type sent struct {
	method, path string
	body         map[string]any
}

type env struct {
	sb     *ccmsandbox.Server
	srv    *httptest.Server
	prov   adapter.Upstream
	res    *resolver
	prefix string

	mu      sync.Mutex
	sent    []sent
	rewrite func(route string, body []byte) []byte
}

// newEnv serves a sandbox on loopback, records the bodies of account writes,
// and builds the provider through the Kind as the registry does.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvPrefix(t, "")
}

func newEnvPrefix(t *testing.T, prefix string) *env {
	t.Helper()
	return newEnvWith(t, prefix, adminPassword)
}

func newEnvWithPassword(t *testing.T, password string) *env {
	t.Helper()
	return newEnvWith(t, "", password)
}

func newEnvWith(t *testing.T, prefix, password string) *env {
	t.Helper()
	return newEnvOpts(t, ccmsandbox.Options{PathPrefix: prefix,
		Users: []ccmsandbox.User{{Email: adminEmail, Password: password}}}, password)
}

// Another user of the variant sandboxes, for role tests.
const (
	readerEmail    = "reader@example.com"
	readerPassword = "S3ntinel-reader-password-1177"
)

// newVariantEnv is newEnv against a sandbox with the variants in force. A
// second user, readerEmail, can log in too.
func newVariantEnv(t *testing.T, v ccmsandbox.Variants) *env {
	t.Helper()
	return newEnvOpts(t, ccmsandbox.Options{Variants: v, Users: []ccmsandbox.User{{Email: adminEmail, Password: adminPassword},
		{Email: readerEmail, Password: readerPassword}}}, adminPassword)
}

func newEnvOpts(t *testing.T, opts ccmsandbox.Options, password string) *env {
	t.Helper()
	e := &env{res: newResolver(), prefix: opts.PathPrefix}
	e.sb = ccmsandbox.New(opts)
	e.srv = httptest.NewServer(e.record(e.sb.Handler()))
	t.Cleanup(e.srv.Close)
	e.prov = e.providerAs(t, adminEmail, password)
	return e
}

// providerAs builds the provider through the Kind, as the registry does,
// with the credentials of a user.
func (e *env) providerAs(t *testing.T, email, password string) adapter.Upstream {
	t.Helper()
	p, err := ccmadapter.NewKind().New(adapter.Config{Spec: providerSpec(e.srv.URL, e.prefix),
		Credentials: map[string][]byte{"username": []byte(email), "password": []byte(password)},
		HTTPClient:  httpapi.NewHTTPClient(5*time.Second, nil)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func providerSpec(url, prefix string) *v1alpha1.AccountProviderSpec {
	return &v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{URL: v1alpha1.HTTPSURL(url),
		PathPrefix: prefix, CredentialsSecretRef: v1alpha1.SecretReference{Name: "ccm-admin", Namespace: "ops"}}}
}

// record keeps the JSON bodies of POST and PATCH calls under /accounts, and
// passes answers through e.rewrite when it is set.
func (e *env) record(next http.Handler) http.Handler {
	return e.rewritten(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodPost || r.Method == http.MethodPatch) && strings.Contains(r.URL.Path, "/accounts") {
			raw, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(raw))
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			e.mu.Lock()
			e.sent = append(e.sent, sent{r.Method, r.URL.Path, m})
			e.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	}))
}

// rewritten lets a test change an answer's body (e.rewrite: path, body).
func (e *env) rewritten(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		rewrite := e.rewrite
		e.mu.Unlock()
		if rewrite == nil {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rewrite(r.Method+" "+r.URL.Path, rec.Body.Bytes()))
	})
}

// last returns the last recorded body of a method.
func (e *env) last(t *testing.T, method string) map[string]any {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := len(e.sent) - 1; i >= 0; i-- {
		if e.sent[i].method == method {
			return e.sent[i].body
		}
	}
	t.Fatalf("no %s was sent", method)
	return nil
}

// calls counts upstream calls per operation made while f runs.
func (e *env) calls(f func()) map[string]int {
	e.sb.Faults().ResetCalls()
	f()
	return e.sb.Faults().Calls()
}

// raw is a separate upstream client, for changes behind the provider's back.
func (e *env) raw(t *testing.T) *ccmapi.Client {
	t.Helper()
	c, err := ccmapi.New(ccmapi.Config{BaseURL: e.srv.URL, Username: adminEmail, Password: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// upstream reads an account as the sandbox stores it, through a separate client.
func (e *env) upstream(t *testing.T, id string) *ccmapi.Account {
	t.Helper()
	a, err := e.raw(t).GetAccount(context.Background(), id, false)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fullSpec uses every spec.ccm field; its Secrets and ConfigMap are in e.res.
func (e *env) fullSpec() *v1alpha1.CCMAccountSpec {
	e.res.setConfigMap("logos", "team.png", pngLogo)
	e.res.setSecret("okta", "clientSecret", []byte(oauthSecret))
	e.res.setSecret("idp-tls", "ca.crt", caPEM)
	e.res.setSecret("idp-tls", "tls.crt", certPEM)
	e.res.setSecret("idp-tls", "tls.key", []byte(tlsKey))
	e.res.setSecret("azure", "clientSecret", []byte(oauthSecret+"-azure"))
	no := false
	return &v1alpha1.CCMAccountSpec{
		CustomLogo: &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logos", Key: "team.png"}},
		AuthConfigs: []v1alpha1.CCMAuthConfig{
			{Password: &v1alpha1.CCMPasswordAuth{Require2FA: true, AdministratorsOnly: false}},
			{OAuth: oauth("Okta", "okta", v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSRequired, ValidateHostname: &no,
				PinnedCARefs:  []v1alpha1.SecretKeySelector{{Name: "idp-tls", Key: "ca.crt"}},
				ClientCertRef: &v1alpha1.SecretKeySelector{Name: "idp-tls", Key: "tls.crt"},
				ClientKeyRef:  &v1alpha1.SecretKeySelector{Name: "idp-tls", Key: "tls.key"}})},
			{ClusterAuthRef: &v1alpha1.CCMClusterAuthRef{TargetID: "target-1"}},
			{OAuth: oauth("Azure", "azure", v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSRequired, CASet: "GlobalRoots"})},
		},
		NodeEnrollment:      v1alpha1.CCMNodeEnrollment{AttestationEnforcementDisabledInsecure: true},
		Component:           "CONFIDENTIAL_AI",
		AzureCVMPCRPriority: reversedPCR(),
	}
}

func oauth(name, secret string, tls v1alpha1.CCMTLSConfig) *v1alpha1.CCMOAuthConfig {
	return &v1alpha1.CCMOAuthConfig{IDPName: name, IDPIconURL: "https://idp.example.com/icon.png",
		AuthorizationEndpoint: "https://idp.example.com/authorize", TokenEndpoint: "https://idp.example.com/token",
		UserinfoEndpoint: "https://idp.example.com/userinfo", RequiresBasicAuth: true, ClientID: name + "-client",
		ClientSecretRef: v1alpha1.SecretKeySelector{Name: v1alpha1.ObjectName(secret), Key: "clientSecret"}, TLS: tls}
}

func reversedPCR() []int32 {
	out := make([]int32, 23)
	for i := range out {
		out[i] = int32(22 - i)
	}
	return out
}

func account(name string, spec *v1alpha1.CCMAccountSpec) *v1alpha1.Account {
	return &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: name},
		Spec: v1alpha1.AccountSpec{CCM: spec}}
}

func (e *env) req(a *v1alpha1.Account) *adapter.Request {
	return &adapter.Request{Account: a, Connection: map[string][]byte{}, Resolve: e.res}
}

// create runs Create and records the result in the Account, as the controller does.
func (e *env) create(t *testing.T, a *v1alpha1.Account) adapter.Creation {
	t.Helper()
	c, err := e.prov.Create(context.Background(), e.req(a))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	a.Status.AccountID, a.Status.State = c.ID, c.State
	if c.Status != nil {
		c.Status(&a.Status)
	}
	return c
}

// observe runs Observe and records its status, as the controller does.
func (e *env) observe(t *testing.T, a *v1alpha1.Account) adapter.Observation {
	t.Helper()
	o, err := e.prov.Observe(context.Background(), e.req(a))
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	if o.Status != nil {
		o.Status(&a.Status)
	}
	return o
}

// update runs Update and records its status, as the controller does.
func (e *env) update(t *testing.T, a *v1alpha1.Account, o adapter.Observation) {
	t.Helper()
	u, err := e.prov.Update(context.Background(), e.req(a), o)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if u.Status != nil {
		u.Status(&a.Status)
	}
}

// converge observes and updates until up to date, at most n rounds.
func (e *env) converge(t *testing.T, a *v1alpha1.Account, n int) {
	t.Helper()
	for range n {
		o := e.observe(t, a)
		if o.UpToDate {
			return
		}
		e.update(t, a, o)
	}
	t.Fatalf("not up to date after %d rounds", n)
}
