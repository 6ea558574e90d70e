package ccm

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
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
//
// CCM may echo the logo re-encoded (undocumented), so the logo is compared
// by what was last sent, not by the bytes read back: logoEcho is a digest of
// the echo first read after the logo was sent, and only a later change of
// that echo is drift made upstream.
type marks struct {
	logo     string   // "" when the logo is unmanaged
	logoEcho string   // digest of the echo; "" until read after sending
	configs  []string // spec order
}

// String is the status.ccm.appliedHash form:
// v1.<logo>[~<logoEcho>].<config0>.<config1>...
func (m marks) String() string {
	if m.logo == "" && len(m.configs) == 0 {
		return ""
	}
	logo := m.logo
	if m.logoEcho != "" {
		logo += "~" + m.logoEcho
	}
	return strings.Join(append([]string{marksVersion, logo}, m.configs...), ".")
}

// parseMarks reads status.ccm.appliedHash; anything unreadable is no marks,
// which makes every secret-bearing config count as changed.
func parseMarks(s string) marks {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || parts[0] != marksVersion {
		return marks{}
	}
	logo, echo, _ := strings.Cut(parts[1], "~")
	return marks{logo: logo, logoEcho: echo, configs: parts[2:]}
}

// withEcho is m with the echo of the logo as a shows it: what to record
// when the logo needs no change.
func (m marks) withEcho(d *desired, a *ccmapi.Account) marks {
	if d.logo != nil {
		m.logoEcho = echoDigest(a.CustomLogo)
	}
	return m
}

// appliedLogo is what the marks record after a PATCH: the logo as the read
// before showed it when the PATCH did not carry one; the logo sent, with its
// echo to be read next time, when it did; and the marks of before when CCM
// answered the PATCH with the very logo it had (undocumented: an instance
// that ignores the field), so the difference stays in view.
func appliedLogo(d *desired, pl plan, st *v1alpha1.CCMAccountStatus, before, after *ccmapi.Account) marks {
	m := d.marks
	prev := marks{}
	if st != nil {
		prev = parseMarks(st.AppliedHash)
	}
	switch {
	case d.logo == nil:
	case pl.logo == nil:
		m.logoEcho = echoDigest(before.CustomLogo)
	case prev.logo != "" && len(before.CustomLogo) > 0 && bytes.Equal(before.CustomLogo, after.CustomLogo):
		m.logo, m.logoEcho = prev.logo, prev.logoEcho
	}
	return m
}

// echoDigest identifies a logo as CCM echoes it. The logo is not secret, so
// an unkeyed digest will do.
func echoDigest(logo []byte) string {
	sum := sha256.Sum256(logo)
	return base64.RawURLEncoding.EncodeToString(sum[:macLen])
}

// mark computes the marks of the desired state.
func (p *Adapter) mark(d *desired) marks {
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
func (p *Adapter) mac(domain string, data []byte) string {
	h := hmac.New(sha256.New, []byte(p.key.Reveal()))
	h.Write([]byte("ccm/" + domain + "\x00"))
	h.Write(data)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:macLen])
}

// visible is a config as CCM shows it on read, in canonical form (see
// canonicalConfig). Two configs with equal visible forms differ at most in
// secrets.
func visible(c ccmapi.AuthenticationConfig) string {
	raw, _ := json.Marshal(canonicalConfig(c))
	return string(raw)
}

// kindOf names the config's variant; a config id is only reused for the same
// variant, since replacing a password config with an OAuth one is not
// documented to work.
func kindOf(c ccmapi.AuthenticationConfig) string {
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
func hasSecret(c ccmapi.AuthenticationConfig) bool { return c.Oauth != nil }
