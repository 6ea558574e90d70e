package scp

import (
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"
)

func (e *env) state(id string) (int, string) {
	e.t.Helper()
	code, body := e.do("GET", "/v1/organization-accounts/"+id, nil)
	if code != http.StatusOK {
		return code, ""
	}
	return code, body["account"].(map[string]any)["state"].(string)
}

func (e *env) listed(id string) bool {
	e.t.Helper()
	code, body := e.do("GET", "/v1/organization-accounts?id="+id, nil)
	if code != http.StatusOK {
		e.t.Fatalf("list: %d %v", code, body)
	}
	return len(body["accounts"].([]any)) == 1
}

// An accepted close ends, after ClosureDelay, in 404 or in SUSPENDED for good.
func TestClosureEnds(t *testing.T) {
	for _, end := range []ClosureEnd{"", ClosureGone, ClosureSuspended} {
		t.Run(string(end), func(t *testing.T) {
			e := newEnv(t, Options{ClosureDelay: time.Minute, ClosedAccounts: end})
			id := e.create("team-a")
			if code, _ := e.do("DELETE", "/v1/organization-accounts/"+id, nil); code != http.StatusNoContent {
				t.Fatalf("close: %d", code)
			}
			if code, st := e.state(id); st != "PENDING_CLOSURE" || e.assignment(id) != "UNREGISTERING" {
				t.Fatalf("closing: %d %s, assignment %s", code, st, e.assignment(id))
			}
			if code, _ := e.do("DELETE", "/v1/organization-accounts/"+id, nil); code != http.StatusNoContent {
				t.Fatalf("close while closing: %d", code)
			}
			e.clk.Advance(time.Minute)
			code, st := e.state(id)
			if e.assignment(id) != "" {
				t.Errorf("a closed account keeps its baseline assignment %s", e.assignment(id))
			}
			if end != ClosureSuspended {
				if code != http.StatusNotFound || e.listed(id) {
					t.Fatalf("gone: read %d, listed %v", code, e.listed(id))
				}
				return
			}
			if code != http.StatusOK || st != "SUSPENDED" || !e.listed(id) {
				t.Fatalf("suspended: read %d %s, listed %v", code, st, e.listed(id))
			}
			e.clk.Advance(365 * 24 * time.Hour)
			if _, st := e.state(id); st != "SUSPENDED" {
				t.Fatalf("a year later: %s", st)
			}
			code, body := e.do("DELETE", "/v1/organization-accounts/"+id, nil)
			if code != http.StatusBadRequest {
				t.Fatalf("close of a suspended account: %d", code)
			}
			errorOf(t, code, body)
			if code, _ := e.do("POST", "/v1/accounts", validCreate("team-a")); code != http.StatusConflict {
				t.Fatalf("the name of a suspended account is free again: %d", code)
			}
		})
	}
}

// A suspension by an administrator also refuses a close.
func TestSuspendedByAdministrator(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create("team-a")
	if err := e.s.SetAccountState(id, "SUSPENDED"); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.do("DELETE", "/v1/organization-accounts/"+id, nil); code != http.StatusBadRequest {
		t.Fatalf("close of a suspended account: %d", code)
	}
}

// With AssignmentDelay the organization shows the account while Cloud
// Control lists no assignment for it yet.
func TestAssignmentDelay(t *testing.T) {
	e := newEnv(t, Options{AssignmentDelay: 30 * time.Second, RegistrationDelay: time.Minute})
	id := e.create("team-a")
	if _, st := e.state(id); st != "ACTIVE" || e.assignment(id) != "" {
		t.Fatalf("fresh: state %s, assignment %q", st, e.assignment(id))
	}
	e.clk.Advance(30 * time.Second)
	if got := e.assignment(id); got != "REGISTERING" {
		t.Fatalf("after the delay: %q", got)
	}
	e.clk.Advance(30 * time.Second)
	if got := e.assignment(id); got != "REGISTERED" {
		t.Fatalf("registered: %q", got)
	}
}

// ProvisioningState is the organization state while registering; a failed
// registration then shows as CREATE_FAILED.
func TestProvisioningState(t *testing.T) {
	for _, st := range []string{"", StatePending, StateRunning} {
		t.Run(st, func(t *testing.T) {
			e := newEnv(t, Options{ProvisioningState: st, RegistrationDelay: time.Minute})
			e.s.FailRegistration("team-bad")
			ok, bad := e.create("team-ok"), e.create("team-bad")
			want := map[bool]string{true: st, false: "ACTIVE"}[st != ""]
			for _, id := range []string{ok, bad} {
				if _, got := e.state(id); got != want {
					t.Fatalf("while registering: %s, want %s", got, want)
				}
			}
			e.clk.Advance(time.Minute)
			wantBad := map[bool]string{true: "CREATE_FAILED", false: "ACTIVE"}[st != ""]
			if _, got := e.state(ok); got != "ACTIVE" {
				t.Errorf("registered: %s", got)
			}
			if _, got := e.state(bad); got != wantBad {
				t.Errorf("failed registration: %s, want %s", got, wantBad)
			}
		})
	}
}

func TestDuplicateStatus(t *testing.T) {
	for _, tc := range []struct{ set, want int }{{0, 409}, {409, 409}, {400, 400}} {
		e := newEnv(t, Options{DuplicateStatus: tc.set})
		e.create("team-a")
		code, body := e.do("POST", "/v1/accounts", validCreate("team-a"))
		if code != tc.want {
			t.Fatalf("DuplicateStatus %d: duplicate answered %d", tc.set, code)
		}
		errorOf(t, code, body)
		if n := len(e.s.Accounts()); n != 1 {
			t.Fatalf("DuplicateStatus %d: %d accounts", tc.set, n)
		}
	}
}

// Every n-th call gets 429, with or without Retry-After, and does nothing.
func TestThrottle(t *testing.T) {
	for _, ra := range []int{0, 2} {
		e := newEnv(t, Options{Throttle: Throttle{Every: 2, RetryAfter: ra}})
		var codes []int
		var headers []string
		for i := range 4 {
			req := e.request(e.signer(), "POST", "/v1/accounts", validCreate("team-"+string(rune('a'+i))))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			codes = append(codes, resp.StatusCode)
			headers = append(headers, resp.Header.Get("Retry-After"))
		}
		wantRA := map[bool]string{true: "2", false: ""}[ra > 0]
		if !slices.Equal(codes, []int{201, 429, 201, 429}) || headers[1] != wantRA || headers[3] != wantRA {
			t.Fatalf("RetryAfter %d: codes %v, Retry-After %q", ra, codes, headers)
		}
		if n := len(e.s.Accounts()); n != 2 {
			t.Fatalf("throttled creates made accounts: %d", n)
		}
		if got := e.s.Faults().Codes()["CreateAccount"][429]; got != 2 {
			t.Fatalf("429s counted %d", got)
		}
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The answers carry the fields of the API reference's models and examples:
// AccountSummary in a listing, OrganizationAccountWithPolicy in a read, the
// 1.2 example entry of ListBaselineAssignments.
func TestAnswersFollowTheReference(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create("team-a")
	summary := []string{"created_at", "created_by", "email", "id", "joined_method", "joined_time", "login_id",
		"modified_at", "modified_by", "name", "organization_id", "parent_unit_id", "parent_unit_name", "state", "type"}
	_, list := e.do("GET", "/v1/organization-accounts", nil)
	if got := keys(list["accounts"].([]any)[0].(map[string]any)); !slices.Equal(got, summary) {
		t.Errorf("list entry fields %v", got)
	}
	if got := keys(list); !slices.Equal(got, []string{"accounts", "count", "page", "size", "sort"}) {
		t.Errorf("list fields %v", got)
	}
	withPolicy := append(slices.Clone(summary), "control_policies", "creator_name", "modifier_name", "srn")
	sort.Strings(withPolicy)
	_, one := e.do("GET", "/v1/organization-accounts/"+id, nil)
	if got := keys(one["account"].(map[string]any)); !slices.Equal(got, withPolicy) {
		t.Errorf("account fields %v", got)
	}
	_, bl := e.do("GET", "/v1/baseline-assignments?assignment_id="+id, nil)
	example := []string{"account_assigned_count", "account_count", "detective_guardrail_status",
		"detective_guardrail_type", "id", "ou_assigned_count", "ou_count", "preventive_guardrail_activated_count",
		"sso_user_name", "status", "type"}
	if got := keys(bl["baseline_assignments"].([]any)[0].(map[string]any)); !slices.Equal(got, example) {
		t.Errorf("assignment fields %v", got)
	}
}
