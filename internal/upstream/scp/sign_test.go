package scp

import (
	"testing"
)

// Expected values were computed outside Go. encodeURI with node:
//
//	node -e 'console.log(encodeURI(process.argv[1]))' "$url"
//
// and the signatures with openssl, command next to each case.
func TestSignatureVectors(t *testing.T) {
	cases := []struct {
		name, method, url, encoded, want string
	}{
		{
			// printf '%s' 'GEThttps://organization.e.samsungsdscloud.com/v1/organization-accounts?name=Team%20A%20%C3%BC%ED%95%9C&email=a+b@x.com&keep=;,/?:@=$-_.!~*()#&pct=100%25&brk=%5Bx%5D%7By%7D%7C%5E%3C%3E16052906256822sd2gg=2agbdSD26svcDOpenapi' | openssl dgst -sha256 -hmac 'sandbox-secret-key' -binary | base64
			name:    "query with escaped and kept characters",
			method:  "GET",
			url:     "https://organization.e.samsungsdscloud.com/v1/organization-accounts?name=Team A ü한&email=a+b@x.com&keep=;,/?:@=$-_.!~*()#&pct=100%&brk=[x]{y}|^<>",
			encoded: "https://organization.e.samsungsdscloud.com/v1/organization-accounts?name=Team%20A%20%C3%BC%ED%95%9C&email=a+b@x.com&keep=;,/?:@=$-_.!~*()#&pct=100%25&brk=%5Bx%5D%7By%7D%7C%5E%3C%3E",
			want:    "apfm2PvuAqvh7yRUu53WKNUMpOT/CwR2uHmzbNh7dhg=",
		},
		{
			// printf '%s' 'POSThttps://cloudcontrol.e.samsungsdscloud.com/v1/accounts16052906256822sd2gg=2agbdSD26svcDOpenapi' | openssl dgst -sha256 -hmac 'sandbox-secret-key' -binary | base64
			name:    "plain create URL, lower-case method",
			method:  "post",
			url:     "https://cloudcontrol.e.samsungsdscloud.com/v1/accounts",
			encoded: "https://cloudcontrol.e.samsungsdscloud.com/v1/accounts",
			want:    "pum23Rf0Eusz7a+GOoddymOuI446sSyv1bq4ZiCW8aU=",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if enc, err := encodeURI(tc.url); err != nil || enc != tc.encoded {
				t.Fatalf("encodeURI = %q, %v; want %q", enc, err, tc.encoded)
			}
			got, err := signature("sandbox-secret-key", tc.method, tc.url, 1605290625682, "2sd2gg=2agbdSD26svcD")
			if err != nil || got != tc.want {
				t.Fatalf("signature = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// Expected outputs from node's encodeURI.
func TestEncodeURI(t *testing.T) {
	cases := []struct{ in, want string }{
		{"azAZ09;,/?:@&=+$-_.!~*'()#", "azAZ09;,/?:@&=+$-_.!~*'()#"},
		{" \"%<>[\\]^`{|}\x7f\x00é€😀", "%20%22%25%3C%3E%5B%5C%5D%5E%60%7B%7C%7D%7F%00%C3%A9%E2%82%AC%F0%9F%98%80"},
		{"name=a%20b", "name=a%2520b"}, // '%' itself is escaped
		{"\uFFFD", "%EF%BF%BD"},        // a real U+FFFD is fine
		{"", ""},
	}
	for _, tc := range cases {
		if got, err := encodeURI(tc.in); err != nil || got != tc.want {
			t.Errorf("encodeURI(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := encodeURI("bad\xffbyte"); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
	if _, err := signature("k", "GET", "http://h/\xff", 1, "a"); err == nil {
		t.Error("signature of invalid UTF-8 accepted")
	}
}

func TestQueryEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"team-a_1.x~", "team-a_1.x~"},
		{"Team A/ü+&=", "Team%20A%2F%C3%BC%2B%26%3D"},
	}
	for _, tc := range cases {
		if got := escape(tc.in); got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for in, want := range map[string]bool{"abc-1": true, "a b": false, "a/b": false, "": false, "a%41": false} {
		if wireSafe(in) != want {
			t.Errorf("wireSafe(%q) != %v", in, want)
		}
	}
}
