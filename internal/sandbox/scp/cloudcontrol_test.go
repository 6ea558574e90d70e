package scp

import (
	"net/http"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

func TestCreateAccount(t *testing.T) {
	e := newEnv(t, Options{LandingZoneIDs: []string{"lz-1"}})
	code, body := e.do("POST", "/v1/accounts", validCreate("team-a"))
	if code != http.StatusCreated || len(body["account_id"].(string)) != 30 || len(body["job_id"].(string)) != 32 {
		t.Fatalf("create: %d %v", code, body)
	}
	cases := []struct {
		name string
		body map[string]any
		want int
	}{
		{"missing fields", map[string]any{"email": "x@example.com"}, 400},
		{"name too short", map[string]any{"name": "ab", "landing_zone_id": "lz-1", "parent_unit_id": "ou-1"}, 400},
		{"name not a string", map[string]any{"name": 7, "landing_zone_id": "lz-1", "parent_unit_id": "ou-1"}, 400},
		{"bad email", map[string]any{"name": "team-e", "landing_zone_id": "lz-1", "parent_unit_id": "ou-1", "email": "nope"}, 400},
		{"unknown landing zone", map[string]any{"name": "team-b", "landing_zone_id": "lz-9", "parent_unit_id": "ou-1"}, 404},
		{"unknown parent unit", map[string]any{"name": "team-b", "landing_zone_id": "lz-1", "parent_unit_id": "x-1"}, 404},
		{"duplicate name", validCreate("team-a"), 409},
		{"duplicate email", map[string]any{"name": "team-c", "landing_zone_id": "lz-1", "parent_unit_id": "ou-1",
			"email": "team-a@example.com"}, 409},
		{"null optionals", map[string]any{"name": "team-d", "landing_zone_id": "lz-1", "parent_unit_id": "ou-1",
			"email": nil, "sso_user_email": nil}, 201},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.do("POST", "/v1/accounts", tc.body)
			if code != tc.want {
				t.Fatalf("status %d, want %d (%v)", code, tc.want, body)
			}
			if code >= 400 {
				errorOf(t, code, body)
			}
		})
	}
	if n := len(e.s.Accounts()); n != 2 {
		t.Fatalf("%d accounts, want 2", n)
	}
}

// Validation failures come back as a detail list, one entry per problem.
func TestCreateValidationDetailList(t *testing.T) {
	e := newEnv(t, Options{})
	code, body := e.do("POST", "/v1/accounts", map[string]any{})
	first := errorOf(t, code, body)
	if d, ok := first["detail"].([]any); !ok || len(d) != 3 {
		t.Fatalf("detail %v, want three problems", first["detail"])
	}
}

func TestRegistrationTransitions(t *testing.T) {
	e := newEnv(t, Options{RegistrationDelay: time.Minute})
	ok := e.create("team-ok")
	e.s.FailRegistration("") // the next create fails
	bad := e.create("team-bad")
	e.s.FailRegistration("team-later") // a name not created yet
	later := e.create("team-later")
	plain := e.create("team-plain")
	for _, id := range []string{ok, bad, later, plain} {
		if got := e.assignment(id); got != "REGISTERING" {
			t.Fatalf("%s: %s, want REGISTERING", id, got)
		}
	}
	e.clk.Advance(time.Minute)
	want := map[string]string{ok: "REGISTERED", bad: "REGISTRATION_FAILED", later: "REGISTRATION_FAILED", plain: "REGISTERED"}
	for id, w := range want {
		if got := e.assignment(id); got != w {
			t.Errorf("%s: %s, want %s", id, got, w)
		}
	}
	if got := e.assignment("unknown"); got != "" {
		t.Errorf("unknown id listed as %s", got)
	}
	if err := e.s.SetRegistrationStatus(ok, "UNREGISTERING"); err != nil || e.assignment(ok) != "UNREGISTERING" {
		t.Errorf("override not applied: %v", err)
	}
}

// Faults apply to the vendor routes: commit-then-drop still creates.
func TestCreateCommitThenDrop(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.Faults().Add(fault.Rule{Operation: "CreateAccount", Count: 1, Mode: fault.CommitThenDrop})
	req := e.request(e.signer(), "POST", "/v1/accounts", validCreate("team-drop"))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatal("response arrived despite CommitThenDrop")
	}
	if accts := e.s.Accounts(); len(accts) != 1 || accts[0].Name != "team-drop" {
		t.Fatalf("accounts %v", accts)
	}
	if n := e.s.Faults().Calls()["CreateAccount"]; n != 1 {
		t.Fatalf("calls %d", n)
	}
}
