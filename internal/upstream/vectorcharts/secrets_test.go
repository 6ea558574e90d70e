package vectorcharts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// TestSecretsNeverInErrors collects the errors of failing calls, including an
// upstream that echoes secrets back, and checks no secret value appears.
func TestSecretsNeverInErrors(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.client(t, adminToken, nil)
	res := create(t, admin, "Owner", "owner@x.com")
	const pw = httpapi.Secret("correct-horse-battery")
	const badToken = httpapi.Secret("forged-token-3141592")
	secrets := []httpapi.Secret{adminToken, userToken, badToken, pw, res.InitialToken.ID}

	var errs []error
	add := func(_ any, err error) { errs = append(errs, err) }
	add(admin.CreateAccount(ctxT(t), CreateAccountRequest{"Dup", "owner@x.com", pw}))
	add(e.client(t, badToken, nil).CreateAccount(ctxT(t), CreateAccountRequest{"N", "n@x.com", pw}))
	add(e.client(t, userToken, nil).CreateAccount(ctxT(t), CreateAccountRequest{"N", "n@x.com", pw}))
	add(e.client(t, res.InitialToken.ID, nil).GetAccount(ctxT(t), res.Account.ID))
	add(admin.GetAccount(ctxT(t), 9999))
	add(nil, e.client(t, badToken, nil).Verify(ctxT(t)))
	e.sb.Faults().FailNext(OpCreateAccount, 1, 500, 0)
	add(admin.CreateAccount(ctxT(t), CreateAccountRequest{"N", "n@x.com", pw}))
	e.sb.Faults().Add(fault.Rule{Operation: OpCreateAccount, Count: 1, Mode: fault.CommitThenDrop})
	add(admin.CreateAccount(ctxT(t), CreateAccountRequest{"N", "m@x.com", pw}))

	// An upstream that puts every secret it saw into its error body.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"error":"bad request from %s with %v","code":"%v"}`, r.Header.Get("Authorization"), body, body["password"])
	}))
	t.Cleanup(echo.Close)
	leaky, err := New(Config{BaseURL: echo.URL, Token: adminToken})
	if err != nil {
		t.Fatal(err)
	}
	add(leaky.CreateAccount(ctxT(t), CreateAccountRequest{"N", "n@x.com", pw}))
	add(leaky.GetAllAccounts(ctxT(t)))

	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d unexpectedly succeeded", i)
		}
		for _, s := range secrets {
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(text, s.Reveal()) {
					t.Errorf("call %d: error leaks a secret: %s", i, text)
				}
			}
		}
	}
	if last := errs[len(errs)-2].Error(); !strings.Contains(last, httpapi.Redacted) {
		t.Errorf("echoed password not visibly redacted: %s", last)
	}
}

// TestSecretsNeverPrinted: every fmt verb and JSON encoding of the config,
// client and results redacts the token, password and bearer ids.
func TestSecretsNeverPrinted(t *testing.T) {
	e := newEnv(t, nil)
	cfg := Config{BaseURL: e.srv.URL, Token: adminToken, MaxDelay: time.Second}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req := CreateAccountRequest{Name: "P", Username: "p@x.com", Password: "printed-password-xyz"}
	res, err := c.CreateAccount(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.CreateApiToken(ctxT(t), CreateApiTokenRequest{UserID: res.User.ID, AccountID: res.Account.ID, Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{adminToken.Reveal(), req.Password.Reveal(), res.InitialToken.ID.Reveal(), tok.ID.Reveal()}
	values := map[string]any{"config": cfg, "config ptr": &cfg, "client": c, "client value": *c, "request": req,
		"result": res, "result ptr": &res, "token": res.InitialToken, "token2": tok}
	for name, v := range values {
		jsonText, _ := json.Marshal(v)
		for _, text := range []string{fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v),
			fmt.Sprintf("%s", v), fmt.Sprintf("%q", v), string(jsonText)} {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s prints a secret: %s", name, text)
				}
			}
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", res), httpapi.Redacted) {
		t.Errorf("result does not show the redaction marker: %+v", res)
	}
}
