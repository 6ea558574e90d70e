// Package httpapi holds what the three upstream clients share: the typed error,
// a redacting secret type, the metrics hook and the request loop with safe retries.
// It imports nothing from Kubernetes.
package httpapi

import "fmt"

// Redacted is what a Secret prints as, whatever the verb.
const Redacted = "[REDACTED]"

// Secret wraps a credential or token so that printing or logging it never shows
// the value. Use Reveal only where the value goes on the wire or into a Secret.
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String redacts.
func (s Secret) String() string { return Redacted }

// GoString redacts %#v.
func (s Secret) GoString() string { return Redacted }

// Format redacts every fmt verb, including %s, %v, %q and %x.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// MarshalLog redacts for logr.
func (s Secret) MarshalLog() any { return Redacted }

// MarshalText redacts for encoders that use it (slog, zap's reflection, JSON keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// Empty reports whether no value is set.
func (s Secret) Empty() bool { return s == "" }
