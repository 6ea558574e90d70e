package scp

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The expected values were computed outside Go. encodeURI output with node:
//
//	node -e 'console.log(encodeURI(process.argv[1]))' "$url"
//
// signatures with openssl (commands next to each case).
func TestExpectedSignatureVectors(t *testing.T) {
	cases := []struct {
		name, method, url, want string
	}{
		{
			// printf '%s' 'GEThttps://organization.e.samsungsdscloud.com/v1/organization-accounts?name=Team%20A%20%C3%BC%ED%95%9C&email=a+b@x.com&keep=;,/?:@=$-_.!~*()#&pct=100%25&brk=%5Bx%5D%7By%7D%7C%5E%3C%3E16052906256822sd2gg=2agbdSD26svcDOpenapi' | openssl dgst -sha256 -hmac 'sandbox-secret-key' -binary | base64
			name:   "query with escaped and kept characters",
			method: "GET",
			url:    "https://organization.e.samsungsdscloud.com/v1/organization-accounts?name=Team A ü한&email=a+b@x.com&keep=;,/?:@=$-_.!~*()#&pct=100%&brk=[x]{y}|^<>",
			want:   "apfm2PvuAqvh7yRUu53WKNUMpOT/CwR2uHmzbNh7dhg=",
		},
		{
			// printf '%s' 'POSThttps://cloudcontrol.e.samsungsdscloud.com/v1/accounts16052906256822sd2gg=2agbdSD26svcDOpenapi' | openssl dgst -sha256 -hmac 'sandbox-secret-key' -binary | base64
			name:   "plain create URL",
			method: "post",
			url:    "https://cloudcontrol.e.samsungsdscloud.com/v1/accounts",
			want:   "pum23Rf0Eusz7a+GOoddymOuI446sSyv1bq4ZiCW8aU=",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mac, ok := expectedSignature("sandbox-secret-key", tc.method, tc.url, "1605290625682", "2sd2gg=2agbdSD26svcD", "")
			if !ok {
				t.Fatal("not signable")
			}
			if got := base64.StdEncoding.EncodeToString(mac); got != tc.want {
				t.Fatalf("signature %s, want %s", got, tc.want)
			}
		})
	}
}

func TestJSEncodeURI(t *testing.T) {
	cases := []struct{ in, want string }{
		{"azAZ09;,/?:@&=+$-_.!~*'()#", "azAZ09;,/?:@&=+$-_.!~*'()#"},
		{" \"%<>[\\]^`{|}\x7f\x00é€😀", "%20%22%25%3C%3E%5B%5C%5D%5E%60%7B%7C%7D%7F%00%C3%A9%E2%82%AC%F0%9F%98%80"},
		{"a%20b", "a%2520b"}, // an existing escape is escaped again
		{"", ""},
	}
	for _, tc := range cases {
		if got, ok := jsEncodeURI(tc.in); !ok || got != tc.want {
			t.Errorf("jsEncodeURI(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
	if _, ok := jsEncodeURI("bad\xffutf8"); ok {
		t.Error("invalid UTF-8 was accepted")
	}
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t, Options{Credentials: []Credential{
		{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey},
		{AccessKey: "member-key", SecretKey: "member-secret", Forbidden: true},
	}})
	const path = "/v1/organization-accounts?name=team&size=1"
	cases := []struct {
		name  string
		tweak func(*signer)
		after func(*http.Request) // tamper after signing
		want  int
	}{
		{name: "valid", want: 200},
		{name: "skew within window", tweak: func(s *signer) { s.ts = s.ts.Add(-4 * time.Minute) }, want: 200},
		{name: "pinned version", tweak: func(s *signer) { s.version = "organization 1.2" }, want: 200},
		{name: "with Scp-AccountId", tweak: func(s *signer) { s.accountID = "acc-1" }, want: 200},
		{name: "wrong secret", tweak: func(s *signer) { s.secretKey = "not-the-secret" }, want: 401},
		{name: "unknown access key", tweak: func(s *signer) { s.accessKey = "nobody" }, want: 401},
		{name: "stale timestamp", tweak: func(s *signer) { s.ts = s.ts.Add(-6 * time.Minute) }, want: 401},
		{name: "future timestamp", tweak: func(s *signer) { s.ts = s.ts.Add(6 * time.Minute) }, want: 401},
		{name: "altered query", after: func(r *http.Request) { r.URL.RawQuery = "name=other&size=1" }, want: 401},
		{name: "altered path", after: func(r *http.Request) { r.URL.Path = "/v1/organization-accounts/x" }, want: 401},
		{name: "timestamp header changed", after: func(r *http.Request) {
			r.Header.Set("Scp-Timestamp", r.Header.Get("Scp-Timestamp")+"1")
		}, want: 401},
		{name: "unpadded base64", after: func(r *http.Request) {
			r.Header.Set("Scp-Signature", strings.TrimRight(r.Header.Get("Scp-Signature"), "="))
		}, want: 401},
		{name: "missing signature", after: func(r *http.Request) { r.Header.Del("Scp-Signature") }, want: 401},
		{name: "wrong client type", after: func(r *http.Request) { r.Header.Set("Scp-ClientType", "Console") }, want: 401},
		{name: "not management account", tweak: func(s *signer) { s.accessKey, s.secretKey = "member-key", "member-secret" }, want: 403},
		{name: "unsupported version", tweak: func(s *signer) { s.version = "organization 9.9" }, want: 400},
		{name: "other service's version", tweak: func(s *signer) { s.version = "cloudcontrol 1.2" }, want: 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sg := e.signer()
			if tc.tweak != nil {
				tc.tweak(&sg)
			}
			req := e.request(sg, "GET", path, nil)
			if tc.after != nil {
				tc.after(req)
			}
			code, body := e.send(req)
			if code != tc.want {
				t.Fatalf("status %d, want %d (%v)", code, tc.want, body)
			}
			if code >= 400 {
				errorOf(t, code, body)
			}
		})
	}
}

// DeleteAccount exists only in organization 1.2.
func TestDeleteNeedsOrganization12(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create("team-del")
	sg := e.signer()
	sg.version = "organization 1.1"
	if code, body := e.send(e.request(sg, "DELETE", "/v1/organization-accounts/"+id, nil)); code != 400 {
		t.Fatalf("status %d, want 400 (%v)", code, body)
	}
}

// A request through a path prefix (http.StripPrefix) is still judged on the
// URL the client sent.
func TestSignatureSurvivesStripPrefix(t *testing.T) {
	e := newEnv(t, Options{})
	mux := http.NewServeMux()
	mux.Handle("/scp/", http.StripPrefix("/scp", e.s.Handler()))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	if code, body := e.do("GET", "/scp/v1/organization-accounts", nil); code != 200 {
		t.Fatalf("status %d (%v)", code, body)
	}
}
