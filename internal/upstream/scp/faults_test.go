package scp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// A read that gets 500s is retried, and every attempt is signed afresh.
func TestReadRetriedWithFreshSignature(t *testing.T) {
	f := newFixture(t)
	f.clk.step = time.Second // each signature sees a later clock
	id := f.sb.CreateAccountDirect("team-a", "ou-1")
	f.sb.Faults().FailNext("GetAccount", 2, 500, 0)
	a, err := f.client.GetAccount(context.Background(), id)
	if err != nil || a.ID != id {
		t.Fatalf("%+v %v", a, err)
	}
	if n := f.sb.Faults().Calls()["GetAccount"]; n != 3 {
		t.Fatalf("GetAccount called %d times, want 3", n)
	}
	seen := map[string]bool{}
	for _, r := range f.rec.requests() {
		seen[r.Header.Get("Scp-Timestamp")+" "+r.Header.Get("Scp-Signature")] = true
	}
	if len(seen) != 3 {
		t.Fatalf("%d distinct timestamp/signature pairs over 3 attempts", len(seen))
	}
}

// A retry after a long wait must not reuse a signature that went stale.
func TestRetryAfterClockMovedPastSkew(t *testing.T) {
	f := newFixture(t)
	id := f.sb.CreateAccountDirect("team-a", "ou-1")
	f.sb.Faults().FailNext("GetAccount", 1, 503, 0)
	f.rec.tamper = func(*http.Request) { f.clk.Advance(3 * time.Minute) } // 6 minutes over two attempts
	if _, err := f.client.GetAccount(context.Background(), id); err != nil {
		t.Fatalf("retry reused a stale signature: %v", err)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.sb.CreateAccountDirect("team-a", "ou-1")
	f.sb.Faults().FailNext("GetAccount", 1, 429, 1)
	start := time.Now()
	if _, err := f.client.GetAccount(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Fatalf("retried after %v, Retry-After was 1s", waited)
	}
}

func TestRateLimitKnob(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.sb.Faults().SetRateLimit(1, 1)
	ctx := context.Background()
	start := time.Now()
	for range 2 {
		if err := f.client.Verify(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Fatalf("second call done after %v despite 429 Retry-After: 1", waited)
	}
	if n := f.sb.Faults().Codes()["ListAccounts"][429]; n < 1 {
		t.Fatal("no 429 answered")
	}
}

// A 429 on a create is not retried either: the caller decides.
func TestCreate429NotRetried(t *testing.T) {
	f := newFixture(t)
	f.sb.Faults().FailNext("CreateAccount", 1, 429, 7)
	_, err := f.client.CreateAccount(context.Background(), createReq("team-a"))
	e := statusOf(t, err)
	if e.StatusCode != 429 || e.RetryAfter != 7*time.Second || f.sb.Faults().Calls()["CreateAccount"] != 1 {
		t.Fatalf("error %+v", e)
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(_ *scpsandbox.Options, c *Config) {
		c.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond}
		c.MaxRetries = 1
	})
	f.sb.Faults().SetLatency(fault.Latency{Fixed: 400 * time.Millisecond})
	ctx := context.Background()
	_, err := f.client.GetAccount(ctx, "abc")
	if e := statusOf(t, err); e.StatusCode != 0 || !httpapi.Retryable(err) || strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("read timeout: %v", err)
	}
	_, err = f.client.CreateAccount(ctx, createReq("team-a"))
	if e := statusOf(t, err); e.StatusCode != 0 {
		t.Fatalf("create timeout: %v", err)
	}
	calls := f.sb.Faults().Calls()
	if calls["GetAccount"] != 2 || calls["CreateAccount"] != 1 {
		t.Fatalf("calls %v: the read retries once, the create never", calls)
	}
}

func TestContextCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.client.GetAccount(ctx, "abc"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

// Bodies that are not what the call needs come back as malformed errors.
func TestMalformedBodies(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		call   func(*Client) error
	}{
		{"get not json", 200, "{not json", func(c *Client) error { _, err := c.GetAccount(context.Background(), "a"); return err }},
		{"get without account", 200, `{"account":{}}`, func(c *Client) error { _, err := c.GetAccount(context.Background(), "a"); return err }},
		{"create without id", 201, `{"job_id":"j"}`, func(c *Client) error { _, err := c.CreateAccount(context.Background(), createReq("x")); return err }},
		{"list not json", 200, `<html>`, func(c *Client) error { return c.Verify(context.Background()) }},
		{"baseline wrong shape", 200, `{"baseline_assignments":{}}`, func(c *Client) error {
			_, err := c.GetBaselineAssignment(context.Background(), "a")
			return err
		}},
		{"move not json", 200, `oops`, func(c *Client) error { _, err := c.MoveAccount(context.Background(), "o", "a", "ou-1"); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := New(Config{CloudControlURL: srv.URL, OrganizationURL: srv.URL, AccessKey: "ak", SecretKey: "sk"})
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			if e := statusOf(t, err); e.StatusCode != tc.status || !strings.Contains(err.Error(), "malformed") {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// Injected faults answer plain text: the message falls back to the raw body.
func TestFaultBodyFallback(t *testing.T) {
	f := newFixture(t)
	f.sb.Faults().FailNext("GetAccount", 1, 400, 0)
	_, err := f.client.GetAccount(context.Background(), "abc")
	if e := statusOf(t, err); e.StatusCode != 400 || e.Code != "" || e.Message != "injected fault: Bad Request" {
		t.Fatalf("error %+v", e)
	}
}

func TestParseError(t *testing.T) {
	cases := []struct{ name, body, code, msg string }{
		{"string detail", `{"errors":[{"status":409,"code":"X.Dup","title":"Conflict","detail":"name taken"}]}`, "X.Dup", "name taken"},
		{"list detail", `{"errors":[{"status":400,"code":"X.Bad","detail":["a is required","b is required"]}]}`, "X.Bad", "a is required; b is required"},
		{"message only", `{"errors":[{"code":"X.M","message":"from message"}]}`, "X.M", "from message"},
		{"title only", `{"errors":[{"status":"403","title":"Forbidden"}]}`, "", "Forbidden"},
		{"two errors", `{"errors":[{"code":"A","detail":"one"},{"code":"B","detail":"two"}]}`, "A,B", "one; two"},
		{"numeric code", `{"errors":[{"code":42,"detail":"n"}]}`, "42", "n"},
		{"empty entries", `{"errors":[{}]}`, "", `{"errors":[{}]}`},
		{"empty list", `{"errors":[]}`, "", `{"errors":[]}`},
		{"other json", `{"message":"nope"}`, "", `{"message":"nope"}`},
		{"text", "Service Unavailable", "", "Service Unavailable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := parseError([]byte(tc.body))
			if code != tc.code || msg != tc.msg {
				t.Fatalf("got (%q, %q), want (%q, %q)", code, msg, tc.code, tc.msg)
			}
		})
	}
}
