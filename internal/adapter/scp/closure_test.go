package scp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

var closureEnds = []scpsandbox.ClosureEnd{scpsandbox.ClosureGone, scpsandbox.ClosureSuspended}

// Whatever an accepted close ends in (404, or SUSPENDED for good), the delete
// finishes with exactly one DELETE, also right after the create (the account
// was never observed, so it is still marked provisioning).
func TestDeleteUnderEveryClosureEnd(t *testing.T) {
	for _, end := range closureEnds {
		for _, observed := range []bool{true, false} {
			t.Run(string(end)+map[bool]string{true: "/observed", false: "/fresh"}[observed], func(t *testing.T) {
				f := newFixture(t, scpsandbox.Options{ClosureDelay: asyncDelay, ClosedAccounts: end})
				a := newAccount("bye")
				create(t, f, a)
				if observed {
					observe(t, f, a)
				}
				eventually(t, "the delete to finish", func() bool {
					done, err := f.prov.Delete(context.Background(), request(a))
					if err != nil {
						t.Fatalf("Delete: %v", err)
					}
					return done
				})
				if n := f.calls("DeleteAccount"); n != 1 {
					t.Errorf("DeleteAccount calls = %d, want exactly 1", n)
				}
				if done, err := f.prov.Delete(context.Background(), request(a)); !done || err != nil {
					t.Errorf("Delete once done = %v, %v", done, err)
				}
				if n := f.calls("DeleteAccount"); n != 1 {
					t.Errorf("DeleteAccount calls after done = %d, want 1", n)
				}
			})
		}
	}
}

// A crash between the 204 and the status write: the restarted operator (a
// new provider, no memory) reads first and never closes again, whether it
// comes back while the account is closing or once the close has ended. Under
// the "gone" end, a 404 for an account still marked provisioning that this
// process never saw listed is waited on for at most the grace period.
func TestDeleteAfterCrashNeverClosesAgain(t *testing.T) {
	for _, end := range closureEnds {
		for _, back := range []string{"while closing", "after the close"} {
			t.Run(string(end)+"/"+back, func(t *testing.T) {
				f := newFixture(t, scpsandbox.Options{ClosureDelay: time.Minute, ClosedAccounts: end})
				a := newAccount("crashy")
				create(t, f, a)
				ctx := context.Background()
				if done, err := f.prov.Delete(ctx, request(a)); done || err != nil {
					t.Fatalf("first Delete = %v, %v", done, err)
				}
				if back == "while closing" {
					f.prov = f.build(t, f.cc.URL, testSecretKey)
					if done, err := f.prov.Delete(ctx, request(a)); done || err != nil {
						t.Fatalf("Delete while closing = %v, %v", done, err)
					}
					f.clk.Advance(time.Minute)
				} else {
					f.clk.Advance(time.Minute)
					f.prov = f.build(t, f.cc.URL, testSecretKey)
				}
				done, err := f.prov.Delete(ctx, request(a))
				waits := end == scpsandbox.ClosureGone && back == "after the close"
				if err != nil || done == waits {
					t.Fatalf("Delete after the close = %v, %v; want done %v", done, err, !waits)
				}
				f.clk.Advance(DefaultProvisioningGrace)
				if done, err := f.prov.Delete(ctx, request(a)); !done || err != nil {
					t.Fatalf("Delete at the end = %v, %v", done, err)
				}
				if n := f.calls("DeleteAccount"); n != 1 {
					t.Errorf("DeleteAccount calls = %d, want exactly 1", n)
				}
			})
		}
	}
}

// An account SUSPENDED by someone else is not closed again: the delete is
// done without a DELETE (SCP has nothing to close).
func TestDeleteSuspendedAccount(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("suspended")
	a.Status.AccountID = f.sb.CreateAccountDirect("suspended", "ou-one")
	if err := f.sb.SetAccountState(a.Status.AccountID, "SUSPENDED"); err != nil {
		t.Fatal(err)
	}
	if done, err := f.prov.Delete(context.Background(), request(a)); !done || err != nil {
		t.Fatalf("Delete = %v, %v", done, err)
	}
	if n := f.calls("DeleteAccount"); n != 0 {
		t.Errorf("DeleteAccount calls = %d, want 0", n)
	}
}

// An account closed by someone else between our read and our DELETE: the
// refusal is no error, the delete is done.
func TestDeleteRacingAnotherClose(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("raced")
	a.Status.AccountID = f.sb.CreateAccountDirect("raced", "ou-one")
	org := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			_ = f.sb.SetAccountState(a.Status.AccountID, "SUSPENDED")
		}
		f.sb.OrganizationHandler().ServeHTTP(w, r)
	}))
	t.Cleanup(org.Close)
	f.org = org
	f.prov = f.build(t, f.cc.URL, testSecretKey)
	if done, err := f.prov.Delete(context.Background(), request(a)); !done || err != nil {
		t.Fatalf("Delete = %v, %v", done, err)
	}
	if got := f.sb.Faults().Codes()["DeleteAccount"][400]; got != 1 {
		t.Errorf("the DELETE was not refused (400 answers: %d)", got)
	}
}
