package ccm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// The normalising variants: a server that stores what it receives in its own
// canonical form, so that what it echoes is equivalent to, but not the same
// as, what the client sent.

// reencodeLogo stands in for an image re-compression: other bytes, same
// picture. Decoders ignore data after a PNG IEND or JPEG EOI, and an XML
// comment after an SVG root, so the result is still a valid image of the
// same kind.
func reencodeLogo(b64 string) string {
	raw, err := decodeBinary(b64)
	if err != nil || len(raw) == 0 {
		return b64
	}
	trailer := []byte("\x00ccm-reencoded")
	if bytes.Contains(bytes.ToLower(raw[:min(len(raw), 1024)]), []byte("<svg")) {
		trailer = []byte("\n<!-- ccm re-encoded -->\n")
	}
	return base64.StdEncoding.EncodeToString(append(raw, trailer...))
}

// echoLogo is the stored logo as a server with another base64 encoder sends
// it: no padding, broken into MIME lines of 76 characters.
func echoLogo(b64 string) string {
	raw, err := decodeBinary(b64)
	if err != nil {
		return b64
	}
	s := base64.RawStdEncoding.EncodeToString(raw)
	var lines []string
	for len(s) > 76 {
		lines, s = append(lines, s[:76]), s[76:]
	}
	return strings.Join(append(lines, s), "\r\n")
}

// oauthURLKeys are the OAuth config fields that hold URLs.
var oauthURLKeys = []string{"idp_icon_url", "idp_authorization_endpoint", "idp_token_endpoint", "idp_userinfo_endpoint"}

// normaliseURLs rewrites the URLs of an OAuth config in place.
func normaliseURLs(cfg map[string]any) {
	o, ok := cfg["oauth"].(map[string]any)
	if !ok {
		return
	}
	for _, k := range oauthURLKeys {
		if s, ok := o[k].(string); ok {
			o[k] = normalURL(s)
		}
	}
}

// normalURL applies the RFC 3986 §6.2.2-6.2.3 normalisations that keep a
// URL's meaning: scheme and host in lowercase, the scheme's default port
// dropped, and an empty path written as "/". Anything unparsable is kept.
func normalURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u.Host = host
	if port != "" {
		u.Host += ":" + port
	}
	if u.Path == "" && u.RawPath == "" && u.Opaque == "" {
		u.Path = "/"
	}
	return u.String()
}

// reversePinned reverses a stored config's pinned CA list in place.
func reversePinned(cfg map[string]any) {
	o, _ := cfg["oauth"].(map[string]any)
	t, _ := o["tls"].(map[string]any)
	r, _ := t["required"].(map[string]any)
	ca, _ := r["ca"].(map[string]any)
	if p, ok := ca["pinned"].([]any); ok {
		slices.Reverse(p)
	}
}

// reversedMap marshals a JSON object with its keys in reverse sorted order:
// JSON leaves member order open, and a client must not depend on it.
type reversedMap map[string]any

func (m reversedMap) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Reverse(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(m[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
