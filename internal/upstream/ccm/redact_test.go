package ccm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

// echoServer answers every call with 400 and a body that echoes the request
// headers and body, as a careless upstream might.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.HasPrefix(r.URL.Path, "/v1/sys/session/select_account/") {
			_, _ = w.Write([]byte(`{"session_info":{"subject_id":"s"}}`))
			return
		}
		if r.URL.Path == "/v1/sys/auth" && strings.HasPrefix(r.Header.Get("Authorization"), "Basic ") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"echo-token-abcdef","session_info":{"subject_id":"s",` +
				`"session_expires_at":4102444800,"session_token_expires_at":4102444800}}`))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		// Secrets first, so they survive the client's message truncation.
		if i := strings.Index(string(body), `"client_secret"`); i > 0 {
			body = body[i:]
		}
		_, _ = fmt.Fprintf(w, "bad request: %s auth=%s", body, r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSecretsNeverInErrors(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	ctx := t.Context()
	var errs []error
	collect := func(_ any, err error) {
		if err == nil {
			t.Fatal("expected an error")
		}
		errs = append(errs, err)
	}
	bad := e.client(t, func(c *Config) { c.Password = "wrong-" + adminPassword })
	collect(bad.Login(ctx))
	collect(nil, bad.Verify(ctx))
	c := e.client(t, nil)
	broken := oauthConfig(TlsConfig{}) // invalid: no TLS mode, but carries the secret
	collect(c.CreateAccount(ctx, AccountRequest{Name: "s", AuthConfigs: []AuthenticationConfig{broken}}))
	collect(c.GetAccount(ctx, "00000000-0000-4000-8000-000000000000", false))
	e.sb.Faults().FailNext("CreateAccount", 1, 500, 0)
	collect(c.CreateAccount(ctx, fullRequest("s")))

	echo, err := New(Config{BaseURL: echoServer(t).URL, Username: adminEmail, Password: adminPassword, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	collect(echo.CreateAccount(ctx, fullRequest("echoed")))
	collect(echo.UpdateAccount(ctx, "id", AccountUpdateRequest{
		ModAuthConfigs: map[string]AuthenticationConfig{"x": oauthConfig(requiredPinned())}}))

	secrets := append(e.sb.Tokens(), adminPassword, oauthSecret, "echo-token-abcdef",
		base64.StdEncoding.EncodeToString(clientKey), string(clientKey),
		base64.StdEncoding.EncodeToString([]byte(adminEmail+":"+adminPassword)))
	for _, err := range errs {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if leak := containsAny(fmt.Sprintf(verb, err), secrets...); leak != "" {
				t.Fatalf("error %q leaks a secret under %s", err, verb)
			}
		}
	}
	for _, err := range errs[len(errs)-2:] {
		if !strings.Contains(err.Error(), "[REDACTED]") || !strings.Contains(err.Error(), "client_secret") {
			t.Fatalf("echoed secrets were not scrubbed: %v", err)
		}
	}
}

func TestPrintingRedacts(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	if _, err := c.Login(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	sess := c.cur
	c.mu.Unlock()
	req := fullRequest("p")
	values := []any{c, c.cfg, *c.cfg, sess, *sess, req, &req, req.AuthConfigs[5].Oauth, *req.AuthConfigs[5].Oauth,
		req.AuthConfigs[5].Oauth.TLS.Required, req.AuthConfigs[5], req.AuthConfigs, WireSecret(oauthSecret), SecretBytes(clientKey)}
	secrets := append(e.sb.Tokens(), adminPassword, oauthSecret, string(clientKey),
		fmt.Sprint([]byte(clientKey)), fmt.Sprintf("%x", clientKey))
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			if leak := containsAny(fmt.Sprintf(verb, v), secrets...); leak != "" {
				t.Fatalf("%s of %T leaks %q", verb, v, leak)
			}
		}
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "secret", WireSecret(oauthSecret),
		"key", SecretBytes(clientKey), "cfg", c.cfg)
	if leak := containsAny(logged.String(), secrets...); leak != "" {
		t.Fatalf("slog leaks %q: %s", leak, logged.String())
	}
}

// The wire still carries the values that printing hides.
func TestWireCarriesSecrets(t *testing.T) {
	raw, err := json.Marshal(oauthConfig(requiredPinned()))
	if err != nil {
		t.Fatal(err)
	}
	var back AuthenticationConfig
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if back.Oauth.ClientSecret.Reveal() != oauthSecret || string(back.Oauth.TLS.Required.ClientKey.Reveal()) != string(clientKey) {
		t.Fatalf("round trip lost secrets: %s", raw)
	}
	if !strings.Contains(string(raw), `"client_key":"`+base64.StdEncoding.EncodeToString(clientKey)+`"`) {
		t.Fatalf("client_key is not standard base64: %s", raw)
	}
}
