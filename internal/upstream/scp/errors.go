package scp

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// ErrNoAssignment is returned by GetBaselineAssignment when Cloud Control has
// no baseline assignment for the account (not registered yet, or any more).
var ErrNoAssignment = errors.New("scp: no baseline assignment for the account")

// ErrMoveFailed is wrapped in the *httpapi.Error MoveAccount returns when the
// 200 response lists the account in failed_ids (or not in success_ids).
var ErrMoveFailed = errors.New("scp: account was not moved")

// parseError reads the SCP error envelope leniently:
//
//	{"errors":[{"status":409,"code":"…","title":"…","detail":"…"|["…"],"message":"…"}]}
//
// Anything else (plain text, HTML from a gateway, another JSON shape) is
// returned whole as the message; httpapi truncates and scrubs it.
func parseError(body []byte) (code, message string) {
	var env struct {
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Errors) == 0 {
		return "", string(body)
	}
	var codes, msgs []string
	for _, e := range env.Errors {
		if c := text(e["code"]); c != "" {
			codes = append(codes, c)
		}
		for _, k := range []string{"detail", "message", "title"} {
			if m := text(e[k]); m != "" {
				msgs = append(msgs, m)
				break
			}
		}
	}
	if len(codes) == 0 && len(msgs) == 0 {
		return "", string(body)
	}
	return strings.Join(codes, ","), strings.Join(msgs, "; ")
}

// text flattens a JSON value: strings as is, arrays joined, numbers formatted.
func text(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(t))
		for _, x := range t {
			if s := text(x); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "; ")
	default:
		return ""
	}
}
