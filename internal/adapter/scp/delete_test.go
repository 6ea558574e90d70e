package scp

import (
	"context"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

// Delete closes once, reports not done while PENDING_CLOSURE, then done.
func TestDeleteWaitsForClosure(t *testing.T) {
	f := newFixture(t, asyncOptions())
	ctx := context.Background()
	a := newAccount("bye")
	create(t, f, a)

	done, err := f.prov.Delete(ctx, request(a))
	if err != nil || done {
		t.Fatalf("first Delete = %v, %v; want not done", done, err)
	}
	if st := info(t, f, a.Status.AccountID).State; st != "PENDING_CLOSURE" {
		t.Fatalf("state = %s, want PENDING_CLOSURE", st)
	}
	for range 3 { // polls while closing must not delete again
		if done, err := f.prov.Delete(ctx, request(a)); err != nil || done {
			t.Fatalf("Delete while closing = %v, %v; want not done", done, err)
		}
	}
	if n := f.calls("DeleteAccount"); n != 1 {
		t.Errorf("DeleteAccount calls while closing = %d, want exactly 1", n)
	}
	eventually(t, "closure", func() bool {
		done, err := f.prov.Delete(ctx, request(a))
		if err != nil {
			t.Fatalf("Delete: %v", err)
		}
		return done
	})
	if n := f.calls("DeleteAccount"); n != 1 {
		t.Errorf("DeleteAccount calls = %d, want exactly 1", n)
	}
	if len(f.sb.Accounts()) != 0 {
		t.Errorf("sandbox still holds %+v", f.sb.Accounts())
	}
}

// With an instant closure the first Delete is already done.
func TestDeleteInstantClosure(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("instant")
	create(t, f, a)
	done, err := f.prov.Delete(context.Background(), request(a))
	if err != nil || !done {
		t.Fatalf("Delete = %v, %v; want done", done, err)
	}
}

// A missing account is done, without a delete call.
func TestDeleteMissingAccount(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("ghost")
	a.Status.AccountID = "0123456789abcdef"
	done, err := f.prov.Delete(context.Background(), request(a))
	if err != nil || !done {
		t.Fatalf("Delete = %v, %v; want done", done, err)
	}
	if n := f.calls("DeleteAccount"); n != 0 {
		t.Errorf("DeleteAccount calls = %d, want 0", n)
	}
}

// An account the organization cannot see yet is still being created: not
// done, and nothing deleted behind our back.
func TestDeleteNotYetVisible(t *testing.T) {
	opts := asyncOptions()
	opts.VisibilityDelay = time.Minute
	f := newFixture(t, opts)
	a := newAccount("early")
	create(t, f, a)
	done, err := f.prov.Delete(context.Background(), request(a))
	if err != nil || done {
		t.Fatalf("Delete = %v, %v; want not done", done, err)
	}
	if len(f.sb.Accounts()) != 1 {
		t.Error("the account vanished")
	}
}

// Upstream failures while deleting are transient, not "done".
func TestDeleteServerErrorIsTransient(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("sticky")
	create(t, f, a)
	f.sb.Faults().FailNext("DeleteAccount", 10, 500, 0)
	// The deadline cuts the client's retry backoff short (its first delay is
	// 200ms), so the test does not wait for every retry.
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	done, err := f.prov.Delete(ctx, request(a))
	if done || adapter.Classify(err) != adapter.ClassTransient {
		t.Fatalf("Delete = %v, %v; want transient error", done, err)
	}
}
