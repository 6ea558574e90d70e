package scp

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// FuzzParseError: arbitrary bytes (JSON of any shape, HTML, invalid UTF-8)
// never panic; non-envelopes come back whole as the message; after the
// httpapi truncation every error field is bounded, and valid UTF-8 in gives
// valid UTF-8 out.
func FuzzParseError(f *testing.F) {
	for _, s := range []string{
		`{"errors":[{"status":409,"code":"Organization.AccountNameDuplicated","detail":"name taken"}]}`,
		`{"errors":[{"code":"A","detail":["x","y"]},{"code":7,"title":" t "}]}`,
		`{"errors":[]}`, `{"errors":{}}`, `{"errors":[null,1,"s",[]]}`, `{"errors":[{"message":1e400}]}`,
		"<html><body>502 Bad Gateway</body></html>", "upstream connect error\xff\xfe", "", "null",
		strings.Repeat("ü", 300),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := parseError(body)
		if code == "" && msg != string(body) && !isEnvelope(body) {
			t.Fatalf("parseError(%q) = %q, %q: a non-envelope must come back whole", body, code, msg)
		}
		checkBounded(t, body, code, msg)
	})
}

// FuzzParseErrorEnvelope: a well-formed envelope yields its code and message
// (leading and trailing space trimmed), whatever the strings hold.
func FuzzParseErrorEnvelope(f *testing.F) {
	f.Add("Organization.AccountNotRemovable", "account has resources", "Conflict")
	f.Add("", " spaced ", "")
	f.Add("c\u2028", "\x00<b>\"", "t")
	f.Fuzz(func(t *testing.T, code, detail, title string) {
		body, err := json.Marshal(map[string]any{"errors": []map[string]any{
			{"status": 400, "code": code, "detail": detail, "title": title}}})
		if err != nil {
			t.Fatal(err)
		}
		wantCode, wantMsg := jsonText(t, code), jsonText(t, detail)
		if wantMsg == "" {
			wantMsg = jsonText(t, title)
		}
		gotCode, gotMsg := parseError(body)
		if wantCode == "" && wantMsg == "" {
			wantMsg = string(body) // nothing usable: the raw body
		}
		if gotCode != wantCode || gotMsg != wantMsg {
			t.Fatalf("parseError(%s) = %q, %q; want %q, %q", body, gotCode, gotMsg, wantCode, wantMsg)
		}
	})
}

// jsonText is s as it reads back from JSON (invalid UTF-8 becomes U+FFFD),
// trimmed.
func jsonText(t *testing.T, s string) string {
	t.Helper()
	raw, _ := json.Marshal(s)
	var back string
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(back)
}

func isEnvelope(body []byte) bool {
	var env struct {
		Errors []json.RawMessage `json:"errors"`
	}
	return json.Unmarshal(body, &env) == nil && len(env.Errors) > 0
}

// checkBounded applies what httpapi does to every upstream message.
func checkBounded(t *testing.T, body []byte, fields ...string) {
	t.Helper()
	for _, s := range fields {
		out := httpapi.Truncate(httpapi.Scrub(s, "sandbox-secret-key"))
		if len(out) > 256+len("…") {
			t.Fatalf("body %q: %d bytes after truncation", body, len(out))
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("body %q: truncation broke UTF-8: %q", body, out)
		}
	}
}
