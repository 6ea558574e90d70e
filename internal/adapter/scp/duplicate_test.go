package scp

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

// withMarker gives the Account the write-ahead marker the controller
// persists before a create, started at t.
func withMarker(a *v1alpha1.Account, t time.Time) *v1alpha1.Account {
	a.Annotations = map[string]string{v1alpha1.AnnotationCreatePending: t.UTC().Format(time.RFC3339)}
	return a
}

// A duplicate answered 409 or 400 is AlreadyExists, naming the field taken
// (name or email), with no second account.
func TestCreateDuplicateUnderEveryStatus(t *testing.T) {
	for _, status := range []int{http.StatusConflict, http.StatusBadRequest} {
		for _, tc := range []struct{ what, field string }{{"name", "spec.displayName"}, {"email", "spec.scp.email"}} {
			t.Run(http.StatusText(status)+"/"+tc.what, func(t *testing.T) {
				f := newFixture(t, scpsandbox.Options{DuplicateStatus: status})
				owner := newAccount("owner")
				create(t, f, owner)
				dup := newAccount("intruder")
				if tc.what == "name" {
					dup.Spec.DisplayName = "owner"
				} else {
					dup.Spec.SCP.Email = owner.Spec.SCP.Email
				}
				_, err := f.prov.Create(context.Background(), request(withMarker(dup, f.clk.Now())))
				var te *adapter.Error
				if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists || !strings.HasPrefix(te.Message, tc.field+":") {
					t.Fatalf("Create = %v, want terminal AlreadyExists naming %s", err, tc.field)
				}
				if n := len(f.sb.Accounts()); n != 1 {
					t.Errorf("sandbox holds %d accounts", n)
				}
			})
		}
	}
}

// The name of a closed account SCP keeps (SUSPENDED) stays taken; the
// message says so rather than suggesting to adopt it.
func TestCreateNameOfAClosedAccount(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{ClosedAccounts: scpsandbox.ClosureSuspended})
	old := newAccount("reused")
	create(t, f, old)
	eventually(t, "the close", func() bool {
		done, err := f.prov.Delete(context.Background(), request(old))
		return err == nil && done
	})
	again := newAccount("reused")
	again.Spec.SCP.Email = "other@example.com"
	_, err := f.prov.Create(context.Background(), request(withMarker(again, f.clk.Now())))
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists || !strings.Contains(te.Message, "is closed (SUSPENDED)") {
		t.Fatalf("Create = %v", err)
	}
	if id, err := f.prov.Find(context.Background(), request(again)); id != "" || err != nil {
		t.Errorf("Find = %q, %v; a closed account is never adopted", id, err)
	}
}

// A crash right after the 201, while the organization does not list the new
// account: the retried create gets 409 for an account nobody lists. Within
// the grace period of the marker that is pending, and the account is adopted
// once listed: one account, no AlreadyExists.
func TestCreateConflictWithUnlistedAccount(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{VisibilityDelay: time.Minute})
	ctx := context.Background()
	a := withMarker(newAccount("crashed"), f.clk.Now())
	if _, err := f.prov.Create(ctx, request(a)); err != nil { // the 201 is lost
		t.Fatal(err)
	}
	if id, err := f.prov.Find(ctx, request(a)); id != "" || err != nil {
		t.Fatalf("Find while unlisted = %q, %v", id, err)
	}
	_, err := f.prov.Create(ctx, request(a))
	var pe *adapter.Error
	if !errors.As(err, &pe) || adapter.Classify(err) != adapter.ClassPending ||
		adapter.Reason(err) != v1alpha1.ReasonProvisioning || adapter.RetryAfter(err) != 10*time.Second {
		t.Fatalf("retried Create = %v, want pending", err)
	}
	f.clk.Advance(time.Minute)
	id, err := f.prov.Find(ctx, request(a))
	if err != nil || id == "" || id != f.sb.Accounts()[0].ID {
		t.Fatalf("Find once listed = %q, %v", id, err)
	}
	if n := len(f.sb.Accounts()); n != 1 {
		t.Errorf("sandbox holds %d accounts", n)
	}
}

// Past the grace period, a 409 for an account nobody lists is AlreadyExists.
func TestCreateConflictWithUnlistedAccountAfterGrace(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{VisibilityDelay: time.Hour})
	ctx := context.Background()
	a := withMarker(newAccount("ghostly"), f.clk.Now())
	if _, err := f.prov.Create(ctx, request(a)); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(DefaultProvisioningGrace)
	_, err := f.prov.Create(ctx, request(a))
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists ||
		!strings.HasPrefix(te.Message, "spec.displayName or spec.scp.email:") {
		t.Fatalf("Create = %v", err)
	}
}

// A 400 that no listed account explains is a plain rejection of the request:
// terminal at once. (Under the 400 variant, the crash-while-unlisted case
// above therefore stalls instead of waiting: a 400 body cannot be told apart.)
func TestCreateBadRequestWithoutDuplicate(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{DuplicateStatus: http.StatusBadRequest})
	a := newAccount("rejected")
	a.Spec.SCP.ParentUnitID = "ou-one"
	f.sb.Faults().FailNext("CreateAccount", 1, http.StatusBadRequest, 0)
	_, err := f.prov.Create(context.Background(), request(withMarker(a, f.clk.Now())))
	if adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != v1alpha1.ReasonUpstreamRejected {
		t.Fatalf("Create = %v, want terminal UpstreamRejected", err)
	}
}

// 429 on the create, with or without Retry-After: transient, the wait is
// passed on, and the create is not repeated by the client. Reads under the
// same throttle are retried by the client and succeed.
func TestThrottledCalls(t *testing.T) {
	for _, ra := range []int{0, 1} {
		f := newFixture(t, scpsandbox.Options{Throttle: scpsandbox.Throttle{Every: 2, RetryAfter: ra}})
		ctx := context.Background()
		if err := f.prov.Verify(ctx); err != nil { // call 1
			t.Fatal(err)
		}
		_, err := f.prov.Create(ctx, request(newAccount("throttled"))) // call 2: 429
		if adapter.Classify(err) != adapter.ClassTransient || adapter.RetryAfter(err) != time.Duration(ra)*time.Second {
			t.Fatalf("Retry-After %d: Create = %v (retry after %v)", ra, err, adapter.RetryAfter(err))
		}
		if n := f.calls("CreateAccount"); n != 1 {
			t.Errorf("CreateAccount calls = %d, want 1", n)
		}
		a := newAccount("reader")
		a.Status.AccountID = f.sb.CreateAccountDirect("reader", "ou-one")
		if obs := observe(t, f, a); !(obs.Readiness == adapter.Ready) { // one of its two reads is refused once
			t.Fatalf("Observe under throttling: %+v", obs)
		}
	}
}
