package scp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

func TestObserveRegisteringThenReady(t *testing.T) {
	f := newFixture(t, asyncOptions())
	a := newAccount("async")
	c := create(t, f, a)

	obs := observe(t, f, a)
	if !obs.Exists || (obs.Readiness == adapter.Ready) || !(obs.Readiness == adapter.Provisioning) || (obs.Readiness == adapter.Failed) || !obs.UpToDate {
		t.Fatalf("while registering: %+v", obs)
	}
	if want := "registration in progress (job " + c.JobID + ")"; obs.Message != want {
		t.Errorf("Message = %q, want %q", obs.Message, want)
	}
	if obs.State != "ACTIVE" || a.Status.SCP.RegistrationStatus != "REGISTERING" {
		t.Errorf("State = %q, status.scp = %+v", obs.State, a.Status.SCP)
	}
	if string(obs.Details["accountID"]) != c.ID || string(obs.Details["jobID"]) != c.JobID {
		t.Errorf("Details = %q", obs.Details)
	}

	eventually(t, "REGISTERED", func() bool { return (observe(t, f, a).Readiness == adapter.Ready) })
	obs = observe(t, f, a)
	if (obs.Readiness == adapter.Provisioning) || (obs.Readiness == adapter.Failed) || obs.Message != "" || !obs.UpToDate {
		t.Errorf("when registered: %+v", obs)
	}
	want := v1alpha1.SCPAccountStatus{RegistrationStatus: "REGISTERED", ParentUnitID: "ou-one"}
	if *a.Status.SCP != want {
		t.Errorf("status.scp = %+v, want %+v", *a.Status.SCP, want)
	}

	// Registration is final once recorded: a poll reads the organization
	// account only, one call.
	before := f.sb.Faults().Calls()
	if obs = observe(t, f, a); !(obs.Readiness == adapter.Ready) || *a.Status.SCP != want {
		t.Errorf("poll after registration: %+v, status.scp %+v", obs, *a.Status.SCP)
	}
	after := f.sb.Faults().Calls()
	if d := after["GetBaselineAssignment"] - before["GetBaselineAssignment"]; d != 0 {
		t.Errorf("a poll after registration read the baseline assignment %d times", d)
	}
	if d := after["GetAccount"] - before["GetAccount"]; d != 1 {
		t.Errorf("a poll made %d organization reads, want 1", d)
	}
}

func TestObserveRegistrationFailed(t *testing.T) {
	f := newFixture(t, asyncOptions())
	f.sb.FailRegistration("doomed")
	a := newAccount("doomed")
	create(t, f, a)
	eventually(t, "REGISTRATION_FAILED", func() bool { return (observe(t, f, a).Readiness == adapter.Failed) })
	obs := observe(t, f, a)
	if (obs.Readiness == adapter.Ready) || !obs.Exists {
		t.Errorf("failed registration: %+v", obs)
	}
	if !strings.Contains(obs.Message, "REGISTRATION_FAILED") || !strings.Contains(obs.Message, a.Status.JobID) {
		t.Errorf("Message = %q, want the upstream status and the job", obs.Message)
	}
	if a.Status.SCP.RegistrationStatus != "REGISTRATION_FAILED" {
		t.Errorf("status.scp = %+v", a.Status.SCP)
	}
}

func TestObserveParentDriftAndUpdate(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("drifty")
	create(t, f, a)
	if err := f.sb.SetParentUnit(a.Status.AccountID, "ou-elsewhere"); err != nil {
		t.Fatal(err)
	}
	obs := observe(t, f, a)
	if obs.UpToDate || !slices.Equal(obs.Drift, []string{"spec.scp.parentUnitID"}) || !(obs.Readiness == adapter.Ready) {
		t.Fatalf("after drift: %+v", obs)
	}
	if a.Status.SCP.ParentUnitID != "ou-elsewhere" {
		t.Errorf("status.scp.parentUnitID = %q, want the upstream's", a.Status.SCP.ParentUnitID)
	}

	f.sb.Faults().ResetCalls()
	u, err := f.prov.Update(context.Background(), request(a), obs)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if n := f.calls("MoveAccount"); n != 1 {
		t.Errorf("MoveAccount calls = %d, want exactly 1", n)
	}
	u.Status(&a.Status)
	if a.Status.SCP.ParentUnitID != "ou-one" || a.Status.SCP.RegistrationStatus != "REGISTERED" {
		t.Errorf("status.scp after update = %+v", a.Status.SCP)
	}
	if got := info(t, f, a.Status.AccountID).ParentUnitID; got != "ou-one" {
		t.Errorf("upstream parent = %q, want ou-one", got)
	}
	if obs := observe(t, f, a); !obs.UpToDate || len(obs.Drift) != 0 {
		t.Errorf("after update: %+v", obs)
	}
}

// SCP answers 200 with failed_ids when it refuses a move; that is terminal.
func TestUpdateRefusedMoveIsTerminal(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("stuck")
	create(t, f, a)
	a.Spec.SCP.ParentUnitID = "not-an-ou"
	_, err := f.prov.Update(context.Background(), request(a), observe(t, f, a))
	var te *adapter.Error
	if !errors.As(err, &te) || !strings.HasPrefix(te.Message, "spec.scp.parentUnitID") {
		t.Fatalf("Update = %v, want a terminal error naming spec.scp.parentUnitID", err)
	}
}

// Once the organization has listed the account, a 404 means gone, at once.
func TestObserveGoneAccount(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("vanished")
	create(t, f, a)
	if obs := observe(t, f, a); !(obs.Readiness == adapter.Ready) {
		t.Fatalf("before: %+v", obs)
	}
	if err := f.sb.DeleteAccountDirect(a.Status.AccountID); err != nil {
		t.Fatal(err)
	}
	if obs := observe(t, f, a); obs.Exists {
		t.Errorf("Observe of a deleted account: %+v", obs)
	}
}

// Closed behind our back: gone, unless we are the ones deleting it.
func TestObservePendingClosure(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{ClosureDelay: time.Minute})
	a := newAccount("closing")
	create(t, f, a)
	if done, err := f.prov.Delete(context.Background(), request(a)); err != nil || done {
		t.Fatalf("Delete = %v, %v", done, err)
	}
	if obs := observe(t, f, a); obs.Exists || obs.State != "PENDING_CLOSURE" {
		t.Errorf("PENDING_CLOSURE while not deleting: %+v", obs)
	}
	a.DeletionTimestamp = &metav1.Time{Time: time.Now()}
	if obs := observe(t, f, a); !obs.Exists || (obs.Readiness == adapter.Ready) {
		t.Errorf("PENDING_CLOSURE while deleting: %+v", obs)
	}
}

// Right after the create the organization may not show the account yet.
func TestObserveNotYetVisibleIsPending(t *testing.T) {
	opts := asyncOptions()
	opts.VisibilityDelay = time.Minute
	f := newFixture(t, opts)
	a := newAccount("shy")
	create(t, f, a)
	obs := observe(t, f, a)
	if !obs.Exists || !(obs.Readiness == adapter.Provisioning) || (obs.Readiness == adapter.Ready) {
		t.Errorf("not yet visible: %+v", obs)
	}
	if !strings.HasPrefix(obs.Message, "registration in progress (job "+a.Status.JobID+")") {
		t.Errorf("Message = %q", obs.Message)
	}
}

// An adopted account Cloud Control does not manage is ready when ACTIVE, and
// not ready when SUSPENDED.
func TestObserveWithoutBaselineAssignment(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("adopted")
	a.Status.AccountID = f.sb.CreateAccountDirect("adopted", "ou-one")
	// A Cloud Control that lists no baseline assignment for the account.
	cc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"baseline_assignments":[]}`))
	}))
	t.Cleanup(cc.Close)
	f.prov = f.build(t, cc.URL, testSecretKey)
	if obs := observe(t, f, a); !(obs.Readiness == adapter.Ready) || (obs.Readiness == adapter.Provisioning) || a.Status.SCP.RegistrationStatus != "" {
		t.Errorf("ACTIVE without assignment: %+v, status.scp %+v", obs, a.Status.SCP)
	}
	if err := f.sb.SetAccountState(a.Status.AccountID, "SUSPENDED"); err != nil {
		t.Fatal(err)
	}
	if obs := observe(t, f, a); (obs.Readiness == adapter.Ready) || obs.State != "SUSPENDED" || !strings.Contains(obs.Message, "SUSPENDED") {
		t.Errorf("SUSPENDED: %+v", obs)
	}
}
