package scp

import (
	"net/http"
	"strconv"
	"sync/atomic"
)

// Switches for behaviour the SCP API reference does not pin down. Each one
// has every plausible variant, so the operator can be tested under each; the
// zero value is the variant the simulator had before the switch existed.

// ClosureEnd is what an accepted close (DELETE 204) ends in once the account
// has been PENDING_CLOSURE for ClosureDelay.
type ClosureEnd string

const (
	// ClosureGone means every read answers 404, the account is no longer listed.
	ClosureGone ClosureEnd = "gone"
	// ClosureSuspended means the account stays listed and readable as SUSPENDED
	// for good, as AWS Organizations keeps a closed account, whose state
	// names SCP mirrors. Its name stays taken.
	ClosureSuspended ClosureEnd = "suspended"
)

// Valid reports whether e is a known variant ("" is ClosureGone).
func (e ClosureEnd) Valid() bool { return e == "" || e == ClosureGone || e == ClosureSuspended }

// Provisioning states the organization may report while Cloud Control
// registers a new account (Samsung's Terraform provider waits on both).
const (
	StatePending = "PENDING"
	StateRunning = "RUNNING"
)

// Throttle answers every Every-th call (counted over all operations) with 429
// before doing any work. RetryAfter > 0 sends Retry-After: RetryAfter seconds;
// 0 sends no Retry-After, which the reference allows as much as a header.
type Throttle struct {
	Every      int
	RetryAfter int
}

// throttled reports whether this call is one Throttle refuses.
func (s *Server) throttled() bool {
	n := s.opts.Throttle.Every
	return n > 0 && s.callCount.Add(1)%int64(n) == 0
}

// throttle wraps a route: refused calls get 429 in the error envelope.
func (s *Server) throttle(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.throttled() {
			h.ServeHTTP(w, r)
			return
		}
		if ra := s.opts.Throttle.RetryAfter; ra > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(ra))
		}
		writeError(w, http.StatusTooManyRequests, "Common.TooManyRequests", "request rate exceeded")
	})
}

// duplicateStatus is the status a create with a taken name or email gets:
// the reference documents 409 Conflict without saying what it covers, so a
// 400 is as plausible.
func (s *Server) duplicateStatus() int {
	if s.opts.DuplicateStatus == http.StatusBadRequest {
		return http.StatusBadRequest
	}
	return http.StatusConflict
}

// callCounter is the Throttle's count; a type so Server stays copy-safe to read.
type callCounter = atomic.Int64
