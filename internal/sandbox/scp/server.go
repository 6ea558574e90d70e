// Package scp simulates Samsung Cloud Platform's Cloud Control account factory
// and Organization account APIs in memory, written from the API reference
// (not from the client): HMAC access-key auth with its own encodeURI, the
// {"errors":[…]} envelope, 409 on duplicates, REGISTERING → REGISTERED,
// PENDING_CLOSURE → gone, and the fault knobs of package fault. Where the
// reference is silent, Options has a switch per plausible behaviour (see
// variants.go).
//
// The two services have disjoint paths, so Handler serves both on one host;
// CloudControlHandler and OrganizationHandler serve one service each for a
// two-host setup, where a call sent to the wrong host gets 404.
//
// Errors the simulator produces use the envelope; answers injected by the
// fault knobs are plain text, as a gateway in front of SCP would send.
package scp

import (
	"net/http"
	"sync"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// Defaults used when Options leave them empty.
const (
	DefaultAccessKey      = "sandbox-access-key"
	DefaultSecretKey      = "sandbox-secret-key"
	DefaultOrganizationID = "org-sandbox"
	DefaultMaxSkew        = 5 * time.Minute
)

// Credential is one access key the sandbox knows.
type Credential struct {
	AccessKey string
	SecretKey string
	// Forbidden: the key authenticates but every call answers 403, as SCP does
	// for a key outside the organization's management account.
	Forbidden bool
}

// Options configure a Server. Zero durations mean "at once", so tests opt in
// to asynchronous behaviour.
type Options struct {
	Credentials    []Credential // empty: DefaultAccessKey / DefaultSecretKey
	OrganizationID string       // "": DefaultOrganizationID
	// LandingZoneIDs that exist; create with another answers 404. Empty: any
	// non-empty landing_zone_id is accepted.
	LandingZoneIDs []string
	// RegistrationDelay is how long a new account's baseline assignment stays
	// REGISTERING before REGISTERED (or REGISTRATION_FAILED, see FailRegistration).
	RegistrationDelay time.Duration
	// ClosureDelay is how long a deleted account stays PENDING_CLOSURE before
	// every read answers 404.
	ClosureDelay time.Duration
	// VisibilityDelay is how long organization reads answer 404 for a freshly
	// created account (the reference says this may happen; default none).
	VisibilityDelay time.Duration
	// AssignmentDelay is how long Cloud Control lists no baseline assignment
	// for a freshly created account (undocumented; default none).
	AssignmentDelay time.Duration
	// ClosedAccounts is what an accepted close ends in after ClosureDelay:
	// ClosureGone ("" too) or ClosureSuspended (undocumented).
	ClosedAccounts ClosureEnd
	// ProvisioningState is the organization state while the account
	// registers: "" (ACTIVE at once), StatePending or StateRunning. With
	// either, a failed registration shows as CREATE_FAILED (undocumented;
	// Samsung's Terraform provider knows these states).
	ProvisioningState string
	// DuplicateStatus answers a create whose name or email is taken: 0 or
	// 409, or 400 (the reference documents 409 but not what it covers).
	DuplicateStatus int
	// Throttle answers some calls 429, with or without Retry-After.
	Throttle Throttle
	MaxSkew  time.Duration    // accepted Scp-Timestamp skew; 0: 5 minutes
	Now      func() time.Time // clock for timestamps and delays; nil: time.Now
}

// Server is the in-memory simulator. Safe for concurrent use.
type Server struct {
	opts   Options
	keys   map[string]Credential
	zones  map[string]bool
	now    func() time.Time
	faults *fault.Injector

	mu        sync.Mutex
	accounts  map[string]*account
	order     []string // ids in creation order: listings are stable
	failNext  int      // creates whose registration will fail
	failNames map[string]bool

	callCount callCounter // calls seen by Throttle
}

// New returns a Server with no accounts.
func New(opts Options) *Server {
	if len(opts.Credentials) == 0 {
		opts.Credentials = []Credential{{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey}}
	}
	if opts.OrganizationID == "" {
		opts.OrganizationID = DefaultOrganizationID
	}
	if opts.MaxSkew <= 0 {
		opts.MaxSkew = DefaultMaxSkew
	}
	s := &Server{opts: opts, keys: map[string]Credential{}, zones: map[string]bool{},
		now: opts.Now, faults: fault.New(), accounts: map[string]*account{}, failNames: map[string]bool{}}
	if s.now == nil {
		s.now = time.Now
	}
	for _, c := range opts.Credentials {
		s.keys[c.AccessKey] = c
	}
	for _, z := range opts.LandingZoneIDs {
		s.zones[z] = true
	}
	return s
}

// Faults returns the fault injector every route is wrapped in.
func (s *Server) Faults() *fault.Injector { return s.faults }

// route is one vendor endpoint.
type route struct {
	pattern  string
	op       string
	service  string   // the Scp-Api-Version service name
	versions []string // supported versions (deprecated ones past their date are gone)
	h        http.HandlerFunc
}

func (s *Server) cloudControlRoutes() []route {
	v := []string{"1.1", "1.2"}
	return []route{
		{"POST /v1/accounts", "CreateAccount", "cloudcontrol", v, s.createAccount},
		{"GET /v1/baseline-assignments", "GetBaselineAssignment", "cloudcontrol", v, s.listBaselineAssignments},
	}
}

func (s *Server) organizationRoutes() []route {
	v := []string{"1.1", "1.2"}
	return []route{
		{"GET /v1/organization-accounts", "ListAccounts", "organization", v, s.listAccounts},
		{"GET /v1/organization-accounts/{id}", "GetAccount", "organization", v, s.getAccount},
		{"PUT /v1/organization-accounts/parent", "MoveAccount", "organization", v, s.moveAccount},
		// DeleteAccount exists in organization 1.2 only.
		{"DELETE /v1/organization-accounts/{id}", "DeleteAccount", "organization", []string{"1.2"}, s.deleteAccount},
	}
}

// Handler serves both services (their paths do not collide).
func (s *Server) Handler() http.Handler {
	return s.mux(append(s.cloudControlRoutes(), s.organizationRoutes()...))
}

// CloudControlHandler serves the cloudcontrol host only.
func (s *Server) CloudControlHandler() http.Handler { return s.mux(s.cloudControlRoutes()) }

// OrganizationHandler serves the organization host only.
func (s *Server) OrganizationHandler() http.Handler { return s.mux(s.organizationRoutes()) }

func (s *Server) mux(routes []route) http.Handler {
	m := http.NewServeMux()
	for _, rt := range routes {
		m.Handle(rt.pattern, s.faults.Wrap(rt.op, s.throttle(s.guard(rt))))
	}
	m.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "Common.ResourceNotFound", "no such API")
	})
	return m
}

// guard authenticates, authorises and checks the API version before the route.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status, code, detail := s.authenticate(r); status != 0 {
			writeError(w, status, code, detail)
			return
		}
		if !versionOK(r.Header.Get("Scp-Api-Version"), rt.service, rt.versions) {
			writeError(w, http.StatusBadRequest, "Common.UnsupportedApiVersion",
				"unsupported Scp-Api-Version for this API")
			return
		}
		rt.h(w, r)
	})
}
