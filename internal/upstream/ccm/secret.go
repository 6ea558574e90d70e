package ccm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// WireSecret is a secret string that travels in a JSON body (OAuth
// client_secret). httpapi.Secret cannot be used there: its MarshalText
// redacts, so encoding/json would send "[REDACTED]". WireSecret's MarshalJSON
// sends the value; every printing and logging path redacts it.
//
// Anything that serialises through encoding/json (including sigs.k8s.io/yaml)
// reveals it: never put a wire struct into a status, event or log as JSON.
type WireSecret string

// Reveal returns the value.
func (s WireSecret) Reveal() string { return string(s) }

// Secret converts to the redacting type used for Go-side values.
func (s WireSecret) Secret() httpapi.Secret { return httpapi.Secret(s) }

// MarshalJSON sends the value on the wire.
func (s WireSecret) MarshalJSON() ([]byte, error) { return json.Marshal(string(s)) }

// UnmarshalJSON reads the value (responses usually omit it).
func (s *WireSecret) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = WireSecret(v)
	return nil
}

// String redacts.
func (s WireSecret) String() string { return httpapi.Redacted }

// GoString redacts %#v.
func (s WireSecret) GoString() string { return httpapi.Redacted }

// Format redacts every fmt verb.
func (s WireSecret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(httpapi.Redacted)) }

// MarshalLog redacts for logr.
func (s WireSecret) MarshalLog() any { return httpapi.Redacted }

// LogValue redacts for slog.
func (s WireSecret) LogValue() slog.Value { return slog.StringValue(httpapi.Redacted) }

// SecretBytes is secret binary data (a TLS client_key) sent as standard
// base64 in JSON, like every "format: binary" CCM field, and redacted when
// printed or logged.
type SecretBytes []byte

// Reveal returns the bytes.
func (b SecretBytes) Reveal() []byte { return []byte(b) }

// MarshalJSON sends standard base64, as encoding/json does for []byte.
func (b SecretBytes) MarshalJSON() ([]byte, error) { return json.Marshal([]byte(b)) }

// UnmarshalJSON reads any base64 form, like Binary.
func (b *SecretBytes) UnmarshalJSON(data []byte) error {
	*b = decodeBinary(data)
	return nil
}

// String redacts.
func (b SecretBytes) String() string { return httpapi.Redacted }

// GoString redacts %#v.
func (b SecretBytes) GoString() string { return httpapi.Redacted }

// Format redacts every fmt verb, %x and %s included.
func (b SecretBytes) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(httpapi.Redacted)) }

// MarshalLog redacts for logr.
func (b SecretBytes) MarshalLog() any { return httpapi.Redacted }

// LogValue redacts for slog.
func (b SecretBytes) LogValue() slog.Value { return slog.StringValue(httpapi.Redacted) }

// base64Std is how a binary secret could appear in an echoed error body.
func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// Format prints the OAuth config with its client secret redacted, whatever
// the verb. fmt skips the field's own Format when the verb does not suit the
// enclosing struct (e.g. %s of an AuthenticationConfig), so the struct itself
// must redact.
func (o AuthConfigOauth) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "{IdpName:%q IdpIconURL:%q IdpAuthorizationEndpoint:%q IdpTokenEndpoint:%q "+
		"IdpRequiresBasicAuth:%t IdpUserinfoEndpoint:%q TLS:%s ClientID:%q ClientSecret:%s}",
		o.IdpName, o.IdpIconURL, o.IdpAuthorizationEndpoint, o.IdpTokenEndpoint, o.IdpRequiresBasicAuth,
		o.IdpUserinfoEndpoint, o.TLS.mode(), o.ClientID, httpapi.Redacted)
}

// Format prints required-TLS settings with the client key redacted.
func (r TlsConfigRequired) Format(f fmt.State, _ rune) {
	key := ""
	if len(r.ClientKey) > 0 {
		key = httpapi.Redacted
	}
	_, _ = fmt.Fprintf(f, "{ValidateHostname:%t ClientKey:%s ClientCert:%d bytes Ca:{CaSet:%q Pinned:%d certs}}",
		r.ValidateHostname, key, len(r.ClientCert), r.Ca.CaSet, len(r.Ca.Pinned))
}

// mode names the TLS mode for printing.
func (t TlsConfig) mode() string {
	switch {
	case t.Required != nil:
		return fmt.Sprintf("required%v", *t.Required)
	case t.Opportunistic != nil:
		return "opportunistic"
	case t.Disabled != nil:
		return "disabled"
	}
	return "unset"
}
