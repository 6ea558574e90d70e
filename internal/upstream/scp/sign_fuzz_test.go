package scp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// uriSeeds mix every class encodeURI treats differently: kept reserved and
// mark characters, '%' (always escaped), controls, multi-byte UTF-8, U+FFFD
// and invalid bytes.
var uriSeeds = []string{
	"", "https://organization.e.samsungsdscloud.com/v1/organization-accounts?name=Team A ü한&pct=100%",
	"azAZ09;,/?:@&=+$-_.!~*'()#", " \"%<>[\\]^`{|}\x7f\x00é€😀", "name=a%20b", "\uFFFD",
	"bad\xffbyte", "\xed\xa0\x80", // a UTF-8-encoded lone surrogate is invalid too
}

// checkEncodeURI asserts what fixes ECMAScript encodeURI uniquely: the output
// holds only kept characters and uppercase %XX escapes, no escape stands for
// a kept character, and unescaping gives the input back.
func checkEncodeURI(t *testing.T, in, out string, keep func(byte) bool) {
	t.Helper()
	for i := 0; i < len(out); i++ {
		c := out[i]
		if c != '%' {
			if !keep(c) {
				t.Fatalf("encodeURI(%q) = %q: unescaped %q", in, out, c)
			}
			continue
		}
		if i+2 >= len(out) || !isUpperHex(out[i+1]) || !isUpperHex(out[i+2]) {
			t.Fatalf("encodeURI(%q) = %q: malformed escape at %d", in, out, i)
		}
		if b, _ := strconv.ParseUint(out[i+1:i+3], 16, 8); keep(byte(b)) {
			t.Fatalf("encodeURI(%q) = %q: kept character %q escaped", in, out, byte(b))
		}
		i += 2
	}
	if back, err := url.PathUnescape(out); err != nil || back != in {
		t.Fatalf("PathUnescape(encodeURI(%q)) = %q, %v", in, back, err)
	}
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

func keptByEncodeURI(c byte) bool { return strings.IndexByte(encodeURIKeep, c) >= 0 }

// FuzzEncodeURI: never panics; invalid UTF-8 is refused (JavaScript throws
// URIError); valid input encodes as checkEncodeURI describes.
func FuzzEncodeURI(f *testing.F) {
	for _, s := range uriSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := encodeURI(in)
		if !utf8.ValidString(in) {
			if err == nil {
				t.Fatalf("encodeURI(%q) accepted invalid UTF-8", in)
			}
			return
		}
		if err != nil {
			t.Fatalf("encodeURI(%q): %v", in, err)
		}
		checkEncodeURI(t, in, out, keptByEncodeURI)
	})
}

// FuzzQueryEscape: the query encoder escapes every byte but RFC 3986
// unreserved ones (so '+', '&', '=' and '%' inside a value cannot split or
// alter the query), with uppercase hex, and unescapes back to any byte string.
func FuzzQueryEscape(f *testing.F) {
	for _, s := range append(uriSeeds, "team-a_1.x~", "a+b c&d=e") {
		f.Add(s, "v")
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		for _, s := range []string{key, value} {
			out := escape(s)
			checkEncodeURI(t, s, out, isUnreserved)
			if wireSafe(s) != (s != "" && out == s) {
				t.Fatalf("wireSafe(%q) disagrees with escape", s)
			}
		}
		var q query
		q.add(key, value)
		q.add("page", "1")
		want := url.Values{key: {value}}
		want["page"] = append(want["page"], "1")
		if parsed, err := url.ParseQuery(q.encode()); err != nil || !reflect.DeepEqual(parsed, want) {
			t.Fatalf("ParseQuery(%q) = %v, %v; want %v", q.encode(), parsed, err, want)
		}
	})
}

// FuzzSignature: never panics; deterministic; the documented formula over
// encodeURI; standard padded base64 of 32 bytes; invalid UTF-8 refused.
func FuzzSignature(f *testing.F) {
	for _, s := range uriSeeds {
		f.Add("GET", "http://h"+s, int64(1605290625682), "ak", "sk")
	}
	f.Add("post", "https://cloudcontrol.e.samsungsdscloud.com/v1/accounts", int64(-1), "", "")
	f.Fuzz(func(t *testing.T, method, rawURL string, ts int64, ak, sk string) {
		got, err := signature(httpapi.Secret(sk), method, rawURL, ts, httpapi.Secret(ak))
		again, err2 := signature(httpapi.Secret(sk), method, rawURL, ts, httpapi.Secret(ak))
		if got != again || (err == nil) != (err2 == nil) {
			t.Fatalf("signature is not deterministic: %q/%v then %q/%v", got, err, again, err2)
		}
		if !utf8.ValidString(rawURL) {
			if err == nil {
				t.Fatalf("signed invalid UTF-8 URL %q", rawURL)
			}
			return
		}
		enc, _ := encodeURI(rawURL)
		mac := hmac.New(sha256.New, []byte(sk))
		mac.Write([]byte(strings.ToUpper(method) + enc + strconv.FormatInt(ts, 10) + ak + "Openapi"))
		if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); err != nil || got != want {
			t.Fatalf("signature = %q, %v; want %q", got, err, want)
		}
	})
}
