package scp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAdminHandler(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create("team-a")
	mux := http.NewServeMux()
	mux.Handle("/admin/", http.StripPrefix("/admin", e.s.AdminHandler()))
	admin := httptest.NewServer(mux)
	defer admin.Close()

	resp, err := http.Get(admin.URL + "/admin/accounts")
	if err != nil {
		t.Fatal(err)
	}
	var list []AccountInfo
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if len(list) != 1 || list[0].ID != id || list[0].Name != "team-a" || list[0].State != "ACTIVE" {
		t.Fatalf("accounts %+v", list)
	}

	post := func(path, body string) {
		t.Helper()
		resp, err := http.Post(admin.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	post("/admin/faults", `{"operation":"GetAccount","count":1,"status":503,"mode":"Fail"}`)
	if code, _ := e.do("GET", "/v1/organization-accounts/"+id, nil); code != 503 {
		t.Fatalf("fault not applied: %d", code)
	}
	post("/admin/fail-registration", `{"name":""}`)
	bad := e.create("team-b")
	if got := e.assignment(bad); got != "REGISTRATION_FAILED" {
		t.Fatalf("registration %s", got)
	}

	post("/admin/account-state", `{"id":"`+id+`","state":"SUSPENDED"}`)
	if code, body := e.do("GET", "/v1/organization-accounts/"+id, nil); code != 200 ||
		body["account"].(map[string]any)["state"] != "SUSPENDED" {
		t.Fatalf("forced state: %d %v", code, body)
	}
	if resp, err := http.Post(admin.URL+"/admin/account-state", "application/json",
		strings.NewReader(`{"id":"nope","state":"SUSPENDED"}`)); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown account: %v %v", resp, err)
	} else {
		_ = resp.Body.Close()
	}

	resp, err = http.Get(admin.URL + "/admin/calls")
	if err != nil {
		t.Fatal(err)
	}
	var calls map[string]int
	_ = json.NewDecoder(resp.Body).Decode(&calls)
	_ = resp.Body.Close()
	if calls["GetAccount"] != 2 || calls["CreateAccount"] != 2 {
		t.Fatalf("calls %v", calls)
	}
}

// Unknown paths and methods answer the envelope, not Go's text 404/405.
func TestUnknownRoute(t *testing.T) {
	e := newEnv(t, Options{})
	code, body := e.do("PATCH", "/v1/accounts", nil)
	if code != 404 {
		t.Fatalf("status %d", code)
	}
	errorOf(t, code, body)
	// The split handlers do not serve each other's paths.
	cc := httptest.NewServer(e.s.CloudControlHandler())
	defer cc.Close()
	e.srv = cc
	if code, _ := e.do("GET", "/v1/organization-accounts", nil); code != 404 {
		t.Fatalf("organization path on cloudcontrol host: %d", code)
	}
	if code, _ := e.do("GET", "/v1/baseline-assignments", nil); code != 200 {
		t.Fatalf("cloudcontrol path: %d", code)
	}
}
