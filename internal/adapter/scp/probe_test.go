package scp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

func probe(t *testing.T, f *fixture) []adapter.ProbeCheck {
	t.Helper()
	return f.prov.(adapter.Prober).Probe(context.Background())
}

// wantChecks compares the checks with name → detail ("" exact), all OK.
func wantChecks(t *testing.T, got []adapter.ProbeCheck, want map[string]string) {
	t.Helper()
	names := []string{checkAuthenticate, checkListAccounts, checkReadAccount, checkRegistration}
	if len(got) != len(names) {
		t.Fatalf("checks %+v", got)
	}
	for i, c := range got {
		if c.Name != names[i] || !c.OK || c.Detail != want[c.Name] {
			t.Errorf("check %d = %+v, want %s OK with detail %q", i, c, names[i], want[c.Name])
		}
	}
}

// The probe only reads: every call it made is one of the three GETs.
func wantNoWrites(t *testing.T, f *fixture, before map[string]int) {
	t.Helper()
	for op, n := range f.sb.Faults().Calls() {
		if n != before[op] && op != "ListAccounts" && op != "GetAccount" && op != "GetBaselineAssignment" {
			t.Errorf("the probe called %s", op)
		}
	}
}

// Against the simulator in its default mode and in every variant mode, each
// answer is exactly the documented shape, and nothing is written.
func TestProbeAgainstEveryVariant(t *testing.T) {
	variants := map[string]scpsandbox.Options{
		"default":            {},
		"visibility delay":   {VisibilityDelay: time.Hour},
		"assignment delay":   {AssignmentDelay: time.Hour},
		"closed: gone":       {ClosedAccounts: scpsandbox.ClosureGone},
		"closed: suspended":  {ClosedAccounts: scpsandbox.ClosureSuspended},
		"provisioning state": {ProvisioningState: scpsandbox.StateRunning, RegistrationDelay: time.Hour},
		"duplicate 400":      {DuplicateStatus: http.StatusBadRequest},
		"429 no Retry-After": {Throttle: scpsandbox.Throttle{Every: 3}},
	}
	for name, opts := range variants {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, opts)
			f.sb.CreateAccountDirect("settled", "ou-one")
			closed := newAccount("closed")
			create(t, f, closed)
			observe(t, f, closed)
			if _, err := f.prov.Delete(context.Background(), request(closed)); err != nil {
				t.Fatal(err)
			}
			create(t, f, newAccount("fresh"))
			before := f.sb.Faults().Calls()
			wantChecks(t, probe(t, f), nil)
			wantNoWrites(t, f, before)
		})
	}
}

// A fresh account whose assignment Cloud Control does not list yet is read
// and said so; an empty organization skips the reads.
func TestProbeEdges(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{AssignmentDelay: time.Hour})
	wantChecks(t, probe(t, f), map[string]string{
		checkReadAccount:  "skipped: the first page lists no account",
		checkRegistration: "skipped: the first page lists no account"})
	a := newAccount("fresh")
	create(t, f, a)
	wantChecks(t, probe(t, f), map[string]string{
		checkRegistration: "no baseline assignment is listed for account " + a.Status.AccountID})
}

// Bad credentials: authentication fails with the status and code, the other
// steps do not run.
func TestProbeBadCredentials(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	f.prov = f.build(t, f.cc.URL, "wrong-secret")
	got := probe(t, f)
	if len(got) != 4 || got[0].OK || got[0].Detail != "HTTP 401 Common.Unauthorized" {
		t.Fatalf("checks %+v", got)
	}
	for _, c := range got[1:] {
		if c.OK || c.Detail != "not run: authenticate failed" {
			t.Errorf("check %+v", c)
		}
	}
}

// An instance whose answers differ: unknown fields and other types in unused
// fields are noted but OK; a used field of another type is not OK. Notes name
// fields and types, never values.
func TestProbeReportsDifferences(t *testing.T) {
	const secretish = "S3cr3t-Value-That-Must-Not-Show"
	answers := map[string]string{
		"/v1/organization-accounts": `{"accounts":[{"id":"acc-1","name":"n","state":"ACTIVE","parent_unit_id":"ou",
			"email":"` + secretish + `","joined_method":"CLOUD_CONTROL","tenant":"` + secretish + `"}],"count":"1","page":0,"size":20}`,
		"/v1/organization-accounts/acc-1": `{"account":{"id":"acc-1","name":"n","state":7,"parent_unit_id":"ou"}}`,
		"/v1/baseline-assignments": `{"baseline_assignments":[{"id":"acc-1","type":"ACCOUNT","status":"REGISTERED",
			"account_count":"` + secretish + `"}]}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(answers[r.URL.Path]))
	}))
	t.Cleanup(srv.Close)
	f := newFixture(t, scpsandbox.Options{})
	f.org = srv
	f.prov = f.build(t, srv.URL, testSecretKey)
	got := probe(t, f)
	want := []adapter.ProbeCheck{
		{Name: checkAuthenticate, OK: true},
		{Name: checkListAccounts, Detail: "the operator cannot decode the answer: count: string, expected int"},
		{Name: checkReadAccount, Detail: "the operator cannot decode the answer: account.state: number, expected string"},
		{Name: checkRegistration, OK: true, Detail: "baseline_assignments[0].account_count: string, expected number"},
	}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Errorf("check %d = %+v, want %+v", i, got[min(i, len(got)-1)], want[i])
		}
	}
	for _, c := range got {
		if strings.Contains(c.Detail, secretish) {
			t.Errorf("check %s shows a value: %s", c.Name, c.Detail)
		}
	}
}
