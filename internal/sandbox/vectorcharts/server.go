// Package vectorcharts simulates the VectorCharts OEM Portal API in memory:
// bearer-token auth with admin and non-admin users, atomic createAccount
// (account + owner + initial token), reads, rename, API tokens, login, and an
// asynchronous deleteAccount job. It is written from the vendor reference, not
// from the client, and every route is wrapped in a fault injector.
package vectorcharts

import (
	"net/http"
	"sync"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// Options configure a Server. Zero values get the defaults noted.
type Options struct {
	// AdminTokens are bearer API tokens of the admin user of AdminAccountID.
	AdminTokens []string
	// UserTokens are bearer API tokens of a non-admin user of the same
	// account: accepted on self-scoped routes, 403 on /admin/*.
	UserTokens []string
	// AdminAccountID is the id of the operator's own account (default 1);
	// deleting it is a 400. New ids are allocated above it.
	AdminAccountID int64
	// AdminUsername and AdminPassword log in on /auth/login (default admin/admin,
	// the vendor's defaults).
	AdminUsername string
	AdminPassword string
	// PlanInstance of the admin account, inherited by new accounts (default "oem").
	PlanInstance string
	// A delete job stays pending for JobPendingFor (default 500ms), then
	// running for JobRunningFor (default 1.5s), then completes.
	JobPendingFor time.Duration
	JobRunningFor time.Duration
	// ErrorFormat picks the undocumented error body: "error" ({"error":msg},
	// the default), "message" ({"message":msg}) or "text" (plain text).
	ErrorFormat string
	// Now is the clock (default time.Now); tests inject a fake one.
	Now func() time.Time
	// Variants switch what the vendor does not document (zero: defaults).
	Variants Variants
}

func (o *Options) defaults() {
	if o.AdminAccountID <= 0 {
		o.AdminAccountID = 1
	}
	if o.AdminUsername == "" {
		o.AdminUsername = "admin"
	}
	if o.AdminPassword == "" {
		o.AdminPassword = "admin"
	}
	if o.PlanInstance == "" {
		o.PlanInstance = "oem"
	}
	if o.JobPendingFor <= 0 {
		o.JobPendingFor = 500 * time.Millisecond
	}
	if o.JobRunningFor <= 0 {
		o.JobRunningFor = 1500 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Variants.defaults()
}

// Server is one simulated OEM instance. Safe for concurrent use.
type Server struct {
	opts   Options
	faults *fault.Injector

	mu      sync.Mutex
	st      *state
	jobEnds []string // how the next delete jobs end instead of completing
}

// Operation names used for fault injection and counters.
const (
	OpCreateAccount     = "CreateAccount"
	OpGetAccount        = "GetAccount"
	OpGetAllAccounts    = "GetAllAccounts"
	OpGetUser           = "GetUser"
	OpGetAllUsers       = "GetAllUsers"
	OpGetApiTokens      = "GetApiTokens"
	OpCreateApiToken    = "CreateApiToken"
	OpEditAccount       = "EditAccount"
	OpDeleteAccount     = "DeleteAccount"
	OpListJobs          = "ListJobs"
	OpLogin             = "Login"
	OpListOwnApiTokens  = "ListOwnApiTokens"
	OpCreateOwnApiToken = "CreateOwnApiToken"
	OpDeleteOwnApiToken = "DeleteOwnApiToken"
)

// New returns a server holding the admin account, its admin user (with
// AdminTokens) and, when UserTokens are given, a non-admin user. Options with
// a Variants value no switch accepts panic: check them with Variants.Check.
func New(opts Options) *Server {
	if err := opts.Variants.Check(); err != nil {
		panic("vectorcharts sandbox: " + err.Error())
	}
	opts.defaults()
	s := &Server{opts: opts, faults: fault.New(), st: newState()}
	s.seed()
	return s
}

func (s *Server) seed() {
	now := s.opts.Now()
	st := s.st
	st.nextID = s.opts.AdminAccountID
	a := &account{ID: s.opts.AdminAccountID, Name: "OEM Administration", PlanInstance: s.opts.PlanInstance,
		Metadata: map[string]any{}, CreatedAt: millis(now)}
	st.accounts[a.ID] = a
	admin := &user{ID: st.allocID(), AccountID: a.ID, Email: s.opts.AdminUsername, IsAdmin: true,
		CreatedAt: millis(now), ModifiedAt: millis(now), pwHash: hashPassword(s.opts.AdminPassword)}
	st.users[admin.ID] = admin
	s.seedTokens(admin, "Admin", s.opts.AdminTokens, now)
	if len(s.opts.UserTokens) > 0 {
		viewer := &user{ID: st.allocID(), AccountID: a.ID, Email: "viewer@" + s.opts.PlanInstance + ".local",
			CreatedAt: millis(now), ModifiedAt: millis(now), pwHash: hashPassword(randomHex(16))}
		st.users[viewer.ID] = viewer
		s.seedTokens(viewer, "Viewer", s.opts.UserTokens, now)
	}
}

// seedTokens registers configured bearers with their given values.
func (s *Server) seedTokens(u *user, name string, ids []string, now time.Time) {
	for _, id := range ids {
		s.st.newToken(u, id, name, nil, now, false)
	}
}

// Faults is the injector wrapping every route.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Handler serves the Portal API under /api/portal/v1.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	routes := []struct {
		pattern, op string
		h           http.HandlerFunc
	}{
		{"POST /api/portal/v1/admin/createAccount", OpCreateAccount, s.admin(s.createAccount)},
		{"GET /api/portal/v1/admin/getAccount", OpGetAccount, s.admin(s.getAccount)},
		{"GET /api/portal/v1/admin/getAllAccounts", OpGetAllAccounts, s.admin(s.getAllAccounts)},
		{"POST /api/portal/v1/admin/editAccount", OpEditAccount, s.admin(s.editAccount)},
		{"POST /api/portal/v1/admin/deleteAccount", OpDeleteAccount, s.admin(s.deleteAccount)},
		{"GET /api/portal/v1/admin/getUser", OpGetUser, s.admin(s.getUser)},
		{"GET /api/portal/v1/admin/getAllUsers", OpGetAllUsers, s.admin(s.getAllUsers)},
		{"GET /api/portal/v1/admin/getApiTokens", OpGetApiTokens, s.admin(s.getApiTokens)},
		{"POST /api/portal/v1/admin/createApiToken", OpCreateApiToken, s.admin(s.createApiToken)},
		{"GET /api/portal/v1/jobs", OpListJobs, s.listJobs},
		{"POST /api/portal/v1/auth/login", OpLogin, s.login},
		{"GET /api/portal/v1/apiTokens", OpListOwnApiTokens, s.listOwnTokens},
		{"POST /api/portal/v1/apiTokens", OpCreateOwnApiToken, s.createOwnToken},
		{"DELETE /api/portal/v1/apiTokens/{id}", OpDeleteOwnApiToken, s.deleteOwnToken},
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, s.faults.Wrap(rt.op, rt.h))
	}
	return mux
}

// now reads the clock and advances delete jobs; callers hold s.mu.
func (s *Server) now() time.Time {
	t := s.opts.Now()
	s.advanceJobs(t)
	return t
}
