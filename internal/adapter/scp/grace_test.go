package scp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

// Right after the 201 the organization may answer 404 while Cloud Control
// already reports the registration as done: within the grace period that is
// provisioning, after it the account is gone.
func TestObserveNotVisibleWithinGrace(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{VisibilityDelay: time.Hour})
	a := newAccount("invisible")
	create(t, f, a)
	if a.Status.SCP.ProvisioningSince == nil {
		t.Fatal("the create records no provisioning mark")
	}
	obs := observe(t, f, a)
	if !obs.Exists || !(obs.Readiness == adapter.Provisioning) || (obs.Readiness == adapter.Ready) || !strings.Contains(obs.Message, "not yet visible in the organization") {
		t.Fatalf("within the grace period: %+v", obs)
	}
	if a.Status.SCP.ProvisioningSince == nil {
		t.Fatal("the mark was dropped while provisioning")
	}
	f.clk.Advance(DefaultProvisioningGrace - time.Second)
	if obs := observe(t, f, a); !obs.Exists || !(obs.Readiness == adapter.Provisioning) {
		t.Fatalf("just before the end of the grace period: %+v", obs)
	}
	f.clk.Advance(time.Second)
	if obs := observe(t, f, a); obs.Exists {
		t.Fatalf("after the grace period: %+v", obs)
	}
}

// The organization lists the account but Cloud Control lists no baseline
// assignment yet: not ready (it would be, for an account Cloud Control does
// not manage) until the assignment shows, within the grace period.
func TestObserveAssignmentAbsentWithinGrace(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{AssignmentDelay: time.Minute})
	a := newAccount("unassigned")
	create(t, f, a)
	obs := observe(t, f, a)
	if !obs.Exists || (obs.Readiness == adapter.Ready) || !(obs.Readiness == adapter.Provisioning) || !strings.Contains(obs.Message, "baseline assignment") {
		t.Fatalf("without an assignment: %+v", obs)
	}
	f.clk.Advance(time.Minute)
	if obs := observe(t, f, a); !(obs.Readiness == adapter.Ready) {
		t.Fatalf("with the assignment: %+v", obs)
	}
	if a.Status.SCP.ProvisioningSince != nil || a.Status.SCP.RegistrationStatus != "REGISTERED" {
		t.Errorf("status.scp once seen = %+v, want the mark dropped", a.Status.SCP)
	}
}

// Past the grace period an account without an assignment is taken as one
// Cloud Control does not manage, as before.
func TestObserveAssignmentAbsentAfterGrace(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{AssignmentDelay: time.Hour})
	a := newAccount("unmanaged")
	create(t, f, a)
	f.clk.Advance(DefaultProvisioningGrace)
	if obs := observe(t, f, a); !(obs.Readiness == adapter.Ready) || a.Status.SCP.ProvisioningSince != nil {
		t.Fatalf("after the grace period: %+v, status.scp %+v", obs, a.Status.SCP)
	}
}

// The grace period comes from the kind's option (main.go's flag).
func TestProvisioningGraceOption(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{VisibilityDelay: time.Hour})
	f.prov = buildWith(t, f, WithProvisioningGrace(time.Minute))
	a := newAccount("short")
	create(t, f, a)
	if obs := observe(t, f, a); !(obs.Readiness == adapter.Provisioning) {
		t.Fatalf("within a minute: %+v", obs)
	}
	f.clk.Advance(time.Minute)
	if obs := observe(t, f, a); obs.Exists {
		t.Fatalf("after a minute: %+v", obs)
	}
}

// The mark is in the status, so a restarted operator (a new provider) keeps
// waiting; an adopted account (no mark) gets no grace.
func TestGraceSurvivesRestartAndSkipsAdopted(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{VisibilityDelay: time.Hour})
	a := newAccount("restart")
	create(t, f, a)
	f.prov = f.build(t, f.cc.URL, testSecretKey)
	if obs := observe(t, f, a); !(obs.Readiness == adapter.Provisioning) {
		t.Fatalf("after a restart: %+v", obs)
	}
	adopted := newAccount("adopted")
	adopted.Status.AccountID = a.Status.AccountID
	if obs := observe(t, f, adopted); obs.Exists {
		t.Fatalf("an adopted account the organization does not list: %+v", obs)
	}
}

// A delete of an account the organization does not list yet waits for it
// (it must not leak), for at most the grace period.
func TestDeleteNotVisibleWithinGrace(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{VisibilityDelay: time.Hour})
	a := newAccount("early-bye")
	create(t, f, a)
	ctx := context.Background()
	if done, err := f.prov.Delete(ctx, request(a)); done || err != nil {
		t.Fatalf("within the grace period: %v %v", done, err)
	}
	f.clk.Advance(DefaultProvisioningGrace)
	if done, err := f.prov.Delete(ctx, request(a)); !done || err != nil {
		t.Fatalf("after the grace period: %v %v", done, err)
	}
	if n := f.calls("DeleteAccount"); n != 0 {
		t.Errorf("DeleteAccount calls = %d for an account never listed", n)
	}
}
