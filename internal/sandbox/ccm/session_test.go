package ccm

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestLogin(t *testing.T) {
	h := newHarness(t, Options{TokenTTL: 10 * time.Minute})
	tests := []struct {
		name, auth string
		status     int
	}{
		{"no credentials", "", 401},
		{"bearer instead of basic", "sometoken", 401},
		{"unknown user", "basic:nobody@x:pa", 401},
		{"wrong password", "basic:a@x:wrong", 401},
		{"ok", "basic:a@x:pa", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("POST", "/v1/sys/auth", tt.auth, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status != 200 {
				return
			}
			m := r.json(t)
			info := m["session_info"].(map[string]any)
			want := float64(h.clock.Now().Add(10 * time.Minute).Unix())
			if m["access_token"] == "" || info["session_token_expires_at"] != want || info["subject_id"] == "" {
				t.Fatalf("auth response %s", r.body)
			}
		})
	}
}

func TestBearerExpiryAndRefresh(t *testing.T) {
	h := newHarness(t, Options{TokenTTL: 10 * time.Minute, SessionTTL: 25 * time.Minute})
	tok := h.login("a@x", "pa")
	check := func(want int) {
		t.Helper()
		if r := h.do("GET", "/v1/accounts", tok, nil); r.status != want {
			t.Fatalf("list: %d, want %d (%s)", r.status, want, r.body)
		}
	}
	check(200)
	if r := h.do("GET", "/v1/accounts", "", nil); r.status != 401 {
		t.Fatalf("missing bearer: %d", r.status)
	}
	if r := h.do("GET", "/v1/accounts", "unknown", nil); r.status != 401 {
		t.Fatalf("unknown bearer: %d", r.status)
	}
	h.clock.Advance(9 * time.Minute)
	r := h.do("POST", "/v1/sys/session/refresh", tok, nil)
	got := r.json(t)["session_info"].(map[string]any)["session_token_expires_at"]
	if r.status != 200 || got != float64(h.clock.Now().Add(10*time.Minute).Unix()) {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	h.clock.Advance(9 * time.Minute) // 18m: alive thanks to the refresh
	check(200)
	r = h.do("POST", "/v1/sys/session/refresh", tok, nil) // capped at the 25m session end
	got = r.json(t)["session_info"].(map[string]any)["session_token_expires_at"]
	if got != float64(time.Unix(1_800_000_000, 0).Add(25*time.Minute).Unix()) {
		t.Fatalf("refresh past session end: %s", r.body)
	}
	h.clock.Advance(8 * time.Minute) // 26m: past the session end
	check(401)
	if r := h.do("POST", "/v1/sys/session/refresh", tok, nil); r.status != 401 {
		t.Fatalf("refresh of expired token: %d", r.status)
	}
	tok2 := h.login("a@x", "pa")
	h.s.ExpireTokens()
	if r := h.do("GET", "/v1/accounts", tok2, nil); r.status != 401 {
		t.Fatalf("after ExpireTokens: %d", r.status)
	}
	tok3 := h.login("a@x", "pa")
	if r := h.do("POST", "/v1/sys/session/terminate", tok3, nil); r.status != 204 {
		t.Fatalf("terminate: %d", r.status)
	}
	if r := h.do("GET", "/v1/accounts", tok3, nil); r.status != 401 {
		t.Fatalf("after terminate: %d", r.status)
	}
	if n := len(h.s.Tokens()); n != 2 {
		t.Fatalf("Tokens() = %d, want 2 (terminated one removed)", n)
	}
}

func TestSelectAccount(t *testing.T) {
	h := newHarness(t, Options{})
	a, b := h.login("a@x", "pa"), h.login("b@x", "pb")
	id := h.create(a, map[string]any{"name": "sel"})["acct_id"].(string)
	patch := map[string]any{"name": "sel2"}
	steps := []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		{"patch before select", "PATCH", "/v1/accounts/" + id, a, patch, 403},
		{"delete before select", "DELETE", "/v1/accounts/" + id, a, nil, 403},
		{"select unknown", "POST", "/v1/sys/session/select_account/00000000-0000-4000-8000-000000000000", a, nil, 404},
		{"non-member select", "POST", "/v1/sys/session/select_account/" + id, b, nil, 403},
		{"non-member get", "GET", "/v1/accounts/" + id, b, nil, 403},
		{"select", "POST", "/v1/sys/session/select_account/" + id, a, nil, 200},
		{"patch after select", "PATCH", "/v1/accounts/" + id, a, patch, 200},
		{"delete after select", "DELETE", "/v1/accounts/" + id, a, nil, 204},
		{"delete again", "DELETE", "/v1/accounts/" + id, a, nil, 404},
		{"get deleted", "GET", "/v1/accounts/" + id, a, nil, 404},
	}
	for _, s := range steps {
		r := h.do(s.method, s.path, s.token, s.body)
		if r.status != s.status {
			t.Fatalf("%s: %d, want %d (%s)", s.name, r.status, s.status, r.body)
		}
		if s.name == "select" {
			if r.json(t)["session_info"].(map[string]any)["selected_account_id"] != id {
				t.Fatalf("select response %s", r.body)
			}
		}
	}
}

func TestReaderCannotPatch(t *testing.T) {
	h := newHarness(t, Options{})
	a, b := h.login("a@x", "pa"), h.login("b@x", "pb")
	id := h.create(a, map[string]any{"name": "r"})["acct_id"].(string)
	h.s.AddMember(id, "b@x", "READER")
	if r := h.do("POST", "/v1/sys/session/select_account/"+id, b, nil); r.status != 200 {
		t.Fatalf("reader select: %d", r.status)
	}
	r := h.do("PATCH", "/v1/accounts/"+id, b, map[string]any{"name": "x"})
	if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "MANAGER") {
		t.Fatalf("reader patch: %d %s", r.status, r.body)
	}
	if got := h.do("GET", "/v1/accounts/"+id, b, nil).json(t)["roles"].([]any); len(got) != 1 || got[0] != "READER" {
		t.Fatalf("reader roles = %v", got)
	}
}
