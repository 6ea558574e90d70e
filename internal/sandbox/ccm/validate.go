package ccm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

// maxRequestBody bounds a request body: a 128 KiB logo in base64 plus configs.
const maxRequestBody = 1 << 20

// fieldError is a 400 that names the offending field, e.g.
// "auth_configs[0].oauth.tls: exactly one of ...". Messages never echo values,
// which may be secrets.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string {
	if e.field == "" {
		return e.msg
	}
	return e.field + ": " + e.msg
}

func errf(field, format string, args ...any) error {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}

// readObject decodes a JSON object body, keeping numbers exact.
func readObject(r *http.Request) (map[string]any, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return nil, errf("", "cannot read body")
	}
	if len(raw) > maxRequestBody {
		return nil, errf("", "request body too large")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errf("", "malformed JSON body")
	}
	if dec.More() {
		return nil, errf("", "trailing data after JSON body")
	}
	return asObject(v, "body")
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func asObject(v any, field string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errf(field, "must be an object")
	}
	return m, nil
}

// checkKeys rejects properties the schema does not declare.
func checkKeys(obj map[string]any, field string, allowed ...string) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic message when several are unknown
	for _, k := range keys {
		if !contains(allowed, k) {
			return errf(join(field, k), "unknown field")
		}
	}
	return nil
}

// exactlyOne checks a one-of object (AuthenticationConfig, TlsConfig,
// CaConfig) and returns the variant set.
func exactlyOne(obj map[string]any, field string, variants ...string) (string, error) {
	if err := checkKeys(obj, field, variants...); err != nil {
		return "", err
	}
	var set []string
	for _, k := range variants {
		if v, ok := obj[k]; ok && v != nil {
			set = append(set, k)
		}
	}
	if len(set) != 1 {
		return "", errf(field, "exactly one of %s must be set", strings.Join(variants, ", "))
	}
	return set[0], nil
}

func reqBool(obj map[string]any, key, field string) error {
	v, ok := obj[key]
	if !ok {
		return errf(join(field, key), "required")
	}
	if _, ok := v.(bool); !ok {
		return errf(join(field, key), "must be a boolean")
	}
	return nil
}

func optBool(obj map[string]any, key, field string) error {
	if _, ok := obj[key]; !ok {
		return nil
	}
	return reqBool(obj, key, field)
}

func reqString(obj map[string]any, key, field string) (string, error) {
	v, ok := obj[key]
	if !ok {
		return "", errf(join(field, key), "required")
	}
	s, ok := v.(string)
	if !ok {
		return "", errf(join(field, key), "must be a string")
	}
	return s, nil
}

func optString(obj map[string]any, key, field string) (string, bool, error) {
	if _, ok := obj[key]; !ok {
		return "", false, nil
	}
	s, err := reqString(obj, key, field)
	return s, err == nil, err
}

func optEnum(obj map[string]any, key, field string, values ...string) (string, bool, error) {
	s, ok, err := optString(obj, key, field)
	if err != nil || !ok {
		return "", false, err
	}
	if !contains(values, s) {
		return "", false, errf(join(field, key), "must be one of %s", strings.Join(values, ", "))
	}
	return s, true, nil
}

func asArray(v any, field string) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, errf(field, "must be an array")
	}
	return a, nil
}

// isUUID accepts the canonical 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", c):
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
