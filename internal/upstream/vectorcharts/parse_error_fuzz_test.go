package vectorcharts_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// FuzzParseError: arbitrary bytes never panic; a body that is not a JSON
// object comes back whole with no code; after the httpapi truncation code
// and message are bounded, valid UTF-8 when the body is.
func FuzzParseError(f *testing.F) {
	for _, s := range []string{`{"error":"username already in use"}`, `{"message":"account not found"}`,
		`{"error":{"code":"E42","message":"nested"}}`, `{"code":404,"message":"gone"}`, `{"code":1e308}`,
		`{"error":{"code":[1]}}`, `{"message":""}`, `["x"]`, "<html>502</html>", "plain\xff", "", "null",
		`{"error":"` + strings.Repeat("한", 200) + `"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := vcapi.ParseError(body)
		var obj map[string]any
		if json.Unmarshal(body, &obj) != nil && (code != "" || msg != string(body)) {
			t.Fatalf("ParseError(%q) = %q, %q; want the raw body", body, code, msg)
		}
		for _, s := range []string{code, msg} {
			out := httpapi.Truncate(httpapi.Scrub(s, "S3ntinel-token"))
			if len(out) > 256+len("…") || utf8.Valid(body) && !utf8.ValidString(out) {
				t.Fatalf("ParseError(%q): %q after truncation", body, out)
			}
		}
	})
}

// FuzzParseErrorEnvelope: each documented shape yields its code and message.
func FuzzParseErrorEnvelope(f *testing.F) {
	f.Add("E42", "nested", uint8(0))
	f.Add("", "username already in use", uint8(1))
	f.Add("404", "gone\x00\xff", uint8(2))
	f.Fuzz(func(t *testing.T, code, message string, shape uint8) {
		if message == "" {
			message = "m" // an empty message is no message: the raw body is kept
		}
		var v any
		switch shape % 3 {
		case 0:
			v = map[string]any{"error": map[string]string{"code": code, "message": message}}
		case 1:
			v = map[string]string{"code": code, "error": message}
		default:
			v = map[string]string{"code": code, "message": message}
		}
		body, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		gotCode, gotMsg := vcapi.ParseError(body)
		if wantCode, wantMsg := fromJSON(t, code), fromJSON(t, message); gotCode != wantCode || gotMsg != wantMsg {
			t.Fatalf("ParseError(%s) = %q, %q; want %q, %q", body, gotCode, gotMsg, wantCode, wantMsg)
		}
	})
}

// fromJSON is s as it reads back from JSON (invalid UTF-8 becomes U+FFFD).
func fromJSON(t *testing.T, s string) string {
	t.Helper()
	raw, _ := json.Marshal(s)
	var back string
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	return back
}
