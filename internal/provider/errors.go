package provider

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// ErrNotFound: the upstream account does not exist.
var ErrNotFound = errors.New("account not found upstream")

// TerminalError is a failure only a change of spec, referenced objects or
// credentials can fix: the Account goes Stalled with Reason, and is not retried
// in a hot loop.
type TerminalError struct {
	Reason  string // UpperCamel condition reason
	Message string // names the field or cause; never a secret
	Err     error
}

func (e *TerminalError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *TerminalError) Unwrap() error { return e.Err }

// Terminal builds a TerminalError.
func Terminal(reason, message string, err error) error {
	return &TerminalError{Reason: reason, Message: message, Err: err}
}

// Terminalf builds a TerminalError with a formatted message.
func Terminalf(reason, format string, args ...any) error {
	return &TerminalError{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// PendingError says the upstream is still settling or busy with something
// that must end first (an account it does not list yet, a job under way on
// the account): not a failure of the spec or the credentials, so it is
// retried after After, like a transient error, with its own reason.
type PendingError struct {
	Reason  string        // UpperCamel condition reason
	Message string        // names the account or job; never a secret
	After   time.Duration // when to look again
	// NotCreated: a create was refused and nothing was made upstream, so the
	// controller drops its create marker: no later lookup may adopt an account
	// this create did not make.
	NotCreated bool
}

func (e *PendingError) Error() string { return e.Message }

// Pending builds a PendingError.
func Pending(reason, message string, after time.Duration) error {
	return &PendingError{Reason: reason, Message: message, After: after}
}

// NothingCreated reports whether a failed create certainly made nothing
// upstream: a terminal refusal, or a PendingError marked NotCreated.
func NothingCreated(err error) bool {
	var pe *PendingError
	if errors.As(err, &pe) {
		return pe.NotCreated
	}
	return Classify(err) == ClassTerminal
}

// Class sorts errors into what the state machine does with them.
type Class int

// Error classes.
const (
	ClassNone      Class = iota
	ClassNotFound        // the account is gone
	ClassTerminal        // Stalled, wait for a spec change
	ClassTransient       // back off and retry
)

// Classify sorts err. A PendingError is transient. Upstream HTTP errors: 404 is
// not found; 400, 401, 403, 409 and 422 are terminal; everything else (5xx,
// 429, transport) transient.
func Classify(err error) Class {
	var te *TerminalError
	var we *PendingError
	switch {
	case err == nil:
		return ClassNone
	case errors.Is(err, ErrNotFound):
		return ClassNotFound
	case errors.As(err, &te):
		return ClassTerminal
	case errors.As(err, &we):
		return ClassTransient
	}
	switch httpapi.StatusCode(err) {
	case http.StatusNotFound:
		return ClassNotFound
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusConflict, http.StatusUnprocessableEntity:
		return ClassTerminal
	}
	return ClassTransient
}

// Reason is the condition reason for a terminal or transient error.
func Reason(err error) string {
	var te *TerminalError
	if errors.As(err, &te) {
		return te.Reason
	}
	var pe *PendingError
	if errors.As(err, &pe) {
		return pe.Reason
	}
	switch httpapi.StatusCode(err) {
	case http.StatusUnauthorized, http.StatusForbidden:
		return "Unauthorized"
	case http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity:
		return "UpstreamRejected"
	case 0:
		return "Unreachable"
	}
	return "UpstreamError"
}

// RetryAfter is the wait a PendingError or the upstream asked for, if any.
func RetryAfter(err error) time.Duration {
	var pe *PendingError
	if errors.As(err, &pe) {
		return pe.After
	}
	var e *httpapi.Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
