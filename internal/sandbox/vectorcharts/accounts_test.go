package vectorcharts

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

func TestAuth(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, method, path, bearer string
		want                       int
	}{
		{"missing bearer", "GET", "/admin/getAllAccounts", "", 401},
		{"unknown bearer", "GET", "/admin/getAllAccounts", "nope-nope", 401},
		{"non-admin on admin route", "GET", "/admin/getAllAccounts", userToken, 403},
		{"non-admin create", "POST", "/admin/createAccount", userToken, 403},
		{"admin", "GET", "/admin/getAllAccounts", adminToken, 200},
		{"non-admin self route", "GET", "/apiTokens", userToken, 200},
		{"non-admin jobs", "GET", "/jobs", userToken, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := e.call(tt.method, api+tt.path, tt.bearer, nil); code != tt.want {
				t.Fatalf("got %d (%s), want %d", code, body, tt.want)
			}
		})
	}
}

func TestCreateAccountValidation(t *testing.T) {
	e := newEnv(t, nil)
	e.create("Taken", "taken@x.com")
	tests := []struct {
		name     string
		body     any
		want     int
		contains string
	}{
		{"malformed JSON", `{"name":`, 400, "malformed"},
		{"wrong type", `{"name":5,"username":"a@x.com","password":"abcd"}`, 400, "malformed"},
		{"missing name", map[string]string{"username": "a@x.com", "password": "abcd"}, 400, "required"},
		{"missing username", map[string]string{"name": "A", "password": "abcd"}, 400, "required"},
		{"missing password", map[string]string{"name": "A", "username": "a@x.com"}, 400, "required"},
		{"short password", map[string]string{"name": "A", "username": "a@x.com", "password": "abc"}, 400, "at least 4"},
		{"duplicate username", map[string]string{"name": "B", "username": "taken@x.com", "password": "abcd"}, 400, "in use"},
		{"duplicate differs in case", map[string]string{"name": "B", "username": "Taken@X.com", "password": "abcd"}, 400, "in use"},
		{"ok", map[string]string{"name": "A", "username": "a@x.com", "password": "abcd"}, 200, `"initialToken"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.call("POST", api+"/admin/createAccount", adminToken, tt.body)
			if code != tt.want || !strings.Contains(string(body), tt.contains) {
				t.Fatalf("got %d %s, want %d containing %q", code, body, tt.want, tt.contains)
			}
			if code != 200 && strings.Contains(string(body), "abcd") {
				t.Fatalf("error echoes the password: %s", body)
			}
		})
	}
	if n := len(e.s.Accounts()); n != 3 {
		t.Fatalf("accounts = %d, want admin + 2", n)
	}
}

func TestCreateAccountShape(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.PlanInstance = "gold" })
	c := e.create("Zydro Marine", "owner@zydro.com")
	a, u, tok := c.Account, c.User, c.InitialToken
	if a.ID <= 1 || a.Name != "Zydro Marine" || a.PlanInstance != "gold" || a.Metadata == nil || a.CreatedAt == 0 {
		t.Fatalf("account = %+v", a)
	}
	if u.ID <= 0 || u.AccountID != a.ID || u.Email != "owner@zydro.com" || u.IsAdmin {
		t.Fatalf("user = %+v", u)
	}
	if len(tok.ID) != 32 || tok.UserID != u.ID || tok.AccountID != a.ID || tok.UserEmail != u.Email ||
		tok.LastUsedAt != nil || tok.Restrictions != nil || tok.Name != "Default" {
		t.Fatalf("token = %+v", tok)
	}
	// The initial token is a working, non-admin bearer.
	if code, _ := e.call("GET", api+"/apiTokens", tok.ID, nil); code != 200 {
		t.Fatalf("initial token on self route: %d", code)
	}
	if code, _ := e.call("GET", api+"/admin/getAllUsers", tok.ID, nil); code != 403 {
		t.Fatalf("initial token on admin route: %d, want 403", code)
	}
}

// TestCreateAccountAtomic: concurrent creates of one username yield exactly one
// account, and a commit-then-fail leaves exactly one account, user and token.
func TestCreateAccountAtomic(t *testing.T) {
	e := newEnv(t, nil)
	const n = 8
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			codes[i], _ = e.call("POST", api+"/admin/createAccount", adminToken,
				map[string]string{"name": fmt.Sprint("Race ", i), "username": "race@x.com", "password": "abcd"})
		})
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == 200 {
			ok++
		}
	}
	if ok != 1 {
		t.Fatalf("codes = %v, want exactly one 200", codes)
	}

	e.s.Faults().Add(fault.Rule{Operation: OpCreateAccount, Count: 1, Status: 500, Mode: fault.CommitThenFail})
	code, _ := e.call("POST", api+"/admin/createAccount", adminToken,
		map[string]string{"name": "Committed", "username": "commit@x.com", "password": "abcd"})
	if code != 500 {
		t.Fatalf("commit-then-fail answered %d", code)
	}
	a, found := e.s.AccountByUsername("commit@x.com")
	if !found || a.Name != "Committed" || len(a.Users) != 1 || a.TokenCount != 1 || len(e.s.TokensFor(a.ID)) != 1 {
		t.Fatalf("after commit-then-fail: %+v found=%v", a, found)
	}
	if n := len(e.s.Accounts()); n != 3 {
		t.Fatalf("accounts = %d, want 3", n)
	}
}

func TestGetAccountAndEdit(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("Orig", "o@x.com")
	id := fmt.Sprint(c.Account.ID)
	gets := []struct {
		query string
		want  int
	}{{"", 400}, {"?id=abc", 400}, {"?id=0", 400}, {"?id=-3", 400}, {"?id=999", 404}, {"?id=" + id, 200}}
	for _, g := range gets {
		if code, body := e.call("GET", api+"/admin/getAccount"+g.query, adminToken, nil); code != g.want {
			t.Errorf("getAccount%s = %d (%s), want %d", g.query, code, body, g.want)
		}
	}
	edits := []struct {
		body any
		want int
	}{
		{`{"id":`, 400},
		{map[string]any{"name": "X"}, 400},
		{map[string]any{"id": c.Account.ID, "name": " "}, 400},
		{map[string]any{"id": 999, "name": "X"}, 404},
		{map[string]any{"id": c.Account.ID, "name": "Renamed"}, 200},
	}
	for _, ed := range edits {
		if code, body := e.call("POST", api+"/admin/editAccount", adminToken, ed.body); code != ed.want {
			t.Errorf("editAccount %v = %d (%s), want %d", ed.body, code, body, ed.want)
		}
	}
	var got struct{ Name string }
	e.callJSON("GET", api+"/admin/getAccount?id="+id, adminToken, nil, 200, &got)
	if got.Name != "Renamed" {
		t.Fatalf("name = %q", got.Name)
	}
	e.s.SetAccountName(c.Account.ID, "Drifted")
	var all []struct {
		ID   int64
		Name string
	}
	e.callJSON("GET", api+"/admin/getAllAccounts", adminToken, nil, 200, &all)
	if len(all) != 2 || all[1].Name != "Drifted" {
		t.Fatalf("getAllAccounts = %+v", all)
	}
}

func TestUsers(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("U", "u@x.com")
	var users []map[string]any
	e.callJSON("GET", api+"/admin/getAllUsers", adminToken, nil, 200, &users)
	if len(users) != 3 { // admin, viewer, u@x.com
		t.Fatalf("users = %v", users)
	}
	last := users[2]
	if last["email"] != "u@x.com" || last["accountId"] != float64(c.Account.ID) || last["isAdmin"] != false {
		t.Fatalf("user = %v", last)
	}
	for _, bad := range []string{"", "?id=x", "?id=0"} {
		if code, _ := e.call("GET", api+"/admin/getUser"+bad, adminToken, nil); code != 400 {
			t.Errorf("getUser%s = %d, want 400", bad, code)
		}
	}
	if code, _ := e.call("GET", api+"/admin/getUser?id=999", adminToken, nil); code != 404 {
		t.Errorf("unknown user = %d, want 404", code)
	}
	var u struct {
		ID         int64
		Email      string
		ModifiedAt int64
	}
	e.callJSON("GET", fmt.Sprintf("%s/admin/getUser?id=%d", api, c.User.ID), adminToken, nil, 200, &u)
	if u.ID != c.User.ID || u.Email != "u@x.com" || u.ModifiedAt == 0 {
		t.Fatalf("getUser = %+v", u)
	}
}

func TestErrorFormats(t *testing.T) {
	for format, want := range map[string]string{"": `{"error":"missing bearer token"}`,
		"message": `{"message":"missing bearer token"}`, "text": "missing bearer token"} {
		e := newEnv(t, func(o *Options) { o.ErrorFormat = format })
		if code, body := e.call("GET", api+"/admin/getAllAccounts", "", nil); code != 401 || strings.TrimSpace(string(body)) != want {
			t.Errorf("format %q: %d %s", format, code, body)
		}
	}
}
