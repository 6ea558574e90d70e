package vectorcharts

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	e.sb.Faults().FailNext(OpGetAllAccounts, 1, http.StatusTooManyRequests, 1)
	start := time.Now()
	if _, err := c.GetAllAccounts(ctxT(t)); err != nil {
		t.Fatalf("GetAllAccounts after 429: %v", err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Fatalf("client waited %v, want >= ~1s (Retry-After: 1)", waited)
	}
	if n := e.calls(OpGetAllAccounts); n != 2 {
		t.Fatalf("calls = %d, want 2", n)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	e.sb.Faults().SetRateLimit(1, 1)
	start := time.Now()
	for range 2 {
		if _, err := c.GetAccount(ctxT(t), 1); err != nil {
			t.Fatalf("GetAccount under rate limit: %v", err)
		}
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Fatalf("client waited %v, want >= ~1s", waited)
	}
	if got := e.sb.Faults().Codes()[OpGetAccount]; got[429] != 1 || got[200] != 2 {
		t.Fatalf("codes = %v, want one 429 then success", got)
	}
}

func TestReadRetriedOn500(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	e.sb.Faults().FailNext(OpGetAccount, 2, 500, 0)
	if _, err := c.GetAccount(ctxT(t), 1); err != nil {
		t.Fatalf("GetAccount: %v", err)
	}
	if n := e.calls(OpGetAccount); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
	e.sb.Faults().FailNext(OpGetAccount, 10, 503, 0)
	_, err := c.GetAccount(ctxT(t), 1)
	if statusOf(t, err) != 503 || e.calls(OpGetAccount) != 3+4 {
		t.Fatalf("persistent 503: err = %v after %d calls, want 4 attempts", err, e.calls(OpGetAccount)-3)
	}
}

// TestCreatesNotRetried: a 500 on a create is returned after exactly one call.
func TestCreatesNotRetried(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	e.sb.Faults().FailNext(OpCreateAccount, 1, 500, 0)
	if _, err := c.CreateAccount(ctxT(t), CreateAccountRequest{"N", "n@x.com", "abcd"}); statusOf(t, err) != 500 {
		t.Fatalf("CreateAccount = %v, want 500", err)
	}
	if n := e.calls(OpCreateAccount); n != 1 {
		t.Fatalf("CreateAccount calls = %d, want 1", n)
	}
	res := create(t, c, "Owner", "o@x.com")
	e.sb.Faults().FailNext(OpCreateApiToken, 1, 502, 0)
	_, err := c.CreateApiToken(ctxT(t), CreateApiTokenRequest{UserID: res.User.ID, AccountID: res.Account.ID, Name: "x"})
	if statusOf(t, err) != 502 || e.calls(OpCreateApiToken) != 1 {
		t.Fatalf("CreateApiToken = %v after %d calls, want one 502", err, e.calls(OpCreateApiToken))
	}
}

// TestCommitThenFail: the create happened although the client saw a 500, not
// retried; the whole account (user and token too) is there to adopt.
func TestCommitThenFail(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	e.sb.Faults().Add(fault.Rule{Operation: OpCreateAccount, Count: 1, Status: 500, Mode: fault.CommitThenFail})
	_, err := c.CreateAccount(ctxT(t), CreateAccountRequest{"Ghost", "ghost@x.com", "abcd"})
	if statusOf(t, err) != 500 || e.calls(OpCreateAccount) != 1 {
		t.Fatalf("CreateAccount = %v after %d calls", err, e.calls(OpCreateAccount))
	}
	assertAdoptable(t, e, c, "ghost@x.com")
	// Deletes are retried: a retried delete after a committed one is harmless
	// (here the portal starts a second job, the default RepeatDelete variant).
	u, _, _ := c.FindUserByUsername(ctxT(t), "ghost@x.com")
	e.sb.Faults().Add(fault.Rule{Operation: OpDeleteAccount, Count: 1, Status: 500, Mode: fault.CommitThenFail})
	jobID, err := c.DeleteAccount(ctxT(t), u.AccountID)
	jobs := e.sb.Jobs()
	if err != nil || e.calls(OpDeleteAccount) != 2 || len(jobs) != 2 || jobID != jobs[0].ID {
		t.Fatalf("retried delete = %q, %v after %d calls, jobs %+v", jobID, err, e.calls(OpDeleteAccount), jobs)
	}
}

func TestCommitThenDrop(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	e.sb.Faults().Add(fault.Rule{Operation: OpCreateAccount, Count: 1, Mode: fault.CommitThenDrop})
	_, err := c.CreateAccount(ctxT(t), CreateAccountRequest{"Dropped", "drop@x.com", "abcd"})
	if err == nil || statusOf(t, err) != 0 || !httpapi.Retryable(err) || e.calls(OpCreateAccount) != 1 {
		t.Fatalf("CreateAccount = %v after %d calls, want one transport error", err, e.calls(OpCreateAccount))
	}
	assertAdoptable(t, e, c, "drop@x.com")
}

// assertAdoptable checks that exactly one account with one user and one token
// exists for username and that the client can find it by username.
func assertAdoptable(t *testing.T, e *env, c *Client, username string) {
	t.Helper()
	a, found := e.sb.AccountByUsername(username)
	if !found || len(a.Users) != 1 || a.TokenCount != 1 || len(e.sb.Accounts()) != 2 {
		t.Fatalf("sandbox after commit: %+v found=%v, %d accounts", a, found, len(e.sb.Accounts()))
	}
	u, found, err := c.FindUserByUsername(ctxT(t), username)
	if err != nil || !found || u.AccountID != a.ID {
		t.Fatalf("adopt by username = %+v, %v, %v", u, found, err)
	}
	if toks := e.sb.TokensFor(a.ID); len(toks) != 1 || e.bearerWorks(t, httpapi.Secret(toks[0])) != 200 {
		t.Fatalf("token of adopted account: %d tokens", len(toks))
	}
}

func TestTimeout(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, func(cfg *Config) {
		cfg.HTTPClient = httpapi.NewHTTPClient(100*time.Millisecond, nil)
		cfg.MaxRetries = -1
	})
	e.sb.Faults().SetLatency(fault.Latency{Fixed: 2 * time.Second})
	start := time.Now()
	_, err := c.GetAllAccounts(ctxT(t))
	if err == nil || statusOf(t, err) != 0 || !httpapi.Retryable(err) {
		t.Fatalf("err = %v, want a transport timeout", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("timeout took %v", took)
	}
}

func TestMalformedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/createAccount"):
			_, _ = w.Write([]byte(`{"account":{"id":"not-a-number"}}`))
		case strings.HasSuffix(r.URL.Path, "/getApiTokens"):
			_, _ = w.Write([]byte(`{"id":"tok"}`))
		default:
			_, _ = w.Write([]byte(`<html>oops`))
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, Token: adminToken})
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{}
	_, errs["create"] = c.CreateAccount(ctxT(t), CreateAccountRequest{"N", "n@x.com", "abcd"})
	_, errs["get"] = c.GetAccount(ctxT(t), 1)
	_, errs["users"] = c.GetAllUsers(ctxT(t))
	_, errs["jobs"] = c.ListJobs(ctxT(t), ListJobsOptions{})
	for name, err := range errs {
		var he *httpapi.Error
		if !errors.As(err, &he) || he.StatusCode != http.StatusOK || !strings.Contains(err.Error(), "malformed") || httpapi.Retryable(err) {
			t.Errorf("%s: err = %v, want a non-retryable malformed-body error", name, err)
		}
	}
}

// TestTooManyRequests: a 429 with or without Retry-After. Reads are retried,
// waiting what Retry-After says (else backing off); a create is never retried
// by the client, and its error carries the wait for the caller.
func TestTooManyRequests(t *testing.T) {
	for _, retryAfter := range []int{1, 0} {
		t.Run(fmt.Sprintf("Retry-After %d", retryAfter), func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.client(t, adminToken, nil)
			e.sb.Faults().FailNext(OpGetAllUsers, 2, http.StatusTooManyRequests, retryAfter)
			start := time.Now()
			if _, err := c.GetAllUsers(ctxT(t)); err != nil || e.calls(OpGetAllUsers) != 3 {
				t.Fatalf("GetAllUsers = %v after %d calls, want success on the third", err, e.calls(OpGetAllUsers))
			}
			if waited := time.Since(start); retryAfter > 0 && waited < 1900*time.Millisecond {
				t.Fatalf("waited %v, want two Retry-After waits of 1s", waited)
			}
			e.sb.Faults().FailNext(OpCreateAccount, 1, http.StatusTooManyRequests, retryAfter)
			_, err := c.CreateAccount(ctxT(t), CreateAccountRequest{"N", "n@x.com", "abcd"})
			var he *httpapi.Error
			if !errors.As(err, &he) || he.StatusCode != http.StatusTooManyRequests || !httpapi.Retryable(err) ||
				he.RetryAfter != time.Duration(retryAfter)*time.Second || e.calls(OpCreateAccount) != 1 {
				t.Fatalf("CreateAccount = %v after %d calls, want one 429 carrying Retry-After", err, e.calls(OpCreateAccount))
			}
			if len(e.sb.Accounts()) != 1 {
				t.Fatalf("a refused create made an account: %+v", e.sb.Accounts())
			}
		})
	}
}
