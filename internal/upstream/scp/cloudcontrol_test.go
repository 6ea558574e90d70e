package scp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

func TestCreateAccount(t *testing.T) {
	f := newFixture(t, func(o *scpsandbox.Options, _ *Config) {
		o.LandingZoneIDs = []string{"lz-1"}
		o.Credentials = []scpsandbox.Credential{
			{AccessKey: scpsandbox.DefaultAccessKey, SecretKey: scpsandbox.DefaultSecretKey},
			{AccessKey: "member-key", SecretKey: "member-secret", Forbidden: true},
		}
	})
	ctx := context.Background()
	out, err := f.client.CreateAccount(ctx, createReq("team-a"))
	if err != nil || out.AccountID == "" || out.JobID == "" {
		t.Fatalf("create: %+v, %v", out, err)
	}
	if a := f.sb.Accounts(); len(a) != 1 || a[0].ID != out.AccountID || a[0].JobID != out.JobID {
		t.Fatalf("sandbox holds %+v", a)
	}
	otherKeys := func(ak, sk string) *Client {
		cfg := f.cfg
		cfg.AccessKey, cfg.SecretKey = toSecret(ak), toSecret(sk)
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	noLZ := createReq("team-b")
	noLZ.LandingZoneID = ""
	badLZ := createReq("team-b")
	badLZ.LandingZoneID = "lz-9"
	cases := []struct {
		name   string
		client *Client
		req    CreateAccountRequest
		status int
	}{
		{"missing landing zone", f.client, noLZ, 400},
		{"unknown landing zone", f.client, badLZ, 404},
		{"duplicate name", f.client, createReq("team-a"), 409},
		{"wrong secret", otherKeys(scpsandbox.DefaultAccessKey, "wrong-secret"), createReq("team-c"), 401},
		{"unknown key", otherKeys("nobody", scpsandbox.DefaultSecretKey), createReq("team-c"), 401},
		{"not management account", otherKeys("member-key", "member-secret"), createReq("team-c"), 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.client.CreateAccount(ctx, tc.req)
			e := statusOf(t, err)
			if e.StatusCode != tc.status || e.Code == "" || e.Message == "" || e.Operation != "CreateAccount" {
				t.Fatalf("error %+v, want HTTP %d with code and message", e, tc.status)
			}
		})
	}
	if n := len(f.sb.Accounts()); n != 1 {
		t.Fatalf("%d accounts after failures", n)
	}
}

// A create is never retried: the first 500 comes back as is.
func TestCreateNotRetriedOn500(t *testing.T) {
	f := newFixture(t)
	f.sb.Faults().FailNext("CreateAccount", 1, 500, 0)
	_, err := f.client.CreateAccount(context.Background(), createReq("team-a"))
	if e := statusOf(t, err); e.StatusCode != 500 {
		t.Fatalf("error %v", err)
	}
	if n := f.sb.Faults().Calls()["CreateAccount"]; n != 1 {
		t.Fatalf("CreateAccount called %d times, want 1", n)
	}
}

// After commit-then-fail or commit-then-drop the account exists, and listing
// by name finds it for adoption.
func TestCreateCommittedThenLost(t *testing.T) {
	for _, mode := range []fault.Mode{fault.CommitThenFail, fault.CommitThenDrop} {
		t.Run(string(mode), func(t *testing.T) {
			f := newFixture(t)
			f.sb.Faults().Add(fault.Rule{Operation: "CreateAccount", Count: 1, Status: 502, Mode: mode})
			_, err := f.client.CreateAccount(context.Background(), createReq("team-a"))
			e := statusOf(t, err)
			wantStatus := map[fault.Mode]int{fault.CommitThenFail: 502, fault.CommitThenDrop: 0}[mode]
			if e.StatusCode != wantStatus {
				t.Fatalf("error %v, want status %d", err, wantStatus)
			}
			if n := f.sb.Faults().Calls()["CreateAccount"]; n != 1 {
				t.Fatalf("CreateAccount called %d times", n)
			}
			found, err := f.client.AccountsNamed(context.Background(), "team-a")
			if err != nil || len(found) != 1 || found[0].ID != f.sb.Accounts()[0].ID {
				t.Fatalf("adopt: %+v, %v", found, err)
			}
		})
	}
}

func TestRegistrationTransitions(t *testing.T) {
	f := newFixture(t, func(o *scpsandbox.Options, _ *Config) { o.RegistrationDelay = 2 * time.Minute })
	ctx := context.Background()
	ok, err := f.client.CreateAccount(ctx, createReq("team-ok"))
	if err != nil {
		t.Fatal(err)
	}
	f.sb.FailRegistration("team-bad")
	bad, err := f.client.CreateAccount(ctx, createReq("team-bad"))
	if err != nil {
		t.Fatal(err)
	}
	status := func(id string) string {
		t.Helper()
		a, err := f.client.GetBaselineAssignment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.ID != id || a.Type != "ACCOUNT" {
			t.Fatalf("assignment %+v", a)
		}
		return a.Status
	}
	if s1, s2 := status(ok.AccountID), status(bad.AccountID); s1 != StatusRegistering || s2 != StatusRegistering {
		t.Fatalf("before delay: %s %s", s1, s2)
	}
	f.clk.Advance(2 * time.Minute)
	if s1, s2 := status(ok.AccountID), status(bad.AccountID); s1 != StatusRegistered || s2 != StatusRegistrationFailed {
		t.Fatalf("after delay: %s %s", s1, s2)
	}
	if _, err := f.client.GetBaselineAssignment(ctx, "unknown"); !errors.Is(err, ErrNoAssignment) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := f.client.GetBaselineAssignment(ctx, "a/b"); err == nil {
		t.Fatal("id with '/' accepted")
	}
}

func TestPickAssignment(t *testing.T) {
	list := []BaselineAssignment{{ID: "x", Status: "A"}, {ID: "acc", Status: "B"}}
	if a, err := pickAssignment(list, "acc"); err != nil || a.Status != "B" {
		t.Fatalf("by id: %+v %v", a, err)
	}
	if a, err := pickAssignment(list[:1], "acc"); err != nil || a.Status != "A" {
		t.Fatalf("single entry: %+v %v", a, err)
	}
	if _, err := pickAssignment(list, "other"); !errors.Is(err, ErrNoAssignment) {
		t.Fatalf("no match: %v", err)
	}
}
