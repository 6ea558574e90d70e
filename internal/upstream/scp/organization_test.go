package scp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

func TestGetAccount(t *testing.T) {
	f := newFixture(t, func(o *scpsandbox.Options, _ *Config) { o.VisibilityDelay = 20 * time.Second })
	ctx := context.Background()
	created, err := f.client.CreateAccount(ctx, createReq("team-a"))
	if err != nil {
		t.Fatal(err)
	}
	// Right after the 201 the organization may not know the account yet.
	if _, err := f.client.GetAccount(ctx, created.AccountID); !httpapi.IsNotFound(err) {
		t.Fatalf("fresh account: %v", err)
	}
	f.clk.Advance(20 * time.Second)
	a, err := f.client.GetAccount(ctx, created.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != created.AccountID || a.Name != "team-a" || a.ParentUnitID != "ou-root" || a.State != StateActive {
		t.Fatalf("account %+v", a)
	}
	_, err = f.client.GetAccount(ctx, "0123456789abcdef")
	if e := statusOf(t, err); e.StatusCode != 404 || e.Code != "Organization.AccountNotFound" {
		t.Fatalf("unknown: %v", err)
	}
	if _, err := f.client.GetAccount(ctx, "../v1/accounts"); err == nil || httpapi.StatusCode(err) != 0 {
		t.Fatalf("path-breaking id sent: %v", err)
	}
}

func TestListAndAccountsNamed(t *testing.T) {
	f := newFixture(t, func(_ *scpsandbox.Options, c *Config) { c.PageSize = 2 })
	ctx := context.Background()
	for i := range 5 {
		if _, err := f.client.CreateAccount(ctx, createReq(fmt.Sprintf("team-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	spaced := f.sb.CreateAccountDirect("Team Ü 7", "ou-legacy")

	page, err := f.client.ListAccounts(ctx, ListAccountsOptions{Size: 2, Page: 1})
	if err != nil || page.Count != 6 || len(page.Accounts) != 2 || page.Accounts[0].Name != "team-2" {
		t.Fatalf("page: %+v %v", page, err)
	}
	cases := []struct {
		name    string
		wantID  string
		pages   int  // requests expected
		noQuery bool // the name must not be sent as a filter
	}{
		{"team-3", f.sb.Accounts()[3].ID, 1, false},
		{"team", "", 1, false},
		{"Team Ü 7", spaced, 3, true}, // 6 accounts, 2 per page, matched client-side
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.rec.reset()
			found, err := f.client.AccountsNamed(ctx, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if (len(found) == 0 && tc.wantID != "") || (len(found) > 0 && (len(found) != 1 || found[0].ID != tc.wantID)) {
				t.Fatalf("found %+v, want id %q", found, tc.wantID)
			}
			reqs := f.rec.requests()
			if len(reqs) != tc.pages {
				t.Fatalf("%d list requests, want %d", len(reqs), tc.pages)
			}
			for _, r := range reqs {
				if strings.Contains(r.URL.RawQuery, "%") || (tc.noQuery && strings.Contains(r.URL.RawQuery, "name=")) {
					t.Fatalf("query %q", r.URL.RawQuery)
				}
			}
		})
	}
}

// A filter value that needs escaping is signed as sent (encodeURI turns its
// %XX into %25XX on both sides) and accepted.
func TestListWithEscapedFilter(t *testing.T) {
	f := newFixture(t)
	id := f.sb.CreateAccountDirect("Team A/1", "ou-1")
	page, err := f.client.ListAccounts(context.Background(), ListAccountsOptions{Name: "Team A/1"})
	if err != nil || len(page.Accounts) != 1 || page.Accounts[0].ID != id {
		t.Fatalf("%+v %v", page, err)
	}
	if q := f.rec.requests()[0].URL.RawQuery; q != "name=Team%20A%2F1" {
		t.Fatalf("query %q", q)
	}
}

// Tampering with the URL after signing (sign one, send another) is a 401.
func TestAlteredQueryRejected(t *testing.T) {
	f := newFixture(t)
	f.rec.tamper = func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "size=1", "size=2", 1) }
	err := f.client.Verify(context.Background())
	if e := statusOf(t, err); e.StatusCode != 401 {
		t.Fatalf("altered query: %v", err)
	}
}

func TestMoveAccount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.sb.CreateAccountDirect("team-a", "ou-1")
	out, err := f.client.MoveAccount(ctx, scpsandbox.DefaultOrganizationID, id, "ou-2")
	if err != nil || len(out.SuccessIDs) != 1 || out.SuccessIDs[0].SuccessID != id {
		t.Fatalf("move: %+v %v", out, err)
	}
	if a, _ := f.client.GetAccount(ctx, id); a.ParentUnitID != "ou-2" {
		t.Fatalf("parent %s", a.ParentUnitID)
	}
	cases := []struct{ name, id, parent, code string }{
		{"unknown parent unit", id, "bad-unit", "Organization.ParentUnitNotFound"},
		{"unknown account", "0123abcd", "ou-3", "Organization.AccountNotFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := f.client.MoveAccount(ctx, scpsandbox.DefaultOrganizationID, tc.id, tc.parent)
			e := statusOf(t, err)
			if !errors.Is(err, ErrMoveFailed) || e.StatusCode != 200 || e.Code != tc.code || e.Message == "" {
				t.Fatalf("error %+v", e)
			}
			if out == nil || len(out.FailedIDs) != 1 || out.FailedIDs[0].FailedID != tc.id {
				t.Fatalf("response %+v", out)
			}
		})
	}
	_, err = f.client.MoveAccount(ctx, "org-other", id, "ou-3")
	if e := statusOf(t, err); e.StatusCode != 404 {
		t.Fatalf("other organization: %v", err)
	}
}

func TestMoveOutcomeWithoutOurAccount(t *testing.T) {
	c := &Client{}
	out := &MoveAccountResponse{SuccessIDs: []MoveSuccess{{SuccessID: "someone-else"}}}
	if err := c.moveOutcome("MoveAccount", &httpapi.Response{StatusCode: 200}, out, "mine"); !errors.Is(err, ErrMoveFailed) {
		t.Fatalf("missing success entry: %v", err)
	}
}

func TestDeleteAccount(t *testing.T) {
	f := newFixture(t, func(o *scpsandbox.Options, _ *Config) { o.ClosureDelay = time.Hour })
	ctx := context.Background()
	id := f.sb.CreateAccountDirect("team-a", "ou-1")
	if err := f.client.DeleteAccount(ctx, id); err != nil {
		t.Fatal(err)
	}
	a, err := f.client.GetAccount(ctx, id)
	if err != nil || a.State != StatePendingClosure {
		t.Fatalf("after delete: %+v %v", a, err)
	}
	if err := f.client.DeleteAccount(ctx, id); err != nil {
		t.Fatalf("delete while closing: %v", err)
	}
	f.clk.Advance(time.Hour)
	if _, err := f.client.GetAccount(ctx, id); !httpapi.IsNotFound(err) {
		t.Fatalf("after closure: %v", err)
	}
	// 404 on delete means done.
	if err := f.client.DeleteAccount(ctx, id); err != nil {
		t.Fatalf("delete of a gone account: %v", err)
	}
	if n := f.sb.Faults().Codes()["DeleteAccount"][404]; n != 1 {
		t.Fatalf("sandbox answered 404 %d times", n)
	}
}

func TestVerify(t *testing.T) {
	member := func(o *scpsandbox.Options, _ *Config) {
		o.Credentials = []scpsandbox.Credential{{AccessKey: "member-key", SecretKey: "member-secret", Forbidden: true},
			{AccessKey: scpsandbox.DefaultAccessKey, SecretKey: scpsandbox.DefaultSecretKey}}
	}
	stale := func(_ *scpsandbox.Options, c *Config) {
		c.Now = func() time.Time { return time.Now().Add(-10 * time.Minute) }
	}
	cases := []struct {
		name   string
		opts   []fixtureOpt
		status int
	}{
		{"ok", nil, 0},
		{"wrong secret", []fixtureOpt{withKeys(scpsandbox.DefaultAccessKey, "wrong")}, 401},
		{"stale clock", []fixtureOpt{stale}, 401},
		{"forbidden", []fixtureOpt{member, withKeys("member-key", "member-secret")}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.opts...)
			err := f.client.Verify(context.Background())
			if httpapi.StatusCode(err) != tc.status || (tc.status == 0 && err != nil) {
				t.Fatalf("err %v, want status %d", err, tc.status)
			}
		})
	}
}

// An email is matched exactly over a listing; '@' needs escaping, so the
// value is never sent as a filter.
func TestAccountsWithEmail(t *testing.T) {
	f := newFixture(t, func(_ *scpsandbox.Options, c *Config) { c.PageSize = 2 })
	ctx := context.Background()
	for _, n := range []string{"team-a", "team-b", "team-c"} {
		if _, err := f.client.CreateAccount(ctx, createReq(n)); err != nil {
			t.Fatal(err)
		}
	}
	f.rec.reset()
	found, err := f.client.AccountsWithEmail(ctx, "team-c@example.com")
	if err != nil || len(found) != 1 || found[0].Name != "team-c" {
		t.Fatalf("found %+v, %v", found, err)
	}
	for _, r := range f.rec.requests() {
		if strings.Contains(r.URL.RawQuery, "email=") {
			t.Fatalf("query %q", r.URL.RawQuery)
		}
	}
	if none, err := f.client.AccountsWithEmail(ctx, "team@example.com"); err != nil || len(none) != 0 {
		t.Fatalf("substring matched: %+v, %v", none, err)
	}
}
