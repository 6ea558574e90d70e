package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// cannedBody answers every request with one status and body.
type cannedBody struct {
	status int
	body   []byte
}

func (c cannedBody) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: c.status, Header: http.Header{}, Request: req,
		Body: io.NopCloser(strings.NewReader(string(c.body)))}, nil
}

// FuzzStatusError drives a failed call through the client with any body and
// error parser output: the call never panics, Code and Message stay within
// the bound, keep valid UTF-8 when the parser output and the secret are, and
// never contain the secret the client scrubs.
func FuzzStatusError(f *testing.F) {
	f.Add(uint16(400), []byte(`{"code":"E","message":"bad"}`), "S3ntinel-secret", false)
	f.Add(uint16(502), []byte("<html>"+strings.Repeat("ü", 200)+"S3ntinel-secret</html>"), "S3ntinel-secret", true)
	f.Add(uint16(404), []byte("  \xff\xfe"+strings.Repeat(" ", 300)), "abcd", false)
	f.Add(uint16(599), []byte(strings.Repeat("x", 255)+"€€"), "€€€€", true)
	f.Fuzz(func(t *testing.T, status uint16, body []byte, secret string, splitCode bool) {
		st := 400 + int(status)%200 // every failure status, 4xx and 5xx
		parse := func(b []byte) (string, string) {
			if splitCode && len(b) > 0 { // the code is the first half, the message the rest
				return string(b[:len(b)/2]), string(b[len(b)/2:])
			}
			return "", string(b)
		}
		c := httpapi.New(httpapi.Config{Upstream: "p", HTTPClient: &http.Client{Transport: cannedBody{st, body}},
			MaxRetries: -1, ParseError: parse,
			Secrets: func() []httpapi.Secret { return []httpapi.Secret{httpapi.Secret(secret)} }})
		_, err := c.Do(context.Background(), httpapi.Request{Operation: "Op",
			Build: func(ctx context.Context) (*http.Request, error) {
				return http.NewRequestWithContext(ctx, http.MethodGet, "http://upstream.test/x", nil)
			}})
		var e *httpapi.Error
		if !errors.As(err, &e) || e.StatusCode != st {
			t.Fatalf("Do = %v; want an *Error with status %d", err, st)
		}
		// A secret that is not valid UTF-8 can match part of a character, and
		// scrubbing it leaves the rest: only valid input is promised valid output.
		code, msg := parse(body)
		checkField(t, "Code", e.Code, utf8.ValidString(code) && utf8.ValidString(secret), secret)
		checkField(t, "Message", e.Message, utf8.ValidString(msg) && utf8.ValidString(secret), secret)
	})
}

func checkField(t *testing.T, name, got string, validIn bool, secret string) {
	t.Helper()
	if len(got) > 256+len("…") {
		t.Fatalf("%s is %d bytes", name, len(got))
	}
	if validIn && !utf8.ValidString(got) {
		t.Fatalf("%s %q: truncation broke UTF-8", name, got)
	}
	if scrubbable(secret) && strings.Contains(got, secret) {
		t.Fatalf("%s %q holds the secret %q", name, got, secret)
	}
}

// scrubbable: secrets of 4 bytes or more are scrubbed. One that overlaps the
// "[REDACTED]" marker or the truncation mark could be rebuilt by them, which
// no real credential does, so those are not checked.
func scrubbable(s string) bool {
	return len(s) >= 4 && utf8.ValidString(s) && !strings.ContainsAny(s, "[]…") &&
		!strings.Contains(httpapi.Redacted, s) //nolint:gocritic // argOrder: is s inside the marker, on purpose
}
