package ccm

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

func TestAdminAndDriftHelpers(t *testing.T) {
	h := newHarness(t, Options{})
	tok := h.login("a@x", "pa")
	id := h.create(tok, map[string]any{"name": "adm"})["acct_id"].(string)
	gone := h.create(tok, map[string]any{"name": "gone"})["acct_id"].(string)

	if !h.s.SetAccountName(id, "drifted") || !h.s.SetAccountStatus(id, "Deactivated") || !h.s.DeleteAccountDirect(gone) {
		t.Fatal("drift helpers reported a missing account")
	}
	if h.s.SetAccountName("nope", "x") || h.s.DeleteAccountDirect(gone) || h.s.AddMember("nope", "b@x", "READER") {
		t.Fatal("drift helpers succeeded on a missing account")
	}
	got := h.do("GET", "/v1/accounts/"+id, tok, nil).json(t)
	if got["name"] != "drifted" || got["account_status"] != "Deactivated" {
		t.Fatalf("drift not visible: %v", got)
	}

	r := h.do("GET", "/admin/accounts", "", nil)
	var list []AccountInfo
	if err := json.Unmarshal(r.body, &list); err != nil || r.status != 200 {
		t.Fatalf("admin accounts: %d %s", r.status, r.body)
	}
	if len(list) != 1 || list[0].ID != id || list[0].Name != "drifted" || list[0].Members["a@x"] != "MANAGER" {
		t.Fatalf("admin accounts = %+v", list)
	}

	// The fault endpoints are served beside it, and every route is wrapped.
	if r := h.do("POST", "/admin/faults", "", `{"operation":"CreateAccount","count":1,"status":503}`); r.status != 204 {
		t.Fatalf("admin faults: %d %s", r.status, r.body)
	}
	if r := h.do("POST", "/v1/accounts", tok, map[string]any{"name": "f"}); r.status != 503 {
		t.Fatalf("injected fault not applied: %d", r.status)
	}
	if r := h.do("POST", "/v1/accounts", tok, map[string]any{"name": "f"}); r.status != 200 {
		t.Fatalf("fault outlived its count: %d", r.status)
	}
	r = h.do("GET", "/admin/calls", "", nil)
	var calls map[string]int
	_ = json.Unmarshal(r.body, &calls)
	if calls["CreateAccount"] != 4 || calls["Login"] != 1 || calls["GetAccount"] != 1 {
		t.Fatalf("calls = %s", r.body)
	}
}

func TestCommitThenFailCommits(t *testing.T) {
	h := newHarness(t, Options{})
	tok := h.login("a@x", "pa")
	h.s.Faults().Add(faultRule("CreateAccount", "CommitThenFail"))
	if r := h.do("POST", "/v1/accounts", tok, map[string]any{"name": "c"}); r.status != 500 {
		t.Fatalf("status %d", r.status)
	}
	if got := h.s.Accounts(); len(got) != 1 || got[0].Name != "c" {
		t.Fatalf("account not committed: %+v", got)
	}
}

func TestVersionAndPrefix(t *testing.T) {
	h := newHarness(t, Options{PathPrefix: "api/v1/confidential_computing/", Version: "1.2.3"})
	r := h.do("GET", "/api/v1/confidential_computing/sys/version", "", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "1.2.3") {
		t.Fatalf("version: %d %s", r.status, r.body)
	}
	if r := h.do("GET", "/v1/sys/version", "", nil); r.status != 404 {
		t.Fatalf("default prefix still served: %d", r.status)
	}
}

func TestDefaultUser(t *testing.T) {
	s := New(Options{})
	if len(s.users) != 1 || s.users["admin@example.com"].Password == "" {
		t.Fatalf("default users = %v", s.users)
	}
}

func faultRule(op, mode string) fault.Rule {
	return fault.Rule{Operation: op, Count: 1, Status: 500, Mode: fault.Mode(mode)}
}
