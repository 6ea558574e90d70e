package ccm

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Credentials used across the tests; the secret test checks none leaks.
const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin-Pa55word-xyz"
	otherEmail    = "other@example.com"
	otherPassword = "other-Pa55word-abc"
	oauthSecret   = "oauth-client-secret-0123456789"
)

var clientKey = []byte("-----BEGIN PRIVATE KEY-----\nTESTKEYMATERIAL\n-----END PRIVATE KEY-----\n")

// fakeClock is shared by the sandbox and the client so token expiry can be
// reached without sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	sb    *ccmsandbox.Server
	srv   *httptest.Server
	clock *fakeClock
}

// newEnv starts a sandbox over loopback HTTP with two users and a fake clock.
func newEnv(t *testing.T, opts ccmsandbox.Options) *env {
	t.Helper()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	if opts.Users == nil {
		opts.Users = []ccmsandbox.User{{Email: adminEmail, Password: adminPassword},
			{Email: otherEmail, Password: otherPassword}}
	}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	sb := ccmsandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	return &env{sb: sb, srv: srv, clock: clock}
}

// client returns a client for the admin user with fast retries; mod may
// change the config.
func (e *env) client(t *testing.T, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: e.srv.URL, Username: adminEmail, Password: adminPassword,
		HTTPClient: httpapi.NewHTTPClient(5*time.Second, nil), BaseDelay: 5 * time.Millisecond,
		MaxDelay: 2 * time.Second, Now: e.clock.Now}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func (e *env) calls(op string) int { return e.sb.Faults().Calls()[op] }

// pngLogo is a minimal body that sniffs as image/png.
var pngLogo = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)

// Auth config variants, one per kind and TLS mode.
func passwordConfig(twoFA bool) AuthenticationConfig {
	return AuthenticationConfig{Password: &AuthConfigPassword{Require2FA: twoFA, AdministratorsOnly: false}}
}

func oauthConfig(tls TlsConfig) AuthenticationConfig {
	return AuthenticationConfig{Oauth: &AuthConfigOauth{IdpName: "Okta", IdpIconURL: "https://idp.example/icon.png",
		IdpAuthorizationEndpoint: "https://idp.example/authorize", IdpTokenEndpoint: "https://idp.example/token",
		IdpUserinfoEndpoint: "https://idp.example/userinfo", TLS: tls, ClientID: "client-abc",
		ClientSecret: oauthSecret}}
}

func clusterConfig() AuthenticationConfig {
	return AuthenticationConfig{ClusterAuthRef: &AuthConfigRef{TargetID: "3f1e2d4c-0000-4000-8000-000000000001"}}
}

func requiredPinned() TlsConfig {
	return TLSRequired(TlsConfigRequired{ValidateHostname: true, ClientKey: clientKey,
		ClientCert: []byte("CERT"), Ca: CaConfig{Pinned: []Binary{[]byte("PINNED-CA-1"), []byte("PINNED-CA-2")}}})
}

func requiredGlobal() TlsConfig {
	return TLSRequired(TlsConfigRequired{ValidateHostname: false, Ca: CaConfig{CaSet: CaSetGlobalRoots}})
}

// allVariants covers every auth config kind and every TLS mode.
func allVariants() []AuthenticationConfig {
	return []AuthenticationConfig{passwordConfig(true), clusterConfig(), oauthConfig(TLSDisabled()),
		oauthConfig(TLSOpportunistic()), oauthConfig(requiredGlobal()), oauthConfig(requiredPinned())}
}

func fullRequest(name string) AccountRequest {
	return AccountRequest{Name: name, CustomLogo: pngLogo, AuthConfigs: allVariants(),
		NodeEnrollment: NodeEnrollment{AttestationEnforcementDisabledInsecure: true},
		Component:      ComponentConfidential}
}

func pcrReversed() []int {
	out := make([]int, 23)
	for i := range out {
		out[i] = 22 - i
	}
	return out
}

// wantStatus fails unless err is an *httpapi.Error with the status.
func wantStatus(t *testing.T, err error, status int) *httpapi.Error {
	t.Helper()
	var e *httpapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *httpapi.Error with HTTP %d, got %v", status, err)
	}
	if e.StatusCode != status {
		t.Fatalf("want HTTP %d, got %v", status, err)
	}
	return e
}

func mustCreate(t *testing.T, c *Client, req AccountRequest) *Account {
	t.Helper()
	a, err := c.CreateAccount(t.Context(), req)
	if err != nil {
		t.Fatalf("CreateAccount(%s): %v", req.Name, err)
	}
	return a
}

func containsAny(s string, needles ...string) string {
	for _, n := range needles {
		if n != "" && strings.Contains(s, n) {
			return n
		}
	}
	return ""
}
