package ccm_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// FuzzParseError: arbitrary bytes never panic; a body that is not a JSON
// object with a non-empty "message" or "error" string comes back whole; and
// after the httpapi truncation code and message are bounded, valid UTF-8
// when the body is.
func FuzzParseError(f *testing.F) {
	for _, s := range []string{`{"code": 40001, "message": "bad name"}`, `{"error": "forbidden"}`,
		`{"unrelated": true}`, `{"code":{"a":[1]},"message":"m","error":"e"}`, `{"message":7}`,
		`[{"message":"x"}]`, "<html>502</html>", "plain\xff\xfe", "", "null",
		`{"message":"` + strings.Repeat("€", 200) + `"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := ccmapi.ParseError(body)
		if !hasText(body) && (code != "" || msg != string(body)) {
			t.Fatalf("ParseError(%q) = %q, %q; want the raw body", body, code, msg)
		}
		for _, s := range []string{code, msg} {
			out := httpapi.Truncate(httpapi.Scrub(s, "S3ntinel-password"))
			if len(out) > 256+len("…") || utf8.Valid(body) && !utf8.ValidString(out) {
				t.Fatalf("ParseError(%q): %q after truncation", body, out)
			}
		}
	})
}

// hasText: the body is a JSON object whose "message" or "error" is a
// non-empty string, the envelope ParseError reads.
func hasText(body []byte) bool {
	var env struct {
		Message, Error string
	}
	return json.Unmarshal(body, &env) == nil && (env.Message != "" || env.Error != "")
}

// FuzzParseErrorEnvelope: a well-formed {"code","message","error"} body
// yields its code and "message error", trimmed.
func FuzzParseErrorEnvelope(f *testing.F) {
	f.Add("40001", "bad name", "")
	f.Add("", "", "forbidden")
	f.Add("E1", " a\t", "\x00<b>\xff")
	f.Fuzz(func(t *testing.T, code, message, errText string) {
		body, err := json.Marshal(map[string]string{"code": code, "message": message, "error": errText})
		if err != nil {
			t.Fatal(err)
		}
		var want struct{ Code, Message, Error string }
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		gotCode, gotMsg := ccmapi.ParseError(body)
		wantCode, wantMsg := fmt.Sprint(want.Code), strings.TrimSpace(want.Message+" "+want.Error)
		if want.Message == "" && want.Error == "" {
			wantCode, wantMsg = "", string(body)
		}
		if gotCode != wantCode || gotMsg != wantMsg {
			t.Fatalf("ParseError(%s) = %q, %q; want %q, %q", body, gotCode, gotMsg, wantCode, wantMsg)
		}
	})
}
