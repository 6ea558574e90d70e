package scp

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

func TestCreateMapsEveryField(t *testing.T) {
	f := newFixture(t, asyncOptions())
	a := newAccount("team-a")
	a.Spec.DisplayName = "Team A"
	c := create(t, f, a)

	want := map[string]any{"name": "Team A", "landing_zone_id": "lz-1", "parent_unit_id": "ou-one",
		"email": "team-a@example.com", "sso_user_email": "sso-team-a@example.com",
		"sso_user_name": "sso-team-a", "sso_user_real_name": "Real team-a"}
	got := f.rec.lastPost()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("create body %s = %v, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("create body has %d fields, want %d: %v", len(got), len(want), got)
	}

	up := info(t, f, c.ID)
	if up.Name != "Team A" || up.ParentUnitID != "ou-one" || up.LandingZoneID != "lz-1" || up.Email != "team-a@example.com" {
		t.Errorf("sandbox account = %+v", up)
	}
	if c.JobID == "" || c.JobID != up.JobID {
		t.Errorf("JobID = %q, sandbox job %q", c.JobID, up.JobID)
	}
	if c.State != "REGISTERING" {
		t.Errorf("State = %q, want REGISTERING", c.State)
	}
	if string(c.Details["accountID"]) != c.ID || string(c.Details["jobID"]) != c.JobID {
		t.Errorf("Details = %q", c.Details)
	}
	if s := a.Status.SCP; s == nil || s.RegistrationStatus != "REGISTERING" || s.ParentUnitID != "ou-one" {
		t.Errorf("status.scp = %+v", s)
	}
	if f.calls("CreateAccount") != 1 {
		t.Errorf("CreateAccount calls = %d, want 1", f.calls("CreateAccount"))
	}
}

// Optional fields stay off the wire, and the name defaults to metadata.name.
func TestCreateMinimalAccount(t *testing.T) {
	f := newFixture(t, asyncOptions())
	a := newAccount("minimal")
	a.Spec.SCP.SSOUser = nil
	c := create(t, f, a)
	got := f.rec.lastPost()
	if len(got) != 4 || got["name"] != "minimal" || got["email"] != "minimal@example.com" {
		t.Errorf("create body = %v, want name, landing_zone_id, parent_unit_id and email only", got)
	}
	if info(t, f, c.ID).Name != "minimal" {
		t.Error("the account is not named after metadata.name")
	}
}

// Samsung's own clients never create an account without an email; an Account
// stored before the CRD required one is refused before any upstream call.
func TestCreateRequiresEmail(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	a := newAccount("no-email")
	a.Spec.SCP.Email = ""
	_, err := f.prov.Create(context.Background(), request(a))
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec || !strings.HasPrefix(te.Message, "spec.scp.email: required") {
		t.Fatalf("Create = %v, want a terminal InvalidSpec naming spec.scp.email", err)
	}
	if n := f.calls("CreateAccount"); n != 0 {
		t.Errorf("CreateAccount calls = %d, want 0", n)
	}
	// An account that exists already (adopted, or made before) is still read.
	a.Status.AccountID = f.sb.CreateAccountDirect("no-email", "ou-one")
	if obs := observe(t, f, a); !(obs.Readiness == adapter.Ready) {
		t.Errorf("Observe of an existing account without spec.scp.email: %+v", obs)
	}
}

func TestCreateDuplicateIsTerminalAlreadyExists(t *testing.T) {
	f := newFixture(t, asyncOptions())
	f.sb.CreateAccountDirect("taken", "ou-one")
	_, err := f.prov.Create(context.Background(), request(newAccount("taken")))
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists {
		t.Fatalf("Create duplicate = %v, want terminal AlreadyExists", err)
	}
	want := `spec.displayName: an upstream account named "taken" already exists in the organization; set spec.externalID to adopt it`
	if te.Message != want {
		t.Errorf("message = %q, want %q", te.Message, want)
	}
	if adapter.Classify(err) != adapter.ClassTerminal {
		t.Errorf("Classify = %v, want terminal", adapter.Classify(err))
	}
	if n := len(f.sb.Accounts()); n != 1 {
		t.Errorf("sandbox holds %d accounts, want 1", n)
	}
}

// A 404 from the factory is an unknown landing zone or unit: a spec error,
// not a missing account.
func TestCreateUnknownLandingZoneIsInvalidSpec(t *testing.T) {
	opts := asyncOptions()
	opts.LandingZoneIDs = []string{"lz-other"}
	f := newFixture(t, opts)
	_, err := f.prov.Create(context.Background(), request(newAccount("no-zone")))
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec {
		t.Fatalf("Create = %v, want terminal InvalidSpec", err)
	}
	if !strings.Contains(err.Error(), "spec.scp.landingZoneID") {
		t.Errorf("error %q does not name the field", err)
	}
}

// A 400 passes through, classified terminal.
func TestCreateRejectedPassesThrough(t *testing.T) {
	f := newFixture(t, asyncOptions())
	f.sb.Faults().FailNext("CreateAccount", 1, http.StatusBadRequest, 0)
	a := newAccount("rejected")
	_, err := f.prov.Create(context.Background(), request(a))
	if adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != v1alpha1.ReasonUpstreamRejected {
		t.Fatalf("Create = %v, want terminal UpstreamRejected", err)
	}
}

// 5xx is transient and never retried by the provider: the account may exist.
func TestCreateServerErrorIsTransientAndNotRetried(t *testing.T) {
	f := newFixture(t, asyncOptions())
	f.sb.Faults().FailNext("CreateAccount", 1, 503, 0)
	_, err := f.prov.Create(context.Background(), request(newAccount("flaky")))
	if adapter.Classify(err) != adapter.ClassTransient {
		t.Fatalf("Create = %v, want transient", err)
	}
	if f.calls("CreateAccount") != 1 {
		t.Errorf("CreateAccount calls = %d, want 1", f.calls("CreateAccount"))
	}
}

func TestFindByName(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{ClosureDelay: asyncDelay})
	ctx := context.Background()
	id := f.sb.CreateAccountDirect("Find Me", "ou-one")
	got, err := f.prov.Find(ctx, request(&v1alpha1.Account{Spec: v1alpha1.AccountSpec{
		DisplayName: "Find Me", SCP: newAccount("x").Spec.SCP}}))
	if err != nil || got != id {
		t.Fatalf("Find = %q, %v; want %q", got, err, id)
	}
	got, err = f.prov.Find(ctx, request(newAccount("nobody")))
	if err != nil || got != "" {
		t.Errorf("Find(missing) = %q, %v; want \"\"", got, err)
	}
}

func TestFindIgnoresPendingClosure(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{ClosureDelay: 10 * asyncDelay})
	a := newAccount("closing")
	a.Status.AccountID = f.sb.CreateAccountDirect("closing", "ou-one")
	done, err := f.prov.Delete(context.Background(), request(a))
	if err != nil || done {
		t.Fatalf("Delete = %v, %v; want not done", done, err)
	}
	if st := info(t, f, a.Status.AccountID).State; st != "PENDING_CLOSURE" {
		t.Fatalf("state = %s, want PENDING_CLOSURE", st)
	}
	got, err := f.prov.Find(context.Background(), request(a))
	if err != nil || got != "" {
		t.Errorf("Find = %q, %v; want \"\" for a closing account", got, err)
	}
}

// SCP names are 3 to 30 characters: a name out of range, typically a long
// metadata.name used because spec.displayName is unset, is refused before any
// upstream call, naming the field to set.
func TestCreateRefusesAnOutOfRangeNameLocally(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	for _, a := range []*v1alpha1.Account{
		newAccount("a-metadata-name-of-thirty-one-c"),
		newAccount("ab"),
		func() *v1alpha1.Account {
			a := newAccount("ok-name")
			a.Spec.DisplayName = strings.Repeat("é", 31)
			return a
		}(),
	} {
		_, err := f.prov.Create(context.Background(), request(a))
		if adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != v1alpha1.ReasonInvalidSpec ||
			!strings.Contains(err.Error(), "spec.displayName: SCP account names are 3 to 30 characters") {
			t.Errorf("%s / %q: err = %v, want a terminal InvalidSpec naming spec.displayName", a.Name, a.Spec.DisplayName, err)
		}
	}
	if n := f.sb.Faults().Calls()["CreateAccount"]; n != 0 {
		t.Errorf("CreateAccount called %d times for names SCP refuses", n)
	}
	ok := newAccount("thirty-characters-exactly-abcd")
	if _, err := f.prov.Create(context.Background(), request(ok)); err != nil {
		t.Errorf("a 30-character name: %v", err)
	}
}
