package vectorcharts

import (
	"strings"
	"testing"
	"time"
)

// TestDeleteApiToken: a token of the same account revokes another one, which
// then gets 401; a token of another account cannot (404); deleting twice is a
// 404; the bearer strings never show in the error.
func TestDeleteApiToken(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	a := create(t, c, "A", "a@x.com")
	b := create(t, c, "B", "b@x.com")
	next, err := c.CreateApiToken(ctxT(t), CreateApiTokenRequest{UserID: a.User.ID, AccountID: a.Account.ID, Name: "next"})
	if err != nil {
		t.Fatal(err)
	}
	err = c.DeleteApiToken(ctxT(t), b.InitialToken.ID, a.InitialToken.ID)
	if statusOf(t, err) != 404 {
		t.Fatalf("delete from another account: %v, want 404", err)
	}
	if msg := err.Error(); strings.Contains(msg, a.InitialToken.ID.Reveal()) || strings.Contains(msg, b.InitialToken.ID.Reveal()) {
		t.Fatalf("error leaks a token: %s", msg)
	}
	if code := e.bearerWorks(t, a.InitialToken.ID); code != 200 {
		t.Fatalf("token revoked by another account: %d", code)
	}
	if err := c.DeleteApiToken(ctxT(t), next.ID, a.InitialToken.ID); err != nil {
		t.Fatalf("DeleteApiToken: %v", err)
	}
	if code := e.bearerWorks(t, a.InitialToken.ID); code != 401 {
		t.Fatalf("deleted token answers %d, want 401", code)
	}
	if code := e.bearerWorks(t, next.ID); code != 200 {
		t.Fatalf("revoking token stopped working: %d", code)
	}
	if err := c.DeleteApiToken(ctxT(t), next.ID, a.InitialToken.ID); statusOf(t, err) != 404 {
		t.Fatalf("second delete: %v, want 404", err)
	}
}

// TestGetApiTokens lists an account's tokens oldest first, and only its own.
func TestGetApiTokens(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	a := create(t, c, "A", "a@x.com")
	_ = create(t, c, "B", "b@x.com")
	next, err := c.CreateApiToken(ctxT(t), CreateApiTokenRequest{UserID: a.User.ID, AccountID: a.Account.ID, Name: "next"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetApiTokens(ctxT(t), a.Account.ID)
	if err != nil || len(got) != 2 || got[0].ID != a.InitialToken.ID || got[1].ID != next.ID {
		t.Fatalf("GetApiTokens = %d tokens, %v", len(got), err)
	}
	if d := time.Since(got[0].CreatedAt); got[0].CreatedAt.IsZero() || d < 0 || d > time.Minute {
		t.Fatalf("createdAt of the initial token %v", got[0].CreatedAt)
	}
	if _, err := c.GetApiTokens(ctxT(t), 9999); statusOf(t, err) != 404 {
		t.Fatalf("unknown account: %v, want 404", err)
	}
}

// TestTokenListCreatedAtIsLenient: createdAt is epoch milliseconds; anything
// else (a string, a float, null, absent) reads as unknown, never failing the
// listing.
func TestTokenListCreatedAtIsLenient(t *testing.T) {
	for raw, want := range map[string]int64{`1736942400000`: 1736942400000, `"1736942400000"`: 0, `1.5`: 0,
		`-1`: 0, `null`: 0, ``: 0} {
		got := (apiTokenListWire{ID: "x", CreatedAt: []byte(raw)}).token().CreatedAt
		if (want == 0 && !got.IsZero()) || (want != 0 && got.UnixMilli() != want) {
			t.Errorf("createdAt %s reads %v, want %d", raw, got, want)
		}
	}
}

// TestTokenListNameIsLenient: a name of another type than documented reads as
// "", never failing the listing.
func TestTokenListNameIsLenient(t *testing.T) {
	for raw, want := range map[string]string{`"account-operator"`: "account-operator", `42`: "", `null`: "", ``: ""} {
		if got := (apiTokenListWire{ID: "x", Name: []byte(raw)}).token().Name; got != want {
			t.Errorf("name %s reads %q, want %q", raw, got, want)
		}
	}
}

// TestCheckApiToken: a valid token passes its check, a revoked one gets 401,
// and the error never shows the bearer.
func TestCheckApiToken(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	a := create(t, c, "A", "a@x.com")
	if err := c.CheckApiToken(ctxT(t), a.InitialToken.ID); err != nil {
		t.Fatalf("CheckApiToken of a valid token: %v", err)
	}
	next, err := c.CreateApiToken(ctxT(t), CreateApiTokenRequest{UserID: a.User.ID, AccountID: a.Account.ID, Name: "next"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteApiToken(ctxT(t), next.ID, a.InitialToken.ID); err != nil {
		t.Fatal(err)
	}
	err = c.CheckApiToken(ctxT(t), a.InitialToken.ID)
	if statusOf(t, err) != 401 {
		t.Fatalf("CheckApiToken of a revoked token: %v, want 401", err)
	}
	if strings.Contains(err.Error(), a.InitialToken.ID.Reveal()) {
		t.Fatalf("error leaks the token: %s", err)
	}
}
