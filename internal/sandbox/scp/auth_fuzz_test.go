package scp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

// fuzzNow is the one clock the fuzzed client and sandbox share.
var fuzzNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// wireCheck is an http.RoundTripper that puts each request the client signed
// on the wire (Request.Write, as http.Transport does), reads it back as the
// server does (http.ReadRequest) and asks the sandbox to authenticate it.
// Every rejection is recorded; the answer is an empty page or a 404.
type wireCheck struct {
	s      *Server
	sent   int
	reject []string
}

func (w *wireCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return nil, err // unsendable: the client gets a transport error
	}
	wireText := buf.String()
	r, err := http.ReadRequest(bufio.NewReader(&buf))
	w.sent++
	if err != nil {
		w.reject = append(w.reject, fmt.Sprintf("unreadable request %q: %v", wireText, err))
		return answer(req, http.StatusBadRequest, `{}`), nil
	}
	if status, _, detail := w.s.authenticate(r); status != 0 {
		w.reject = append(w.reject, fmt.Sprintf("%d %s for %s %q (client URL %q)",
			status, detail, r.Method, requestURL(r), req.URL.String()))
		return answer(req, status, `{}`), nil
	}
	if req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/v1/organization-accounts") {
		return answer(req, http.StatusOK, `{"accounts":[],"count":0,"page":0,"size":50}`), nil
	}
	return answer(req, http.StatusNotFound, `{"errors":[{"code":"Common.ResourceNotFound","detail":"x"}]}`), nil
}

func answer(req *http.Request, status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}
}

// FuzzClientSignatureAccepted: for any base URL (host and path prefix), query
// value and path id, every request the real SCP client signs and sends is
// accepted by the sandbox's verifier, which has its own encodeURI. The client
// may refuse to build a request (bad URL, invalid UTF-8), but it must never
// send one the verifier rejects.
func FuzzClientSignatureAccepted(f *testing.F) {
	for _, s := range []struct{ host, prefix, value string }{
		{"org.test", "", "team-a"},
		{"org.test:8443", "/scp", "Team A ü한"},
		{"ORG.Test", "/a%20b/c", "100% [x]{y}|^<>`\"'"},
		{"org.test", "/caf\u00e9/;,:@&=+$!~*'()", "a+b@x.com&k=v;#frag"},
		{"127.0.0.1:1", "/%2F%25", "\x00\x7f\u2028\uFFFD😀"},
		{"[::1]:80", "/p", "%41%zz"},
	} {
		f.Add(s.host, s.prefix, s.value, uint8(0))
		f.Add(s.host, s.prefix, s.value, uint8(1))
		f.Add(s.host, s.prefix, s.value, uint8(2))
	}
	f.Fuzz(func(t *testing.T, host, prefix, value string, op uint8) {
		s := New(Options{Now: func() time.Time { return fuzzNow }})
		w := &wireCheck{s: s}
		base := "http://" + host + prefix
		c, err := scpapi.New(scpapi.Config{CloudControlURL: base, OrganizationURL: base,
			AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey, MaxRetries: -1,
			HTTPClient: &http.Client{Transport: w}, Now: func() time.Time { return fuzzNow }})
		if err != nil {
			return // the client refuses this configuration
		}
		callClient(c, op, value)
		for _, r := range w.reject {
			t.Errorf("base %q, value %q: the sandbox rejected a signed request: %s", base, value, r)
		}
		if w.sent == 0 && clientShouldSend(op, value) && utf8.ValidString(base) && validHost(host) {
			t.Errorf("base %q, value %q: no request was sent", base, value)
		}
	})
}

// callClient makes one call through the exported client surface: query
// values (ListAccounts filters), a path id (GetAccount) or a JSON body.
func callClient(c *scpapi.Client, op uint8, value string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	switch op % 3 {
	case 0:
		_, _ = c.ListAccounts(ctx, scpapi.ListAccountsOptions{Name: value, Email: value + "@x", Page: 1, Size: 7})
	case 1:
		_, _ = c.GetAccount(ctx, value)
	default:
		_, _ = c.CreateAccount(ctx, scpapi.CreateAccountRequest{Name: value, LandingZoneID: "lz", ParentUnitID: "ou"})
	}
}

// clientShouldSend: GetAccount refuses ids that need escaping; the others
// always send when the value is valid UTF-8 (encodeURI cannot sign otherwise).
func clientShouldSend(op uint8, value string) bool {
	if op%3 == 1 {
		return value != "" && url.PathEscape(value) == value && !strings.ContainsAny(value, "!$&'()*+,;=:@")
	}
	return op%3 == 2 || utf8.ValidString(value)
}

// validHost: a host net/http can put on the wire as the client signed it.
func validHost(h string) bool {
	return h != "" && !strings.ContainsAny(h, "/?#@ %\\") && utf8.ValidString(h)
}

// FuzzJSEncodeURI pins the sandbox's encodeURI to the properties that define
// ECMAScript encodeURI (the client's copy is fuzzed against the same ones):
// invalid UTF-8 fails; otherwise only kept characters and uppercase %XX
// escapes appear, no escape stands for a kept character, and unescaping
// gives the input back.
func FuzzJSEncodeURI(f *testing.F) {
	for _, s := range []string{"", "azAZ09;,/?:@&=+$-_.!~*'()#", " \"%<>[\\]^`{|}\x7f\x00é€😀",
		"name=a%20b", "\uFFFD", "bad\xffbyte", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := jsEncodeURI(in)
		if ok != utf8.ValidString(in) {
			t.Fatalf("jsEncodeURI(%q) ok = %v", in, ok)
		}
		if !ok {
			return
		}
		for i := 0; i < len(out); i++ {
			if out[i] != '%' {
				if !uriKeeps(out[i]) {
					t.Fatalf("jsEncodeURI(%q) = %q: unescaped %q", in, out, out[i])
				}
				continue
			}
			if i+2 >= len(out) || !upperHex(out[i+1]) || !upperHex(out[i+2]) {
				t.Fatalf("jsEncodeURI(%q) = %q: malformed escape at %d", in, out, i)
			}
			if b, _ := strconv.ParseUint(out[i+1:i+3], 16, 8); uriKeeps(byte(b)) {
				t.Fatalf("jsEncodeURI(%q) = %q: kept character %q escaped", in, out, byte(b))
			}
			i += 2
		}
		if back, err := url.PathUnescape(out); err != nil || back != in {
			t.Fatalf("PathUnescape(jsEncodeURI(%q)) = %q, %v", in, back, err)
		}
	})
}

func upperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }
