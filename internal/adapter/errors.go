package adapter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Class is what the state machine does with a failure.
type Class int

// Failure classes.
const (
	// ClassNone: no failure.
	ClassNone Class = iota
	// ClassNotFound: the upstream account is gone.
	ClassNotFound
	// ClassTerminal: only a change of the spec, a referenced object or the
	// credentials helps; Stalled, no retry loop (watches bring it back).
	ClassTerminal
	// ClassTransient: back off and retry, honouring After when set.
	ClassTransient
	// ClassPending: not a failure; the upstream is busy or settling; look
	// again after After.
	ClassPending
)

// Error is a failure classified where it arose: its class, its v1alpha1
// condition reason and a message for the user that names the field or cause
// and never holds a secret. It is the only error type that carries a
// classification; Classify maps everything else once.
type Error struct {
	Class   Class
	Reason  string
	Message string
	// After is when to look again (Pending), or the upstream's Retry-After.
	After time.Duration
	// NotCreated: a failed create certainly made nothing upstream, so its
	// write-ahead marker goes and no later lookup adopts an account it did
	// not make.
	NotCreated bool
	Err        error
}

func (e *Error) Error() string {
	switch {
	case e.Err == nil:
		return e.Message
	case e.Message == "":
		return e.Err.Error()
	}
	return e.Message + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Terminal builds a terminal failure.
func Terminal(reason, message string, err error) error {
	return &Error{Class: ClassTerminal, Reason: reason, Message: message, Err: err}
}

// Terminalf builds a terminal failure with a formatted message.
func Terminalf(reason, format string, args ...any) error {
	return &Error{Class: ClassTerminal, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Transient builds a failure to retry with backoff.
func Transient(reason, message string, err error) error {
	return &Error{Class: ClassTransient, Reason: reason, Message: message, Err: err}
}

// Pending builds a wait for the upstream.
func Pending(reason, message string, after time.Duration) error {
	return &Error{Class: ClassPending, Reason: reason, Message: message, After: after}
}

// MissingRef is the failure of a Resolver read whose object or key does not
// exist: only a change of it or of the spec helps.
func MissingRef(format string, args ...any) error {
	return Terminalf(v1alpha1.ReasonInvalidSpec, format, args...)
}

// NotFound says the upstream account is gone.
func NotFound(format string, args ...any) error {
	return &Error{Class: ClassNotFound, Reason: v1alpha1.ReasonNotFoundUpstream, Message: fmt.Sprintf(format, args...)}
}

// TerminatingRecheck is how long an Account in a namespace being deleted waits
// before it looks again. Nothing but its own deletion (a watched change) can
// help it, so the wait is long, and it is no backoff that starts short.
const TerminatingRecheck = 10 * time.Minute

// NamespaceTerminating is the failure of a pass whose outputs cannot be stored:
// the Account's namespace is being deleted, and the apiserver refuses new
// objects in it. No create or token re-issue is sent upstream (its result
// would be lost) and no Secret is written; the Account stalls, looking again
// after TerminatingRecheck, until its own deletion, which needs no new object,
// deletes the upstream account. The message is fixed, so that the cached
// check before the pass and the apiserver's refusal during it read alike.
func NamespaceTerminating() error { return namespaceTerminating() }

func namespaceTerminating() *Error {
	return &Error{Class: ClassTerminal, Reason: v1alpha1.ReasonNamespaceTerminating, After: TerminatingRecheck,
		Message: "the Account's namespace is being deleted, so the connection Secret cannot be written there " +
			"(the apiserver refuses new objects in it) and nothing is created or re-issued upstream: " +
			"a lost token is not replaced; deleting the Account still deletes its upstream account " +
			"as spec.deletionPolicy says"}
}

// Failure returns the classification of err: the *Error in its chain, or,
// for the layers below that do not know this taxonomy, one fixed mapping: an
// upstream HTTP status (404 gone; 401, 403 Unauthorized and 400, 409, 422
// UpstreamRejected, terminal; 429, 5xx and no answer transient), a
// Kubernetes API error (a refused create in a namespace being deleted:
// NamespaceTerminating; any other: transient), anything else (transient).
// nil for nil.
func Failure(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var he *httpapi.Error
	if errors.As(err, &he) {
		return httpFailure(he, err)
	}
	if apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
		return namespaceTerminating()
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &Error{Class: ClassTransient, Reason: v1alpha1.ReasonKubernetesAPIError, Err: err}
	}
	return &Error{Class: ClassTransient, Reason: v1alpha1.ReasonReconcileError, Err: err}
}

func httpFailure(he *httpapi.Error, err error) *Error {
	out := &Error{Class: ClassTerminal, Err: err}
	switch he.StatusCode {
	case http.StatusNotFound:
		out.Class, out.Reason = ClassNotFound, v1alpha1.ReasonNotFoundUpstream
	case http.StatusUnauthorized, http.StatusForbidden:
		out.Reason = v1alpha1.ReasonUnauthorized
	case http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity:
		out.Reason = v1alpha1.ReasonUpstreamRejected
	case 0:
		out.Class, out.Reason = ClassTransient, v1alpha1.ReasonUnreachable
	default:
		out.Class, out.Reason, out.After = ClassTransient, v1alpha1.ReasonUpstreamError, he.RetryAfter
	}
	return out
}

// NothingCreated reports whether a failed create certainly made nothing
// upstream: a terminal refusal, or a failure marked NotCreated.
func NothingCreated(err error) bool {
	e := Failure(err)
	return e != nil && (e.NotCreated || e.Class == ClassTerminal)
}

// Classify is the class of err; ClassNone for nil.
func Classify(err error) Class {
	if e := Failure(err); e != nil {
		return e.Class
	}
	return ClassNone
}

// Reason is the condition reason of err; "" for nil.
func Reason(err error) string {
	if e := Failure(err); e != nil {
		return e.Reason
	}
	return ""
}

// RetryAfter is when to look again after err, if it says.
func RetryAfter(err error) time.Duration {
	if e := Failure(err); e != nil {
		return e.After
	}
	return 0
}
