package scp

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestGetAccountVisibility(t *testing.T) {
	e := newEnv(t, Options{VisibilityDelay: 30 * time.Second})
	id := e.create("team-a")
	if code, body := e.do("GET", "/v1/organization-accounts/"+id, nil); code != 404 {
		t.Fatalf("fresh account: %d %v", code, body)
	} else {
		errorOf(t, code, body)
	}
	e.clk.Advance(30 * time.Second)
	code, body := e.do("GET", "/v1/organization-accounts/"+id, nil)
	acct, _ := body["account"].(map[string]any)
	if code != 200 || acct["id"] != id || acct["state"] != "ACTIVE" || acct["joined_method"] != "CLOUD_CONTROL" {
		t.Fatalf("get: %d %v", code, body)
	}
	if code, _ := e.do("GET", "/v1/organization-accounts/nope", nil); code != 404 {
		t.Fatalf("unknown: %d", code)
	}
}

func TestListAccounts(t *testing.T) {
	e := newEnv(t, Options{})
	for i := range 5 {
		e.create(fmt.Sprintf("team-%d", i))
	}
	e.create("team")
	cases := []struct {
		query     string
		wantNames []string
		wantCount int
	}{
		{"?name=team", []string{"team"}, 1}, // exact, not substring
		{"?size=2", []string{"team-0", "team-1"}, 6},
		{"?size=2&page=2", []string{"team-4", "team"}, 6},
		{"?size=4&page=9", nil, 6},
		{"", []string{"team-0", "team-1", "team-2", "team-3", "team-4", "team"}, 6},
		{"?organization_id=other", nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			code, body := e.do("GET", "/v1/organization-accounts"+tc.query, nil)
			if code != 200 || int(body["count"].(float64)) != tc.wantCount {
				t.Fatalf("%d %v", code, body)
			}
			list := body["accounts"].([]any)
			if len(list) != len(tc.wantNames) {
				t.Fatalf("got %d accounts, want %v", len(list), tc.wantNames)
			}
			for i, a := range list {
				if n := a.(map[string]any)["name"]; n != tc.wantNames[i] {
					t.Errorf("account %d is %v, want %s", i, n, tc.wantNames[i])
				}
			}
		})
	}
	if code, body := e.do("GET", "/v1/organization-accounts?size=0", nil); code != 400 {
		t.Fatalf("size=0: %d", code)
	} else {
		errorOf(t, code, body)
	}
}

func TestMoveAccount(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create("team-a")
	closing := e.create("team-c")
	if code, _ := e.do("DELETE", "/v1/organization-accounts/"+closing, nil); code != 204 {
		t.Fatal("delete failed")
	}
	_ = closing
	body := map[string]any{"organization_id": DefaultOrganizationID, "parent_unit_id": "ou-new",
		"target_account_ids": []string{id, "ghost"}}
	code, out := e.do("PUT", "/v1/organization-accounts/parent", body)
	if code != 200 || len(out["success_ids"].([]any)) != 1 || len(out["failed_ids"].([]any)) != 1 {
		t.Fatalf("move: %d %v", code, out)
	}
	if f := out["failed_ids"].([]any)[0].(map[string]any); f["failed_id"] != "ghost" || f["error_code"] == "" {
		t.Fatalf("failed entry %v", f)
	}
	if got := e.s.Accounts()[0].ParentUnitID; got != "ou-new" {
		t.Fatalf("parent %s", got)
	}
	body["parent_unit_id"], body["target_account_ids"] = "not-an-ou", []string{id}
	if code, out = e.do("PUT", "/v1/organization-accounts/parent", body); code != 200 || out["failed_ids"] == nil {
		t.Fatalf("bad OU: %d %v", code, out)
	}
	body["target_account_ids"] = []string{}
	if code, out = e.do("PUT", "/v1/organization-accounts/parent", body); code != 400 {
		t.Fatalf("no targets: %d %v", code, out)
	}
	body["organization_id"], body["target_account_ids"] = "org-other", []string{id}
	if code, out = e.do("PUT", "/v1/organization-accounts/parent", body); code != 404 {
		t.Fatalf("other org: %d %v", code, out)
	}
}

func TestDeletePendingClosureThenGone(t *testing.T) {
	e := newEnv(t, Options{ClosureDelay: time.Hour})
	id := e.create("team-a")
	path := "/v1/organization-accounts/" + id
	for range 2 { // deleting a closing account again is accepted
		if code, body := e.do("DELETE", path, nil); code != http.StatusNoContent {
			t.Fatalf("delete: %d %v", code, body)
		}
	}
	_, body := e.do("GET", path, nil)
	if st := body["account"].(map[string]any)["state"]; st != "PENDING_CLOSURE" {
		t.Fatalf("state %v", st)
	}
	if got := e.assignment(id); got != "UNREGISTERING" {
		t.Fatalf("baseline %s", got)
	}
	if code, _ := e.do("POST", "/v1/accounts", validCreate("team-a")); code != 409 {
		t.Fatalf("name reused while closing: %d", code)
	}
	e.clk.Advance(time.Hour)
	if code, _ := e.do("GET", path, nil); code != 404 {
		t.Fatalf("after closure: %d", code)
	}
	if code, _ := e.do("DELETE", path, nil); code != 404 {
		t.Fatalf("delete after closure: %d", code)
	}
	if e.assignment(id) != "" || len(e.s.Accounts()) != 0 {
		t.Fatal("closed account still listed")
	}
	e.create("team-a") // the name is free again
}

func TestDriftHelpers(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create("team-a")
	adopted := e.s.CreateAccountDirect("team-old", "ou-legacy")
	if err := e.s.SetParentUnit(id, "ou-drift"); err != nil {
		t.Fatal(err)
	}
	if err := e.s.SetAccountState(id, "SUSPENDED"); err != nil {
		t.Fatal(err)
	}
	_, body := e.do("GET", "/v1/organization-accounts/"+id, nil)
	if a := body["account"].(map[string]any); a["parent_unit_id"] != "ou-drift" || a["state"] != "SUSPENDED" {
		t.Fatalf("drift not visible: %v", a)
	}
	if e.assignment(adopted) != "REGISTERED" {
		t.Fatal("direct account not registered")
	}
	if err := e.s.DeleteAccountDirect(id); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.do("GET", "/v1/organization-accounts/"+id, nil); code != 404 {
		t.Fatalf("direct delete: %d", code)
	}
	if e.s.SetParentUnit(id, "ou-x") == nil || e.s.DeleteAccountDirect(id) == nil {
		t.Fatal("helpers accepted an unknown id")
	}
}
