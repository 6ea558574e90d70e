package scp

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"
)

// FuzzBaseURL: whatever base URL New accepts, net/http puts the request on
// the wire with the Host and request target the client signs (scheme://
// URL.Host + URL.RequestURI()), so the server verifies the signed URL.
func FuzzBaseURL(f *testing.F) {
	for _, s := range []string{"https://cloudcontrol.e.samsungsdscloud.com", "http://127.0.0.1:8080/scp/",
		"https://[::1]:443/a%20b", "https://[fe80::1%25eth0]/", "https://bücher.example", "https://h:/p",
		"https://h/%zz", "https://h/ü/;,", "http://\"0", "https://user@h", "https://h?q", "ftp://h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		base, err := baseURL("CloudControlURL", raw)
		if err != nil {
			return
		}
		req, err := http.NewRequest(http.MethodGet, base+"/v1/organization-accounts?name=a", nil)
		if err != nil {
			t.Fatalf("baseURL accepted %q as %q, which net/http cannot request: %v", raw, base, err)
		}
		var buf bytes.Buffer
		if err := req.Write(&buf); err != nil {
			t.Fatalf("baseURL accepted %q as %q, which net/http cannot send: %v", raw, base, err)
		}
		got, err := http.ReadRequest(bufio.NewReader(&buf))
		if err != nil {
			t.Fatalf("request to %q is unreadable: %v", base, err)
		}
		if got.Host != req.URL.Host || got.RequestURI != req.URL.RequestURI() {
			t.Fatalf("signed host %q target %q, but the wire has %q %q", req.URL.Host, req.URL.RequestURI(), got.Host, got.RequestURI)
		}
	})
}
