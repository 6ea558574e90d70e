package ccm

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

func TestRetryAfterHonoured(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	a := mustCreate(t, c, AccountRequest{Name: "ra"})
	e.sb.Faults().FailNext("GetAccount", 1, http.StatusTooManyRequests, 1)
	start := time.Now()
	if _, err := c.GetAccount(t.Context(), a.AcctID, false); err != nil {
		t.Fatalf("GetAccount after 429: %v", err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Fatalf("retried after %v, want >= ~1s (Retry-After: 1)", waited)
	}
	if n := e.calls("GetAccount"); n != 2 {
		t.Fatalf("GetAccount calls = %d, want 2", n)
	}
}

func TestReadRetriedOn500(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	a := mustCreate(t, c, AccountRequest{Name: "r500"})
	e.sb.Faults().FailNext("GetAccount", 2, http.StatusInternalServerError, 0)
	if _, err := c.GetAccount(t.Context(), a.AcctID, false); err != nil {
		t.Fatalf("GetAccount: %v", err)
	}
	if n := e.calls("GetAccount"); n != 3 {
		t.Fatalf("GetAccount calls = %d, want 3 (two failures, one success)", n)
	}
	// Retries give up: MaxRetries 3 means 4 attempts.
	e.sb.Faults().FailNext("ListAccounts", 10, http.StatusServiceUnavailable, 0)
	_, err := c.ListAccounts(t.Context(), ListOptions{})
	wantStatus(t, err, http.StatusServiceUnavailable)
	if n := e.calls("ListAccounts"); n != 4 {
		t.Fatalf("ListAccounts calls = %d, want 4", n)
	}
}

func TestCreateNotRetried(t *testing.T) {
	tests := []struct {
		name    string
		rule    fault.Rule
		status  int  // 0: transport error
		created bool // the sandbox committed the account
	}{
		{"fail 500", fault.Rule{Operation: "CreateAccount", Count: 1, Status: 500, Mode: fault.Fail}, 500, false},
		{"429", fault.Rule{Operation: "CreateAccount", Count: 1, Status: 429, RetryAfterSeconds: 1}, 429, false},
		{"commit then fail", fault.Rule{Operation: "CreateAccount", Count: 1, Status: 502, Mode: fault.CommitThenFail}, 502, true},
		{"commit then drop", fault.Rule{Operation: "CreateAccount", Count: 1, Mode: fault.CommitThenDrop}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, ccmsandbox.Options{})
			c := e.client(t, nil)
			e.sb.Faults().Add(tt.rule)
			_, err := c.CreateAccount(t.Context(), AccountRequest{Name: "once"})
			he := wantStatus(t, err, tt.status)
			if tt.status == 429 && he.RetryAfter != time.Second {
				t.Fatalf("RetryAfter = %v", he.RetryAfter)
			}
			if n := e.calls("CreateAccount"); n != 1 {
				t.Fatalf("CreateAccount calls = %d, want exactly 1", n)
			}
			if got := len(e.sb.Accounts()); got != map[bool]int{true: 1}[tt.created] {
				t.Fatalf("sandbox holds %d accounts, created=%v", got, tt.created)
			}
			// The recovery path: look the account up by name before creating again.
			found, err := c.FindAccountByName(t.Context(), "once")
			if err != nil || (found != nil) != tt.created {
				t.Fatalf("FindAccountByName = %+v, %v", found, err)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	a := mustCreate(t, c, AccountRequest{Name: "rl"})
	e.sb.Faults().SetRateLimit(1, 1)
	if _, err := c.GetAccount(t.Context(), a.AcctID, false); err != nil {
		t.Fatalf("first GetAccount: %v", err)
	}
	_, err := c.CreateAccount(t.Context(), AccountRequest{Name: "limited"})
	if he := wantStatus(t, err, http.StatusTooManyRequests); he.RetryAfter != time.Second {
		t.Fatalf("RetryAfter = %v", he.RetryAfter)
	}
	start := time.Now()
	if _, err := c.GetAccount(t.Context(), a.AcctID, false); err != nil {
		t.Fatalf("GetAccount under rate limit: %v", err)
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Fatal("read did not wait for Retry-After")
	}
	if codes := e.sb.Faults().Codes()["GetAccount"]; codes[429] == 0 || codes[200] != 2 {
		t.Fatalf("GetAccount codes = %v", codes)
	}
}

func TestTimeout(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, func(cfg *Config) {
		cfg.HTTPClient = httpapi.NewHTTPClient(50*time.Millisecond, nil)
		cfg.MaxRetries = 1
	})
	if _, err := c.Login(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.sb.Faults().SetLatency(fault.Latency{Fixed: 300 * time.Millisecond})
	start := time.Now()
	_, err := c.ListAccounts(t.Context(), ListOptions{})
	he := wantStatus(t, err, 0)
	var te interface{ Timeout() bool }
	if !errors.As(he, &te) || !te.Timeout() {
		t.Fatalf("want a timeout error, got %v", err)
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Fatalf("took %v: the client timeout was not applied", d)
	}
	if n := e.calls("ListAccounts"); n != 2 {
		t.Fatalf("ListAccounts calls = %d, want 2 (timeouts are retried on reads)", n)
	}
}

// junkServer logs in normally but answers account calls with a broken body.
func junkServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/sys/auth", func(w http.ResponseWriter, _ *http.Request) {
		fault.WriteJSON(w, 200, map[string]any{"access_token": "tok-123456",
			"session_info": map[string]any{"subject_id": "s", "session_expires_at": 4102444800,
				"session_token_expires_at": 4102444800}})
	})
	mux.HandleFunc("/v1/accounts/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"acct_id": "x", "auth_configs": [`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestMalformedBody(t *testing.T) {
	srv := junkServer(t)
	c, err := New(Config{BaseURL: srv.URL, Username: adminEmail, Password: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAccount(t.Context(), "x", false)
	he := wantStatus(t, err, http.StatusOK)
	if he.Err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("want a malformed-body error, got %v", err)
	}
}

func TestParseError(t *testing.T) {
	tests := []struct{ body, code, msg string }{
		{"account name already exists", "", "account name already exists"},
		{`{"code": 40001, "message": "bad name"}`, "40001", "bad name"},
		{`{"error": "forbidden"}`, "", "forbidden"},
		{`{"unrelated": true}`, "", `{"unrelated": true}`},
	}
	for _, tt := range tests {
		code, msg := ParseError([]byte(tt.body))
		if code != tt.code || msg != tt.msg {
			t.Errorf("ParseError(%s) = %q, %q; want %q, %q", tt.body, code, msg, tt.code, tt.msg)
		}
	}
}
