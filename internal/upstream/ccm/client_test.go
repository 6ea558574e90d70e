package ccm

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no url", Config{Username: "u", Password: "p"}},
		{"relative url", Config{BaseURL: "/ccm", Username: "u", Password: "p"}},
		{"ftp url", Config{BaseURL: "ftp://h", Username: "u", Password: "p"}},
		{"no username", Config{BaseURL: "https://h", Password: "p"}},
		{"no password", Config{BaseURL: "https://h", Username: "u"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil {
				t.Fatal("want error")
			}
		})
	}
}

func TestVersionNeedsNoLogin(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{Version: "9.9.9"})
	v, err := e.client(t, nil).Version(t.Context())
	if err != nil || v.Version != "9.9.9" {
		t.Fatalf("Version = %+v, %v", v, err)
	}
	if n := e.calls("Login"); n != 0 {
		t.Fatalf("Version logged in %d times", n)
	}
}

func TestLoginAndVerify(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	info, err := c.Login(t.Context())
	if err != nil || info.SubjectID == "" || info.SessionTokenExpiresAt <= e.clock.Now().Unix() {
		t.Fatalf("Login = %+v, %v", info, err)
	}
	if err := c.Verify(t.Context()); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if n := e.calls("Login"); n != 1 {
		t.Fatalf("Verify after Login logged in again: %d logins", n)
	}
}

func TestAccountLifecycle(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	ctx := t.Context()
	a := mustCreate(t, c, fullRequest("acme"))
	if a.AcctID == "" || a.DefaultGroupID == "" || a.MarketplaceGroupID == "" || a.Status != "ACTIVE" ||
		a.AccountStatus != AccountActive || !reflect.DeepEqual(a.Roles, []string{"MANAGER"}) ||
		a.Component != ComponentConfidential || !a.NodeEnrollment.AttestationEnforcementDisabledInsecure ||
		!bytes.Equal(a.CustomLogo, pngLogo) || len(a.AuthConfigs) != len(allVariants()) || len(a.AzureCvmPcrPriority) != 23 {
		t.Fatalf("created account = %+v", a)
	}
	for id, cfg := range a.AuthConfigs {
		if cfg.Oauth != nil && cfg.Oauth.ClientSecret != "" {
			t.Fatalf("config %s: client_secret came back", id)
		}
	}

	got, err := c.GetAccount(ctx, a.AcctID, true)
	if err != nil || got.Name != "acme" || got.Totals == nil {
		t.Fatalf("GetAccount = %+v, %v", got, err)
	}
	if got, _ := c.GetAccount(ctx, a.AcctID, false); got.Totals != nil {
		t.Fatal("totals returned without with_totals")
	}

	// One PATCH: rename, reorder PCRs, replace, delete and add auth configs.
	ids := sortedIDs(a.AuthConfigs)
	enabled := false
	upd, err := c.UpdateAccount(ctx, a.AcctID, AccountUpdateRequest{Name: "acme-renamed",
		AzureCvmPcrPriority: pcrReversed(), AccountStatus: AccountDeactivated, Enabled: &enabled,
		ModAuthConfigs: map[string]AuthenticationConfig{ids[0]: oauthConfig(requiredPinned())},
		DelAuthConfigs: []string{ids[1]}, AddAuthConfigs: []AuthenticationConfig{passwordConfig(false)}})
	if err != nil {
		t.Fatalf("UpdateAccount: %v", err)
	}
	if upd.Name != "acme-renamed" || !reflect.DeepEqual(upd.AzureCvmPcrPriority, pcrReversed()) ||
		upd.AccountStatus != AccountDeactivated || len(upd.AuthConfigs) != len(ids) ||
		upd.AuthConfigs[ids[0]].Oauth == nil {
		t.Fatalf("updated account = %+v", upd)
	}
	if _, ok := upd.AuthConfigs[ids[1]]; ok {
		t.Fatal("deleted auth config still present")
	}

	if err := c.DeleteAccount(ctx, a.AcctID); err != nil {
		t.Fatalf("DeleteAccount: %v", err)
	}
	_, err = c.GetAccount(ctx, a.AcctID, false)
	wantStatus(t, err, http.StatusNotFound)
	if err := c.DeleteAccount(ctx, a.AcctID); err != nil {
		t.Fatalf("second DeleteAccount = %v, want nil (404 means done)", err)
	}
}

func TestListPagingAndFindByName(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, func(cfg *Config) { cfg.PageSize = 2 })
	var want []string
	for i := range 5 {
		want = append(want, mustCreate(t, c, AccountRequest{Name: fmt.Sprintf("acct-%d", i)}).AcctID)
	}
	sort.Strings(want)
	var got []string
	prev := ""
	for range 10 { // bounded: 5 accounts in pages of 2
		page, err := c.ListAccounts(t.Context(), ListOptions{Limit: 2, PreviousID: prev, Scope: "USER", SortBy: "acct_id:ASC"})
		if err != nil {
			t.Fatalf("ListAccounts: %v", err)
		}
		for _, a := range page.Items {
			got = append(got, a.AcctID)
		}
		if len(page.Items) < 2 {
			break
		}
		prev = page.Items[len(page.Items)-1].AcctID
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("paged ids = %v, want %v", got, want)
	}
	for i := range 5 {
		name := fmt.Sprintf("acct-%d", i)
		a, err := c.FindAccountByName(t.Context(), name)
		if err != nil || a == nil || a.Name != name {
			t.Fatalf("FindAccountByName(%s) = %+v, %v", name, a, err)
		}
	}
	if a, err := c.FindAccountByName(t.Context(), "absent"); a != nil || err != nil {
		t.Fatalf("FindAccountByName(absent) = %+v, %v", a, err)
	}
}

func TestPathPrefix(t *testing.T) {
	const prefix = "/api/v1/confidential_computing"
	e := newEnv(t, ccmsandbox.Options{PathPrefix: prefix})
	c := e.client(t, func(cfg *Config) { cfg.BaseURL += "/"; cfg.PathPrefix = prefix + "/" })
	a := mustCreate(t, c, AccountRequest{Name: "prefixed"})
	if _, err := c.GetAccount(t.Context(), a.AcctID, false); err != nil {
		t.Fatalf("GetAccount: %v", err)
	}
	wrong := e.client(t, nil) // default /v1 is not served
	_, err := wrong.Version(t.Context())
	wantStatus(t, err, http.StatusNotFound)
}

func TestErrorPaths(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	admin := e.client(t, nil)
	other := e.client(t, func(c *Config) { c.Username, c.Password = otherEmail, otherPassword })
	bad := e.client(t, func(c *Config) { c.Password = "wrong-password" })
	owned := mustCreate(t, admin, AccountRequest{Name: "owned"})
	shared := mustCreate(t, admin, AccountRequest{Name: "shared"})
	e.sb.AddMember(shared.AcctID, otherEmail, "READER")
	const unknown = "00000000-0000-4000-8000-000000000000"
	ctx := t.Context()
	tests := []struct {
		name   string
		call   func() error
		status int
	}{
		{"bad credentials login", func() error { _, err := bad.Login(ctx); return err }, 401},
		{"bad credentials verify", func() error { return bad.Verify(ctx) }, 401},
		{"bad credentials get", func() error { _, err := bad.GetAccount(ctx, owned.AcctID, false); return err }, 401},
		{"non-member get", func() error { _, err := other.GetAccount(ctx, owned.AcctID, false); return err }, 403},
		{"non-member update", func() error {
			_, err := other.UpdateAccount(ctx, owned.AcctID, AccountUpdateRequest{Name: "x"})
			return err
		}, 403},
		{"non-member delete", func() error { return other.DeleteAccount(ctx, owned.AcctID) }, 403},
		{"reader update", func() error {
			_, err := other.UpdateAccount(ctx, shared.AcctID, AccountUpdateRequest{Name: "x"})
			return err
		}, 403},
		{"reader delete", func() error { return other.DeleteAccount(ctx, shared.AcctID) }, 403},
		{"system scope without admin", func() error {
			_, err := admin.ListAccounts(ctx, ListOptions{Scope: "SYSTEM"})
			return err
		}, 403},
		{"get unknown", func() error { _, err := admin.GetAccount(ctx, unknown, false); return err }, 404},
		{"update unknown", func() error {
			_, err := admin.UpdateAccount(ctx, unknown, AccountUpdateRequest{Name: "x"})
			return err
		}, 404},
		{"duplicate name", func() error { _, err := admin.CreateAccount(ctx, AccountRequest{Name: "owned"}); return err }, 400},
		{"rename to duplicate", func() error {
			_, err := admin.UpdateAccount(ctx, shared.AcctID, AccountUpdateRequest{Name: "owned"})
			return err
		}, 400},
		{"bad component", func() error {
			_, err := admin.CreateAccount(ctx, AccountRequest{Name: "n", Component: "BOGUS"})
			return err
		}, 400},
		{"bad pcr", func() error {
			_, err := admin.UpdateAccount(ctx, owned.AcctID, AccountUpdateRequest{AzureCvmPcrPriority: []int{0, 1}})
			return err
		}, 400},
		{"mod unknown config", func() error {
			_, err := admin.UpdateAccount(ctx, owned.AcctID, AccountUpdateRequest{
				ModAuthConfigs: map[string]AuthenticationConfig{unknown: passwordConfig(true)}})
			return err
		}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantStatus(t, tt.call(), tt.status) })
	}
	if err := admin.DeleteAccount(ctx, unknown); err != nil {
		t.Fatalf("DeleteAccount(unknown) = %v, want nil", err)
	}
	// The duplicate is found by name, as an adopting caller would.
	if a, err := admin.FindAccountByName(ctx, "owned"); err != nil || a == nil || a.AcctID != owned.AcctID {
		t.Fatalf("FindAccountByName(owned) = %+v, %v", a, err)
	}
}

func TestValidationMessageNamesField(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	c := e.client(t, nil)
	broken := oauthConfig(TlsConfig{}) // no TLS mode chosen
	_, err := c.CreateAccount(t.Context(), AccountRequest{Name: "n", AuthConfigs: []AuthenticationConfig{broken}})
	he := wantStatus(t, err, http.StatusBadRequest)
	if want := "auth_configs[0].oauth.tls"; !bytes.Contains([]byte(he.Message), []byte(want)) {
		t.Fatalf("message %q does not name %s", he.Message, want)
	}
}

func sortedIDs(m map[string]AuthenticationConfig) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

type observed struct {
	mu   sync.Mutex
	seen map[string]int // "provider/op/code"
}

func (o *observed) ObserveRequest(provider, op string, code int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen[fmt.Sprintf("%s/%s/%d", provider, op, code)]++
}

func TestObserverSeesEveryAttempt(t *testing.T) {
	e := newEnv(t, ccmsandbox.Options{})
	obs := &observed{seen: map[string]int{}}
	c := e.client(t, func(cfg *Config) { cfg.Observer = obs })
	e.sb.Faults().FailNext("GetAccount", 1, 500, 0)
	_, _ = c.GetAccount(t.Context(), "00000000-0000-4000-8000-000000000000", false)
	want := map[string]int{"ccm/Login/200": 1, "ccm/GetAccount/500": 1, "ccm/GetAccount/404": 1}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if !reflect.DeepEqual(obs.seen, want) {
		t.Fatalf("observed %v, want %v", obs.seen, want)
	}
}
