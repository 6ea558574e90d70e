package ccm

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// hammer runs n concurrent GetAccount calls and fails on any error.
func hammer(t *testing.T, c *Client, id string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, err := c.GetAccount(t.Context(), id, false); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent GetAccount: %v", err)
	}
}

func TestConcurrentCallsShareOneLogin(t *testing.T) {
	tests := []struct {
		name   string
		expire func(e *env)
	}{
		// The client's clock says the token is past its expiry.
		{"expired by clock", func(e *env) { e.clock.Advance(time.Hour) }},
		// The client thinks the token is fine; the server answers 401.
		{"revoked server-side", func(e *env) { e.sb.ExpireTokens() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, ccmsandbox.Options{TokenTTL: 10 * time.Minute, SessionTTL: 24 * time.Hour})
			c := e.client(t, nil)
			a := mustCreate(t, c, AccountRequest{Name: "shared"})
			if n := e.calls("Login"); n != 1 {
				t.Fatalf("logins before = %d", n)
			}
			tt.expire(e)
			hammer(t, c, a.AcctID, 100)
			if n := e.calls("Login"); n != 2 {
				t.Fatalf("100 concurrent calls with an expired token made %d logins, want exactly 1", n-1)
			}
			if n := e.calls("RefreshSession"); n != 0 {
				t.Fatalf("refreshed an expired token %d times", n)
			}
		})
	}
}

func TestRefreshBeforeExpiry(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{TokenTTL: 10 * time.Minute, SessionTTL: 24 * time.Hour})
	c := e.client(t, func(cfg *Config) { cfg.RefreshMargin = time.Minute })
	a := mustCreate(t, c, AccountRequest{Name: "r"})
	e.clock.Advance(8 * time.Minute) // before the margin: nothing to do
	hammer(t, c, a.AcctID, 10)
	if n := e.calls("RefreshSession"); n != 0 {
		t.Fatalf("refreshed %d times outside the margin", n)
	}
	e.clock.Advance(90 * time.Second) // 30s left: inside the 60s margin
	hammer(t, c, a.AcctID, 50)
	if r, l := e.calls("RefreshSession"), e.calls("Login"); r != 1 || l != 1 {
		t.Fatalf("in the margin: %d refreshes, %d logins; want 1 refresh, no new login", r, l)
	}
	e.clock.Advance(5 * time.Minute) // past the old expiry, inside the refreshed one
	hammer(t, c, a.AcctID, 10)
	if r, l := e.calls("RefreshSession"), e.calls("Login"); r != 1 || l != 1 {
		t.Fatalf("after refresh: %d refreshes, %d logins", r, l)
	}
}

func TestRefreshFallsBackToLogin(t *testing.T) {
	tests := []struct {
		name    string
		session time.Duration
		setup   func(e *env)
	}{
		{"refresh fails", 24 * time.Hour, func(e *env) { e.sb.Faults().FailNext("RefreshSession", 1, 500, 0) }},
		// The session ends with the token: refresh cannot extend it.
		{"session at its end", 10 * time.Minute, func(*env) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, ccmsandbox.Options{TokenTTL: 10 * time.Minute, SessionTTL: tt.session})
			c := e.client(t, nil)
			a := mustCreate(t, c, AccountRequest{Name: "f"})
			tt.setup(e)
			e.clock.Advance(9*time.Minute + 30*time.Second)
			hammer(t, c, a.AcctID, 20)
			if r, l := e.calls("RefreshSession"), e.calls("Login"); r != 1 || l != 2 {
				t.Fatalf("%d refreshes, %d logins; want 1 refresh then 1 new login", r, l)
			}
		})
	}
}

func TestWaiterContextDoesNotCancelSharedLogin(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	e.sb.Faults().SetLatency(fault.Latency{Fixed: 200 * time.Millisecond})
	short, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	var shortErr, longErr error
	wg.Go(func() { _, shortErr = c.ListAccounts(short, ListOptions{}) })
	time.Sleep(5 * time.Millisecond) // let the short caller start the login
	wg.Go(func() { _, longErr = c.ListAccounts(t.Context(), ListOptions{}) })
	wg.Wait()
	if shortErr == nil || longErr != nil {
		t.Fatalf("short caller err = %v, long caller err = %v", shortErr, longErr)
	}
	if n := e.calls("Login"); n != 1 {
		t.Fatalf("%d logins, want the one shared login", n)
	}
}

func TestSelectAccountBeforeScopedCalls(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	ctx := t.Context()
	a := mustCreate(t, c, AccountRequest{Name: "a"})
	b := mustCreate(t, c, AccountRequest{Name: "b"})
	steps := []struct {
		name    string
		run     func() error
		selects int // SelectAccount calls expected after the step
	}{
		{"first update selects", func() error { return rename(c, a.AcctID, "a1") }, 1},
		{"same account again does not", func() error { return rename(c, a.AcctID, "a2") }, 1},
		{"other account selects", func() error { return rename(c, b.AcctID, "b1") }, 2},
		{"explicit select", func() error { _, err := c.SelectAccount(ctx, a.AcctID); return err }, 3},
		{"update after explicit select", func() error { return rename(c, a.AcctID, "a3") }, 3},
		{"new session selects again", func() error { e.sb.ExpireTokens(); return rename(c, a.AcctID, "a4") }, 4},
		{"delete selects", func() error { return c.DeleteAccount(ctx, b.AcctID) }, 5},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if n := e.calls("SelectAccount"); n != s.selects {
			t.Fatalf("%s: %d select_account calls, want %d", s.name, n, s.selects)
		}
	}
}

// Concurrent updates of different accounts share one session whose selection
// they would overwrite; the client must serialise them.
func TestConcurrentScopedCalls(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	var ids []string
	for i := range 4 {
		ids = append(ids, mustCreate(t, c, AccountRequest{Name: fmt.Sprintf("c%d", i)}).AcctID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() { errs <- rename(c, ids[i%4], fmt.Sprintf("c%d-%d", i%4, i)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent update: %v", err)
		}
	}
}

func rename(c *Client, id, name string) error {
	_, err := c.UpdateAccount(context.Background(), id, AccountUpdateRequest{Name: name})
	return err
}

func TestEpoch(t *testing.T) {
	tests := []struct {
		in   int64
		want time.Time
	}{
		{0, time.Time{}},
		{1_800_000_000, time.Unix(1_800_000_000, 0)},
		{1_800_000_000_123, time.UnixMilli(1_800_000_000_123)},
	}
	for _, tt := range tests {
		if got := epoch(tt.in); !got.Equal(tt.want) {
			t.Errorf("epoch(%d) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
