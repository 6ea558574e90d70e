// Package ccm is an in-memory simulator of the Fortanix Confidential Computing
// Manager account API (see ../../../../shared/reference/upstream-apis.md §1):
// Basic login issuing expiring bearer tokens, session refresh and
// select_account, and account create/read/list/update/delete with the
// vendor's request schemas enforced. It is written from the reference, not
// from the client, so it never imports the client's wire types.
package ccm

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// User is a CCM user that can log in with Basic auth.
type User struct {
	Email    string
	Password string
	// SystemAdmin may list every account with scope=SYSTEM.
	SystemAdmin bool
}

// Options configures the sandbox. Zero values pick the defaults named below.
type Options struct {
	// Users that may log in. Default: one user admin@example.com / admin-password.
	Users []User
	// TokenTTL is how long a bearer token lives after login or refresh (default 15m).
	TokenTTL time.Duration
	// SessionTTL bounds a session, refreshes included (default 8h).
	SessionTTL time.Duration
	// PathPrefix replaces /v1 in every route, e.g. /api/v1/confidential_computing.
	PathPrefix string
	// Version is what GET /sys/version reports (default "4.0.0-sandbox").
	Version string
	// Now is the clock (default time.Now); tests share a fake clock with the client.
	Now func() time.Time
	// Variants switch undocumented behaviour; SetVariants changes them later.
	Variants Variants
}

// Server is the simulator. Safe for concurrent use.
type Server struct {
	opts   Options
	faults *fault.Injector

	mu       sync.Mutex
	users    map[string]User
	sessions map[string]*session // by bearer token
	accounts map[string]*account // by acct_id
}

// New returns a sandbox with no accounts.
func New(opts Options) *Server {
	if len(opts.Users) == 0 {
		opts.Users = []User{{Email: "admin@example.com", Password: "admin-password"}}
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 15 * time.Minute
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 8 * time.Hour
	}
	if opts.PathPrefix == "" {
		opts.PathPrefix = "/v1"
	}
	opts.PathPrefix = "/" + strings.Trim(opts.PathPrefix, "/")
	if opts.Version == "" {
		opts.Version = "4.0.0-sandbox"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := opts.Variants.Check(); err != nil {
		panic("ccm sandbox: " + err.Error())
	}
	opts.Variants.PatchIgnores = slices.Clone(opts.Variants.PatchIgnores)
	s := &Server{opts: opts, faults: fault.New(), users: map[string]User{},
		sessions: map[string]*session{}, accounts: map[string]*account{}}
	for _, u := range opts.Users {
		s.users[u.Email] = u
	}
	return s
}

// Faults returns the fault injector wrapping every route.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Handler serves the vendor API routes.
func (s *Server) Handler() http.Handler {
	p := s.opts.PathPrefix
	mux := http.NewServeMux()
	route := func(pattern, op string, h http.HandlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.Handle(method+" "+p+path, s.faults.Wrap(op, h))
	}
	route("POST /sys/auth", "Login", s.login)
	route("POST /sys/session/refresh", "RefreshSession", s.authed(s.refresh))
	route("POST /sys/session/select_account/{id}", "SelectAccount", s.selectAt(SelectSession))
	route("POST /accounts/select_account/{id}", "SelectAccount", s.selectAt(SelectAccounts))
	route("POST /sys/session/terminate", "TerminateSession", s.authed(s.terminate))
	route("GET /sys/version", "Version", s.version)
	route("POST /accounts", "CreateAccount", s.authed(s.createAccount))
	route("GET /accounts", "ListAccounts", s.authed(s.listAccounts))
	route("GET /accounts/{id}", "GetAccount", s.authed(s.getAccount))
	route("PATCH /accounts/{id}", "UpdateAccount", s.authed(s.updateAccount))
	route("DELETE /accounts/{id}", "DeleteAccount", s.authed(s.deleteAccount))
	return mux
}

// AccountInfo is the admin view of one account.
type AccountInfo struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	AccountStatus string            `json:"accountStatus"`
	Enabled       bool              `json:"enabled"`
	AuthConfigIDs []string          `json:"authConfigIDs"`
	Members       map[string]string `json:"members"` // email -> role
}

// AdminHandler serves GET /accounts, GET and POST /variants (a Variants
// object) plus the fault endpoints; mount it under
// /admin/ with the prefix stripped.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /accounts", func(w http.ResponseWriter, _ *http.Request) {
		fault.WriteJSON(w, http.StatusOK, s.Accounts())
	})
	s.variantsAdmin(mux)
	mux.Handle("/", s.faults.AdminHandler())
	return mux
}

// Accounts lists the accounts held, ordered by id.
func (s *Server) Accounts() []AccountInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AccountInfo, 0, len(s.accounts))
	for _, a := range s.sortedAccounts() {
		members := make(map[string]string, len(a.members))
		for k, v := range a.members {
			members[k] = v
		}
		out = append(out, AccountInfo{ID: a.id, Name: a.name, AccountStatus: a.accountStatus,
			Enabled: a.enabled, AuthConfigIDs: a.configIDs(), Members: members})
	}
	return out
}

// SetAccountName renames an account behind the client's back (drift).
func (s *Server) SetAccountName(id, name string) bool {
	return s.mutate(id, func(a *account) { a.name = name })
}

// SetAccountStatus sets account_status (Active|Deactivated) directly (drift).
func (s *Server) SetAccountStatus(id, status string) bool {
	return s.mutate(id, func(a *account) { a.accountStatus = status })
}

// AddMember gives a user a role (READER|WRITER|MANAGER) in an account.
func (s *Server) AddMember(id, email, role string) bool {
	return s.mutate(id, func(a *account) { a.members[email] = role })
}

// DeleteAccountDirect removes an account without an API call (drift).
func (s *Server) DeleteAccountDirect(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.accounts[id]
	delete(s.accounts, id)
	return ok
}

// ExpireTokens makes every issued bearer token invalid now, as a server-side
// session reset would; clients must log in again.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	for _, ss := range s.sessions {
		ss.tokenExpires = now
	}
}

// Tokens returns every bearer token issued so far (tests check none leaks).
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.sessions))
	for t := range s.sessions {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func (s *Server) mutate(id string, f func(*account)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if ok {
		f(a)
	}
	return ok
}

// sortedAccounts returns accounts in id order (keyset paging order). Caller holds mu.
func (s *Server) sortedAccounts() []*account {
	out := make([]*account, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return "eyJ" + hex.EncodeToString(b[:])
}

// textError answers a plain-text error body, as CCM does (no error schema).
func textError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg))
}
