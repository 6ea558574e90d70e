package vectorcharts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

type tokenJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	UserID     int64  `json:"userId"`
	AccountID  int64  `json:"accountId"`
	LastUsedAt *int64 `json:"lastUsedAt"`
}

func TestGetApiTokens(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("T", "t@x.com")
	for q, want := range map[string]int{"": 400, "?accountId=z": 400, "?accountId=0": 400, "?accountId=999": 404} {
		if code, _ := e.call("GET", api+"/admin/getApiTokens"+q, adminToken, nil); code != want {
			t.Errorf("getApiTokens%s = %d, want %d", q, code, want)
		}
	}
	var toks []tokenJSON
	e.callJSON("GET", fmt.Sprintf("%s/admin/getApiTokens?accountId=%d", api, c.Account.ID), adminToken, nil, 200, &toks)
	if len(toks) != 1 || toks[0].ID != c.InitialToken.ID || toks[0].LastUsedAt != nil {
		t.Fatalf("tokens = %+v", toks)
	}
	e.call("GET", api+"/apiTokens", c.InitialToken.ID, nil) // stamps lastUsedAt
	e.callJSON("GET", fmt.Sprintf("%s/admin/getApiTokens?accountId=%d", api, c.Account.ID), adminToken, nil, 200, &toks)
	if toks[0].LastUsedAt == nil {
		t.Fatal("lastUsedAt not stamped after use")
	}
}

func TestCreateApiToken(t *testing.T) {
	e := newEnv(t, nil)
	a := e.create("A", "a@x.com")
	b := e.create("B", "b@x.com")
	tests := []struct {
		name string
		body any
		want int
	}{
		{"malformed", `{"userId":`, 400},
		{"missing name", map[string]any{"userId": a.User.ID, "accountId": a.Account.ID}, 400},
		{"missing user", map[string]any{"accountId": a.Account.ID, "name": "n"}, 400},
		{"unknown account", map[string]any{"userId": a.User.ID, "accountId": 999, "name": "n"}, 404},
		{"user not in account", map[string]any{"userId": b.User.ID, "accountId": a.Account.ID, "name": "n"}, 400},
		{"unknown user", map[string]any{"userId": 999, "accountId": a.Account.ID, "name": "n"}, 400},
	}
	for _, tt := range tests {
		if code, body := e.call("POST", api+"/admin/createApiToken", adminToken, tt.body); code != tt.want {
			t.Errorf("%s: %d (%s), want %d", tt.name, code, body, tt.want)
		}
	}
	var tok tokenJSON
	e.callJSON("POST", api+"/admin/createApiToken", adminToken,
		map[string]any{"userId": a.User.ID, "accountId": a.Account.ID, "name": "reissued"}, 200, &tok)
	if tok.ID == "" || tok.ID == a.InitialToken.ID || tok.UserID != a.User.ID || tok.Name != "reissued" {
		t.Fatalf("token = %+v", tok)
	}
	var own []tokenJSON
	e.callJSON("GET", api+"/apiTokens", tok.ID, nil, 200, &own)
	if len(own) != 2 || own[1].ID != tok.ID {
		t.Fatalf("own tokens = %+v", own)
	}
	if got := e.s.TokensFor(a.Account.ID); len(got) != 2 || got[0] != a.InitialToken.ID || got[1] != tok.ID {
		t.Fatalf("TokensFor = %v", got)
	}
}

func TestRestrictedToken(t *testing.T) {
	e := newEnv(t, nil)
	a := e.create("A", "a@x.com")
	var tok tokenJSON
	e.callJSON("POST", api+"/admin/createApiToken", adminToken, map[string]any{"userId": a.User.ID,
		"accountId": a.Account.ID, "name": "web", "restrictions": map[string]any{"hosts": []string{"example.com"}}}, 200, &tok)
	for origin, want := range map[string]int{"": 401, "https://evil.com": 401, "https://example.com": 200} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+api+"/apiTokens", nil)
		req.Header.Set("Authorization", "Bearer "+tok.ID)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("origin %q: %d, want %d", origin, resp.StatusCode, want)
		}
	}
}

func TestSelfTokensAndLogin(t *testing.T) {
	e := newEnv(t, nil)
	a := e.create("A", "a@x.com")
	logins := []struct {
		body any
		want int
	}{
		{`{`, 400}, {map[string]string{"username": "a@x.com"}, 400},
		{map[string]string{"username": "a@x.com", "password": "wrong"}, 401},
		{map[string]string{"username": "nobody", "password": "pw-a@x.com"}, 401},
	}
	for _, l := range logins {
		if code, _ := e.call("POST", api+"/auth/login", "", l.body); code != l.want {
			t.Errorf("login %v = %d, want %d", l.body, code, l.want)
		}
	}
	var sess struct {
		Token struct{ ID string }
		User  struct {
			Username       string
			IsAccountOwner bool
			Account        struct{ ID int64 }
		}
	}
	e.callJSON("POST", api+"/auth/login", "", map[string]string{"username": "a@x.com", "password": "pw-a@x.com"}, 200, &sess)
	if sess.Token.ID == "" || !sess.User.IsAccountOwner || sess.User.Account.ID != a.Account.ID {
		t.Fatalf("session = %+v", sess)
	}
	var made tokenJSON
	e.callJSON("POST", api+"/apiTokens", sess.Token.ID, map[string]string{"name": "mine"}, 200, &made)
	if code, _ := e.call("POST", api+"/apiTokens", sess.Token.ID, map[string]string{}); code != 400 {
		t.Errorf("create own token without name = %d", code)
	}
	if got := e.s.TokensFor(a.Account.ID); len(got) != 2 { // session is not an API token
		t.Fatalf("TokensFor = %v", got)
	}
	// Another account's token cannot be deleted; one's own can, and then fails.
	if code, _ := e.call("DELETE", api+"/apiTokens/"+userToken, sess.Token.ID, nil); code != 404 {
		t.Errorf("delete foreign token = %d, want 404", code)
	}
	if code, _ := e.call("DELETE", api+"/apiTokens/"+made.ID, sess.Token.ID, nil); code != 204 {
		t.Errorf("delete own token = %d, want 204", code)
	}
	if code, _ := e.call("GET", api+"/apiTokens", made.ID, nil); code != 401 {
		t.Errorf("deleted token = %d, want 401", code)
	}
	if !e.s.RevokeToken(a.InitialToken.ID) {
		t.Fatal("RevokeToken")
	}
	if code, _ := e.call("GET", api+"/apiTokens", a.InitialToken.ID, nil); code != 401 {
		t.Errorf("revoked token = %d, want 401", code)
	}
}

func TestAdminHandler(t *testing.T) {
	e := newEnv(t, nil)
	e.create("Listed", "listed@x.com")
	mux := http.NewServeMux()
	mux.Handle("/admin/", http.StripPrefix("/admin", e.s.AdminHandler()))
	mux.Handle("/", e.s.Handler())
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	code, body := e.call("GET", "/admin/accounts", "", nil)
	if code != 200 || !strings.Contains(string(body), `"listed@x.com"`) || !strings.Contains(string(body), `"Listed"`) {
		t.Fatalf("GET /admin/accounts: %d %s", code, body)
	}
	if strings.Contains(string(body), "pw-listed") || strings.Contains(string(body), adminToken) {
		t.Fatalf("admin listing leaks a secret: %s", body)
	}
	e.callJSON("POST", "/admin/faults", "", map[string]any{"operation": OpGetAllAccounts, "count": 1, "status": 503, "mode": "Fail"}, 204, nil)
	if code, _ := e.call("GET", api+"/admin/getAllAccounts", adminToken, nil); code != 503 {
		t.Fatalf("fault not applied: %d", code)
	}
	var calls map[string]int
	e.callJSON("GET", "/admin/calls", "", nil, 200, &calls)
	if calls[OpGetAllAccounts] != 1 || calls[OpCreateAccount] != 1 {
		t.Fatalf("calls = %v", calls)
	}
	if code, _ := e.call("GET", "/admin/jobs", "", nil); code != 200 {
		t.Fatalf("GET /admin/jobs = %d", code)
	}
}

// TestTokensView: GET /tokens lists the API tokens that authenticate, by
// the SHA-256 of the bearer (never the bearer), marks the one createAccount
// made, and drops a token once it is revoked.
func TestTokensView(t *testing.T) {
	e := newEnv(t, nil)
	a := e.create("A", "a@x.com")
	created := e.clock.Now().UnixMilli()
	e.clock.Advance(time.Second)
	var minted tokenJSON
	e.callJSON("POST", api+"/admin/createApiToken", adminToken,
		map[string]any{"userId": a.User.ID, "accountId": a.Account.ID, "name": "account-operator-uid"}, 200, &minted)
	mux := http.NewServeMux()
	mux.Handle("/admin/", http.StripPrefix("/admin", e.s.AdminHandler()))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	hash := func(bearer string) string {
		sum := sha256.Sum256([]byte(bearer))
		return hex.EncodeToString(sum[:])
	}
	of := func() []Token {
		var all, out []Token
		e.callJSON("GET", "/admin/tokens", "", nil, 200, &all)
		for _, tok := range all {
			if tok.AccountID == a.Account.ID {
				out = append(out, tok)
			}
		}
		return out
	}
	want := []Token{{AccountID: a.Account.ID, Name: "Default", SHA256: hash(a.InitialToken.ID), Initial: true, CreatedAt: created},
		{AccountID: a.Account.ID, Name: "account-operator-uid", SHA256: hash(minted.ID), CreatedAt: created + 1000}}
	if got := of(); !slices.Equal(got, want) {
		t.Fatalf("tokens of A = %+v, want %+v", got, want)
	}
	_, raw := e.call("GET", "/admin/tokens", "", nil)
	for _, bearer := range []string{a.InitialToken.ID, minted.ID, adminToken} {
		if strings.Contains(string(raw), bearer) {
			t.Fatalf("GET /tokens shows a bearer: %s", raw)
		}
	}
	if !e.s.RevokeToken(a.InitialToken.ID) {
		t.Fatal("initial token not found to revoke")
	}
	if got := of(); !slices.Equal(got, want[1:]) {
		t.Fatalf("tokens of A after revoking the initial one = %+v, want %+v", got, want[1:])
	}
}
