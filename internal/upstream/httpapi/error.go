package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxMessage bounds the upstream message kept in an Error: error bodies are
// untrusted and may be large.
const maxMessage = 256

// Error is a failed upstream call. It never carries request bodies, headers or
// secret values; the upstream message is truncated and scrubbed.
type Error struct {
	Upstream   string        // ccm, scp, vectorCharts
	Operation  string        // e.g. CreateAccount
	StatusCode int           // 0 when no HTTP response arrived
	Code       string        // upstream error code, when the body carries one
	Message    string        // upstream message, truncated
	RetryAfter time.Duration // from the Retry-After header, if any
	Err        error         // transport or decoding error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Upstream, e.Operation)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// StatusCode returns the HTTP status of an upstream error in err's chain, or 0.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsStatus reports whether err is an upstream error with one of the codes.
func IsStatus(err error, codes ...int) bool {
	got := StatusCode(err)
	for _, c := range codes {
		if got == c {
			return true
		}
	}
	return false
}

// IsNotFound reports a 404 from the upstream.
func IsNotFound(err error) bool { return IsStatus(err, http.StatusNotFound) }

// Retryable reports whether a call may succeed if repeated unchanged: transport
// failures, 429 and 5xx.
func Retryable(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.StatusCode == 0 || e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// Truncate shortens s to the message bound, on a rune boundary.
func Truncate(s string) string { return TruncateTo(s, maxMessage) }

// TruncateTo trims s and shortens it to at most n bytes, on a rune boundary,
// marking a cut with "…" (three bytes more).
func TruncateTo(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Scrub replaces every occurrence of the given secret values in msg.
func Scrub(msg string, secrets ...Secret) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s.Reveal(), Redacted)
		}
	}
	return msg
}
