package scp

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// account is the simulator's record; what callers see is derived from it and
// the clock, so delays need no background goroutines.
type account struct {
	id, jobID, name, email           string
	landingZoneID, parentUnitID      string
	ssoEmail, ssoName, ssoRealName   string
	createdAt, modifiedAt            time.Time
	failRegistration                 bool
	registrationOverride, stateForce string
	closingSince                     time.Time // zero: not being closed
}

func (a *account) closing() bool { return !a.closingSince.IsZero() }

// closed reports whether an accepted close has run its course (ClosureDelay).
func (s *Server) closed(a *account, now time.Time) bool {
	return a.closing() && !now.Before(a.closingSince.Add(s.opts.ClosureDelay))
}

// registering reports whether Cloud Control is still registering a.
func (s *Server) registering(a *account, now time.Time) bool {
	return now.Before(a.createdAt.Add(s.opts.RegistrationDelay))
}

// registration is the baseline assignment status at now.
func (s *Server) registration(a *account, now time.Time) string {
	switch {
	case a.closing():
		return "UNREGISTERING"
	case a.registrationOverride != "":
		return a.registrationOverride
	case s.registering(a, now):
		return "REGISTERING"
	case a.failRegistration:
		return "REGISTRATION_FAILED"
	}
	return "REGISTERED"
}

// assigned reports whether Cloud Control lists a baseline assignment for a:
// not before AssignmentDelay, and no longer once a close has run its course.
func (s *Server) assigned(a *account, now time.Time) bool {
	return !now.Before(a.createdAt.Add(s.opts.AssignmentDelay)) && !s.closed(a, now)
}

// state is the organization account state at now.
func (s *Server) state(a *account, now time.Time) string {
	provisioning := s.opts.ProvisioningState
	switch {
	case s.closed(a, now): // only kept when ClosedAccounts is ClosureSuspended
		return "SUSPENDED"
	case a.closing():
		return "PENDING_CLOSURE"
	case a.stateForce != "":
		return a.stateForce
	case provisioning != "" && s.registering(a, now):
		return provisioning
	case provisioning != "" && a.failRegistration:
		return "CREATE_FAILED"
	}
	return "ACTIVE"
}

// visible reports whether organization reads see the account yet.
func (s *Server) visible(a *account, now time.Time) bool {
	return !now.Before(a.createdAt.Add(s.opts.VisibilityDelay))
}

// sweep drops accounts whose closure finished, unless closed accounts stay
// listed (ClosureSuspended). Callers hold s.mu.
func (s *Server) sweep(now time.Time) {
	if s.opts.ClosedAccounts == ClosureSuspended {
		return
	}
	kept := s.order[:0]
	for _, id := range s.order {
		if s.closed(s.accounts[id], now) {
			delete(s.accounts, id)
			continue
		}
		kept = append(kept, id)
	}
	s.order = kept
}

// live returns the accounts in creation order after a sweep. Callers hold s.mu.
func (s *Server) live(now time.Time) []*account {
	s.sweep(now)
	out := make([]*account, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.accounts[id])
	}
	return out
}

// lookup returns a live account by id. Callers hold s.mu.
func (s *Server) lookup(id string, now time.Time) *account {
	s.sweep(now)
	return s.accounts[id]
}

// takeFailure consumes a FailRegistration order for a new account named name.
// Callers hold s.mu.
func (s *Server) takeFailure(name string) bool {
	if s.failNames[name] {
		delete(s.failNames, name)
		return true
	}
	if s.failNext > 0 {
		s.failNext--
		return true
	}
	return false
}

// insert records a new account. Callers hold s.mu.
func (s *Server) insert(a *account) {
	a.id, a.jobID = randomHex(15), randomHex(16)
	a.modifiedAt = a.createdAt
	s.accounts[a.id] = a
	s.order = append(s.order, a.id)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return hex.EncodeToString(b)
}

// AccountInfo is the admin view of one account.
type AccountInfo struct {
	ID                 string    `json:"id"`
	JobID              string    `json:"jobID"`
	Name               string    `json:"name"`
	Email              string    `json:"email,omitempty"`
	LandingZoneID      string    `json:"landingZoneID"`
	ParentUnitID       string    `json:"parentUnitID"`
	State              string    `json:"state"`
	RegistrationStatus string    `json:"registrationStatus"`
	CreatedAt          time.Time `json:"createdAt"`
}

// Accounts lists the accounts the sandbox holds (including not-yet-visible
// and closing ones), in creation order.
func (s *Server) Accounts() []AccountInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := []AccountInfo{}
	for _, a := range s.live(now) {
		out = append(out, AccountInfo{ID: a.id, JobID: a.jobID, Name: a.name, Email: a.email,
			LandingZoneID: a.landingZoneID, ParentUnitID: a.parentUnitID, State: s.state(a, now),
			RegistrationStatus: s.registration(a, now), CreatedAt: a.createdAt})
	}
	return out
}

// FailRegistration makes registration end in REGISTRATION_FAILED: for the
// account with this name (existing or created later), or with name "" for
// the next account created.
func (s *Server) FailRegistration(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" {
		s.failNext++
		return
	}
	for _, a := range s.accounts {
		if a.name == name {
			a.failRegistration = true
			return
		}
	}
	s.failNames[name] = true
}

// CreateAccountDirect adds a visible, registered account without an API call,
// e.g. one that exists before the operator adopts it. It returns the id.
func (s *Server) CreateAccountDirect(name, parentUnitID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	settled := max(s.opts.RegistrationDelay, s.opts.VisibilityDelay, s.opts.AssignmentDelay)
	a := &account{name: name, parentUnitID: parentUnitID, landingZoneID: "lz-direct",
		createdAt: s.now().Add(-settled)}
	s.insert(a)
	return a.id
}

// mutate applies f to a live account, for the drift helpers below.
func (s *Server) mutate(id string, f func(*account)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	a := s.lookup(id, now)
	if a == nil {
		return fmt.Errorf("sandbox scp: no account %q", id)
	}
	f(a)
	a.modifiedAt = now
	return nil
}

// SetParentUnit moves an account behind the client's back (drift).
func (s *Server) SetParentUnit(id, parentUnitID string) error {
	return s.mutate(id, func(a *account) { a.parentUnitID = parentUnitID })
}

// SetAccountState forces the organization state (e.g. SUSPENDED); "" clears.
func (s *Server) SetAccountState(id, state string) error {
	return s.mutate(id, func(a *account) { a.stateForce = state })
}

// SetRegistrationStatus forces the baseline assignment status; "" clears.
func (s *Server) SetRegistrationStatus(id, status string) error {
	return s.mutate(id, func(a *account) { a.registrationOverride = status })
}

// DeleteAccountDirect removes an account at once, skipping PENDING_CLOSURE.
func (s *Server) DeleteAccountDirect(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[id] == nil {
		return fmt.Errorf("sandbox scp: no account %q", id)
	}
	delete(s.accounts, id)
	for i, x := range s.order {
		if x == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	return nil
}
