package ccm

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/account-operator/account-operator/internal/upstream/ccm"
)

// marksVersion prefixes status.ccm.appliedHash so the format can change.
const marksVersion = "v1"

// macLen is how many bytes of each HMAC-SHA256 are kept: enough to notice a
// change, short enough that 16 configs fit comfortably in the status.
const macLen = 16

// marks are keyed MACs of what was applied upstream: the logo and each auth
// config, secrets included. CCM does not return client secrets or TLS keys, so
// these are the only way to tell that a rotated Secret must be re-sent. The
// key is the provider's credential password, so the status never holds an
// unkeyed hash of secret material that could be checked against guesses.
// Kept per config so an update re-sends only the configs that changed.
type marks struct {
	logo    string   // "" when the logo is unmanaged
	configs []string // spec order
}

// String is the status.ccm.appliedHash form: v1.<logo>.<config0>.<config1>...
func (m marks) String() string {
	if m.logo == "" && len(m.configs) == 0 {
		return ""
	}
	return strings.Join(append([]string{marksVersion, m.logo}, m.configs...), ".")
}

// parseMarks reads status.ccm.appliedHash; anything unreadable is no marks,
// which makes every secret-bearing config count as changed.
func parseMarks(s string) marks {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || parts[0] != marksVersion {
		return marks{}
	}
	return marks{logo: parts[1], configs: parts[2:]}
}

// mark computes the marks of the desired state.
func (p *adapter) mark(d *desired) marks {
	var m marks
	if d.logo != nil {
		m.logo = p.mac("logo", d.logo)
	}
	for _, c := range d.configs {
		// encoding/json sends WireSecret and SecretBytes values, so the MAC
		// covers the secrets, exactly as they go on the wire.
		raw, _ := json.Marshal(c)
		m.configs = append(m.configs, p.mac("auth-config", raw))
	}
	return m
}

// mac is a truncated HMAC-SHA256 with a domain label, base64url.
func (p *adapter) mac(domain string, data []byte) string {
	h := hmac.New(sha256.New, []byte(p.key.Reveal()))
	h.Write([]byte("ccm/" + domain + "\x00"))
	h.Write(data)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:macLen])
}

// visible is a config as CCM shows it on read: without client_secret and
// client_key. Two configs with equal visible forms differ at most in secrets.
func visible(c ccm.AuthenticationConfig) string {
	if c.Oauth != nil {
		o := *c.Oauth
		o.ClientSecret = ""
		if o.TLS.Required != nil {
			r := *o.TLS.Required
			r.ClientKey = nil
			o.TLS.Required = &r
		}
		c.Oauth = &o
	}
	raw, _ := json.Marshal(c)
	return string(raw)
}

// kindOf names the config's variant; a config id is only reused for the same
// variant, since replacing a password config with an OAuth one is not
// documented to work.
func kindOf(c ccm.AuthenticationConfig) string {
	switch {
	case c.Password != nil:
		return "password"
	case c.Oauth != nil:
		return "oauth"
	case c.ClusterAuthRef != nil:
		return "clusterAuthRef"
	}
	return ""
}

// hasSecret reports whether CCM hides part of the config on read.
func hasSecret(c ccm.AuthenticationConfig) bool { return c.Oauth != nil }
