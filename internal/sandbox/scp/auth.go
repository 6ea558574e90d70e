package scp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// openAPIClientType is the only Scp-ClientType this simulator accepts; it is
// also part of the signed message.
const openAPIClientType = "Openapi"

// authenticate checks the Scp-* headers. It returns status 0 when the call may
// proceed. Messages never echo the expected signature.
func (s *Server) authenticate(r *http.Request) (status int, code, detail string) {
	unauth := func(d string) (int, string, string) {
		return http.StatusUnauthorized, "Common.Unauthorized", d
	}
	ak := r.Header.Get("Scp-Accesskey")
	cred, ok := s.keys[ak]
	if ak == "" || !ok {
		return unauth("unknown access key")
	}
	tsText := r.Header.Get("Scp-Timestamp")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return unauth("invalid Scp-Timestamp")
	}
	if skew := s.now().Sub(time.UnixMilli(ts)); skew > s.opts.MaxSkew || -skew > s.opts.MaxSkew {
		return unauth("Scp-Timestamp outside the accepted window")
	}
	if r.Header.Get("Scp-ClientType") != openAPIClientType {
		return unauth("invalid Scp-ClientType")
	}
	want, ok := expectedSignature(cred.SecretKey, r.Method, requestURL(r), tsText, ak,
		r.Header.Get("Scp-AccountId"))
	if !ok || !signatureMatches(r.Header.Get("Scp-Signature"), want) {
		return unauth("signature mismatch")
	}
	if cred.Forbidden {
		return http.StatusForbidden, "Common.Forbidden",
			"not the organization's management account, or no landing zone"
	}
	return 0, "", ""
}

// requestURL rebuilds the URL the client signed: scheme://host plus the
// request target exactly as received (never the decoded path). Behind a TLS
// terminator X-Forwarded-Proto gives the scheme the client used.
func requestURL(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "http://") || strings.HasPrefix(r.RequestURI, "https://") {
		return r.RequestURI // absolute-form, as sent through a proxy
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host + r.RequestURI
}

// expectedSignature is the reference formula:
// Base64(HMAC-SHA256(secret, METHOD + encodeURI(url) + timestamp + accessKey
// [+ accountId] + clientType)). Samsung's SDK adds Scp-AccountId when sent.
func expectedSignature(secret, method, rawURL, timestamp, accessKey, accountID string) ([]byte, bool) {
	enc, ok := jsEncodeURI(rawURL)
	if !ok {
		return nil, false
	}
	msg := strings.ToUpper(method) + enc + timestamp + accessKey + accountID + openAPIClientType
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(msg))
	return mac.Sum(nil), true
}

// signatureMatches accepts standard, padded base64 only.
func signatureMatches(got string, want []byte) bool {
	raw, err := base64.StdEncoding.Strict().DecodeString(got)
	return err == nil && hmac.Equal(raw, want)
}

// jsEncodeURI is ECMAScript encodeURI over the UTF-8 bytes of s: each byte of
// a non-ASCII code point is escaped, which gives the same result as encoding
// code point by code point. Invalid UTF-8 (JavaScript's URIError) fails.
func jsEncodeURI(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	const hexDigits = "0123456789ABCDEF"
	out := make([]byte, 0, len(s)*3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if uriKeeps(c) {
			out = append(out, c)
			continue
		}
		out = append(out, '%', hexDigits[c>>4], hexDigits[c&0xF])
	}
	return string(out), true
}

// uriKeeps: ALPHA, DIGIT, uriMark "-_.!~*'()", uriReserved ";/?:@&=+$," and '#'.
func uriKeeps(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case c >= utf8.RuneSelf:
		return false
	}
	return strings.IndexByte("-_.!~*'();/?:@&=+$,#", c) >= 0
}

// versionOK: an absent header means the latest version; otherwise it must
// name this service and a supported version ("cloudcontrol 1.2").
func versionOK(header, service string, versions []string) bool {
	if header == "" {
		return true
	}
	f := strings.Fields(header)
	if len(f) != 2 || f[0] != service {
		return false
	}
	for _, v := range versions {
		if f[1] == v {
			return true
		}
	}
	return false
}
