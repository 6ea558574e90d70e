package ccm

import (
	"bytes"
	"net/url"
	"slices"
	"strings"

	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// CCM may store what it is sent in a normal form of its own and echo that
// (undocumented; the sandbox's normalising variants simulate it). Where the
// meaning is clear, configs are compared in a canonical form, so an echo
// that means the same as the spec is no drift.

// canonicalConfig is c as compared with what CCM shows: secrets left out
// (CCM does not return them), OAuth URLs in RFC 3986 normal form, and pinned
// CAs as a set (a trust store has no order).
func canonicalConfig(c ccmapi.AuthenticationConfig) ccmapi.AuthenticationConfig {
	if c.Oauth == nil {
		return c
	}
	o := *c.Oauth
	o.ClientSecret = ""
	for _, u := range []*string{&o.IdpIconURL, &o.IdpAuthorizationEndpoint, &o.IdpTokenEndpoint, &o.IdpUserinfoEndpoint} {
		*u = canonicalURL(*u)
	}
	if o.TLS.Required != nil {
		r := *o.TLS.Required
		r.ClientKey = nil
		r.Ca.Pinned = slices.Clone(r.Ca.Pinned)
		slices.SortFunc(r.Ca.Pinned, func(a, b ccmapi.Binary) int { return bytes.Compare(a, b) })
		o.TLS.Required = &r
	}
	c.Oauth = &o
	return c
}

// canonicalURL applies the normalisations RFC 3986 §6.2.2-6.2.3 says keep a
// URL's meaning: scheme and host are case-insensitive, the scheme's default
// port may be left out, and an empty path is "/". A trailing slash on a
// non-empty path changes the meaning and is kept. Unparsable text is kept
// as it is.
func canonicalURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6 literal
	}
	if port := u.Port(); port != "" && !(u.Scheme == "https" && port == "443") && !(u.Scheme == "http" && port == "80") {
		host += ":" + port
	}
	u.Host = host
	if u.Path == "" && u.RawPath == "" {
		u.Path = "/"
	}
	return u.String()
}
