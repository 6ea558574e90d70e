package ccm

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

// select_account at either path, answered 200 with session_info or 204 with
// nothing: scoped calls and SelectAccount itself work under each.
func TestSelectAccountVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    ccmsandbox.Variants
	}{
		{"documented 200", ccmsandbox.Variants{}},
		{"204 without a body", ccmsandbox.Variants{SelectNoContent: true}},
		{"em-client path, 204", ccmsandbox.Variants{SelectPath: ccmsandbox.SelectAccounts, SelectNoContent: true}},
		{"em-client path, 200", ccmsandbox.Variants{SelectPath: ccmsandbox.SelectAccounts}},
		{"both paths", ccmsandbox.Variants{SelectPath: ccmsandbox.SelectBoth}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, ccmsandbox.Options{Variants: tc.v})
			c := e.client(t, nil)
			a := mustCreate(t, c, AccountRequest{Name: "sel"})
			b := mustCreate(t, c, AccountRequest{Name: "other"})
			info, err := c.SelectAccount(t.Context(), a.AcctID)
			if err != nil || info.SelectedAccountID != a.AcctID {
				t.Fatalf("SelectAccount = %+v, %v", info, err)
			}
			if err := rename(c, a.AcctID, "sel2"); err != nil {
				t.Fatalf("update after select: %v", err)
			}
			if err := rename(c, b.AcctID, "other2"); err != nil {
				t.Fatalf("update of another account: %v", err)
			}
			if err := c.DeleteAccount(t.Context(), b.AcctID); err != nil {
				t.Fatalf("delete: %v", err)
			}
			// Once the working path is known, each selection is one call.
			before := e.calls("SelectAccount")
			if err := rename(c, a.AcctID, "sel3"); err != nil {
				t.Fatal(err)
			}
			if n := e.calls("SelectAccount") - before; n != 1 {
				t.Errorf("a later selection made %d select_account calls, want 1", n)
			}
		})
	}
}

// An unknown account is still a 404 when select_account must try both paths.
func TestSelectUnknownAccountIsNotFound(t *testing.T) {
	for _, v := range []ccmsandbox.Variants{{}, {SelectPath: ccmsandbox.SelectAccounts}} {
		e := newEnv(t, ccmsandbox.Options{Variants: v})
		c := e.client(t, nil)
		_, err := c.UpdateAccount(t.Context(), "00000000-0000-4000-8000-000000000000", AccountUpdateRequest{Name: "x"})
		wantStatus(t, err, http.StatusNotFound)
		if err := c.DeleteAccount(t.Context(), "00000000-0000-4000-8000-000000000000"); err != nil {
			t.Errorf("DeleteAccount of an unknown id = %v, want nil", err)
		}
	}
}

// Session expiry in seconds or milliseconds: the client refreshes inside the
// margin before expiry under both, never on every call and never not at all.
func TestRefreshUnderBothExpiryUnits(t *testing.T) {
	for _, ms := range []bool{false, true} {
		e := newEnv(t, ccmsandbox.Options{TokenTTL: 10 * time.Minute, SessionTTL: 24 * time.Hour,
			Variants: ccmsandbox.Variants{ExpiryMillis: ms}})
		c := e.client(t, func(cfg *Config) { cfg.RefreshMargin = time.Minute })
		a := mustCreate(t, c, AccountRequest{Name: "exp"})
		hammer(t, c, a.AcctID, 10)
		if r, l := e.calls("RefreshSession"), e.calls("Login"); r != 0 || l != 1 {
			t.Fatalf("ms=%v: fresh token: %d refreshes, %d logins; want none and 1", ms, r, l)
		}
		c.mu.Lock()
		left := c.cur.expires.Sub(e.clock.Now())
		c.mu.Unlock()
		if left != 10*time.Minute {
			t.Fatalf("ms=%v: the client thinks the token lives %v, want 10m", ms, left)
		}
		e.clock.Advance(9*time.Minute + 30*time.Second)
		hammer(t, c, a.AcctID, 10)
		if r, l := e.calls("RefreshSession"), e.calls("Login"); r != 1 || l != 1 {
			t.Fatalf("ms=%v: inside the margin: %d refreshes, %d logins; want 1 and 1", ms, r, l)
		}
	}
}

// A logo echoed in another base64 form (no padding, line breaks) decodes to
// the same bytes and never fails the read.
func TestLogoEchoInOtherBase64Form(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{Variants: ccmsandbox.Variants{NormaliseLogo: true}})
	c := e.client(t, nil)
	logo := append(bytes.Clone(pngLogo), bytes.Repeat([]byte{7}, 300)...)
	a := mustCreate(t, c, AccountRequest{Name: "logo", CustomLogo: logo})
	got, err := c.GetAccount(t.Context(), a.AcctID, false)
	if err != nil {
		t.Fatalf("GetAccount with a re-encoded logo: %v", err)
	}
	if !bytes.HasPrefix(got.CustomLogo, logo) || len(got.CustomLogo) <= len(logo) {
		t.Errorf("logo read back as %d bytes, want the re-encoded image", len(got.CustomLogo))
	}
	page, err := c.ListAccounts(t.Context(), ListOptions{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("ListAccounts = %v, %v", page, err)
	}
}

// FindAccountByID pages the listing: it finds an account on a later page and
// reports a deleted one as absent, whatever GetAccount would answer for it.
func TestFindAccountByID(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{Variants: ccmsandbox.Variants{MissingAccountStatus: http.StatusForbidden}})
	c := e.client(t, func(cfg *Config) { cfg.PageSize = 1 })
	var ids []string
	for _, n := range []string{"p1", "p2", "p3"} {
		ids = append(ids, mustCreate(t, c, AccountRequest{Name: n}).AcctID)
	}
	for _, id := range ids {
		if a, err := c.FindAccountByID(t.Context(), id); err != nil || a == nil || a.AcctID != id {
			t.Fatalf("FindAccountByID(%s) = %v, %v", id, a, err)
		}
	}
	if err := c.DeleteAccount(t.Context(), ids[1]); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetAccount(t.Context(), ids[1], false)
	wantStatus(t, err, http.StatusForbidden)
	if a, err := c.FindAccountByID(t.Context(), ids[1]); err != nil || a != nil {
		t.Fatalf("FindAccountByID of a deleted account = %v, %v; want nil, nil", a, err)
	}
}
