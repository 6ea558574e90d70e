package scp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

// Organization states: the reference lists ACTIVE, SUSPENDED and
// PENDING_CLOSURE; Samsung's Terraform provider also knows PENDING and
// RUNNING (provisioning) and CREATE_FAILED (a failure). Anything else is not
// ready, and the message names it.
func TestObserveOrganizationStates(t *testing.T) {
	for _, tc := range []struct {
		state                  string
		ready, pending, failed bool
		reason, msg            string
	}{
		{state: "ACTIVE", ready: true},
		{state: "PENDING", pending: true, msg: "being provisioned (organization state PENDING)"},
		{state: "RUNNING", pending: true, msg: "being provisioned (organization state RUNNING)"},
		{state: "CREATE_FAILED", failed: true, msg: "creating the account failed (organization state CREATE_FAILED)"},
		{state: "SUSPENDED", reason: v1alpha1.ReasonSuspendedUpstream, msg: "SUSPENDED upstream, and this operator did not close it"},
		{state: "FROZEN", msg: `in state "FROZEN" upstream, which this operator does not know`},
	} {
		t.Run(tc.state, func(t *testing.T) {
			f := newFixture(t, scpsandbox.Options{})
			a := newAccount("stateful")
			a.Status.AccountID = f.sb.CreateAccountDirect("stateful", "ou-one")
			if err := f.sb.SetAccountState(a.Status.AccountID, tc.state); err != nil {
				t.Fatal(err)
			}
			obs := observe(t, f, a)
			if !obs.Exists || (obs.Readiness == adapter.Ready) != tc.ready || (obs.Readiness == adapter.Provisioning) != tc.pending || (obs.Readiness == adapter.Failed) != tc.failed ||
				obs.Reason != tc.reason || obs.State != tc.state {
				t.Fatalf("observation %+v", obs)
			}
			if !strings.Contains(obs.Message, tc.msg) {
				t.Errorf("Message = %q, want it to contain %q", obs.Message, tc.msg)
			}
		})
	}
}

// Found SUSPENDED: not ready, and nothing is written upstream, however often
// it is polled.
func TestObserveSuspendedWritesNothing(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("frozen")
	create(t, f, a)
	observe(t, f, a)
	if err := f.sb.SetAccountState(a.Status.AccountID, "SUSPENDED"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if obs := observe(t, f, a); !obs.Exists || (obs.Readiness == adapter.Ready) || obs.Reason != v1alpha1.ReasonSuspendedUpstream {
			t.Fatalf("observation %+v", obs)
		}
	}
	calls := f.sb.Faults().Calls()
	for _, op := range []string{"CreateAccount", "DeleteAccount", "MoveAccount"} {
		if want := map[string]int{"CreateAccount": 1}[op]; calls[op] != want {
			t.Errorf("%s calls = %d, want %d", op, calls[op], want)
		}
	}
}

// The organization may report PENDING or RUNNING while Cloud Control
// registers the account, and CREATE_FAILED when that fails.
func TestObserveProvisioningStateVariant(t *testing.T) {
	for _, st := range []string{scpsandbox.StatePending, scpsandbox.StateRunning} {
		t.Run(st, func(t *testing.T) {
			f := newFixture(t, scpsandbox.Options{ProvisioningState: st, RegistrationDelay: time.Minute})
			f.sb.FailRegistration("doomed")
			ok, doomed := newAccount("fine"), newAccount("doomed")
			create(t, f, ok)
			create(t, f, doomed)
			for _, a := range []*v1alpha1.Account{ok, doomed} {
				if obs := observe(t, f, a); !(obs.Readiness == adapter.Provisioning) || (obs.Readiness == adapter.Ready) || !strings.Contains(obs.Message, st) {
					t.Fatalf("while registering: %+v", obs)
				}
			}
			f.clk.Advance(time.Minute)
			if obs := observe(t, f, ok); !(obs.Readiness == adapter.Ready) {
				t.Errorf("registered: %+v", obs)
			}
			obs := observe(t, f, doomed)
			if !(obs.Readiness == adapter.Failed) || !strings.Contains(obs.Message, "CREATE_FAILED") {
				t.Errorf("failed: %+v", obs)
			}
		})
	}
}

// A 404 for an account closed behind our back while we are not deleting it,
// and PENDING_CLOSURE, are not mistaken for provisioning once it was seen.
func TestObserveClosedBehindOurBack(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{ClosureDelay: time.Minute, ClosedAccounts: scpsandbox.ClosureSuspended})
	a := newAccount("closed")
	create(t, f, a)
	observe(t, f, a)
	if _, err := f.prov.Delete(context.Background(), request(a)); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Minute)
	obs := observe(t, f, a)
	if !obs.Exists || (obs.Readiness == adapter.Ready) || obs.Reason != v1alpha1.ReasonSuspendedUpstream {
		t.Fatalf("closed and kept as SUSPENDED: %+v", obs)
	}
}
