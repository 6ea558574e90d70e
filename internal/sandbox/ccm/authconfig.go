package ccm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
)

// maxLogo is the documented logo limit: "Max size 128Kb".
const maxLogo = 128 << 10

// pcrCount is the length of azure_cvm_pcr_priority: the integers 0..22.
const pcrCount = 23

// validateAuthConfig checks one AuthenticationConfig: exactly one of password,
// oauth or cluster_auth_ref, each with its required fields.
func validateAuthConfig(v any, field string) (map[string]any, error) {
	obj, err := asObject(v, field)
	if err != nil {
		return nil, err
	}
	kind, err := exactlyOne(obj, field, "password", "oauth", "cluster_auth_ref")
	if err != nil {
		return nil, err
	}
	f := join(field, kind)
	inner, err := asObject(obj[kind], f)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "password":
		err = validatePassword(inner, f)
	case "oauth":
		err = validateOauth(inner, f)
	default:
		err = checkKeys(inner, f, "target_id")
		if err == nil {
			_, err = reqString(inner, "target_id", f)
		}
	}
	return obj, err
}

func validatePassword(obj map[string]any, field string) error {
	if err := checkKeys(obj, field, "require_2fa", "administrators_only"); err != nil {
		return err
	}
	if err := reqBool(obj, "require_2fa", field); err != nil {
		return err
	}
	return reqBool(obj, "administrators_only", field)
}

func validateOauth(obj map[string]any, field string) error {
	strs := []string{"idp_name", "idp_icon_url", "idp_authorization_endpoint", "idp_token_endpoint",
		"client_id", "client_secret"}
	allowed := append([]string{"idp_requires_basic_auth", "idp_userinfo_endpoint", "tls"}, strs...)
	if err := checkKeys(obj, field, allowed...); err != nil {
		return err
	}
	for _, k := range strs {
		if _, err := reqString(obj, k, field); err != nil {
			return err
		}
	}
	if _, _, err := optString(obj, "idp_userinfo_endpoint", field); err != nil {
		return err
	}
	if err := reqBool(obj, "idp_requires_basic_auth", field); err != nil {
		return err
	}
	tls, ok := obj["tls"]
	if !ok {
		return errf(join(field, "tls"), "required")
	}
	return validateTLS(tls, join(field, "tls"))
}

// validateTLS checks TlsConfig: disabled | opportunistic | required.
func validateTLS(v any, field string) error {
	obj, err := asObject(v, field)
	if err != nil {
		return err
	}
	mode, err := exactlyOne(obj, field, "disabled", "opportunistic", "required")
	if err != nil {
		return err
	}
	f := join(field, mode)
	inner, err := asObject(obj[mode], f)
	if err != nil {
		return err
	}
	if mode != "required" {
		return checkKeys(inner, f) // declared as an empty object
	}
	if err := checkKeys(inner, f, "validate_hostname", "client_key", "client_cert", "ca"); err != nil {
		return err
	}
	if err := reqBool(inner, "validate_hostname", f); err != nil {
		return err
	}
	for _, k := range []string{"client_key", "client_cert"} {
		if err := optBinary(inner, k, f); err != nil {
			return err
		}
	}
	ca, ok := inner["ca"]
	if !ok {
		return errf(join(f, "ca"), "required")
	}
	return validateCA(ca, join(f, "ca"))
}

// validateCA checks CaConfig: ca_set (GLOBAL_ROOTS) | pinned (base64 certs).
func validateCA(v any, field string) error {
	obj, err := asObject(v, field)
	if err != nil {
		return err
	}
	kind, err := exactlyOne(obj, field, "ca_set", "pinned")
	if err != nil {
		return err
	}
	if kind == "ca_set" {
		_, _, err = optEnum(obj, "ca_set", field, "GLOBAL_ROOTS")
		return err
	}
	f := join(field, "pinned")
	list, err := asArray(obj["pinned"], f)
	if err != nil {
		return err
	}
	for i, item := range list {
		s, ok := item.(string)
		if !ok {
			return errf(indexField(f, i), "must be a base64 string")
		}
		if _, err := decodeBinary(s); err != nil {
			return errf(indexField(f, i), "invalid base64")
		}
	}
	return nil
}

// optBinary checks a "format: binary" field: a standard base64 string.
func optBinary(obj map[string]any, key, field string) error {
	s, ok, err := optString(obj, key, field)
	if err != nil || !ok {
		return err
	}
	if _, err := decodeBinary(s); err != nil {
		return errf(join(field, key), "invalid base64")
	}
	return nil
}

func decodeBinary(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// validateLogo checks custom_logo: base64, at most 128 KiB, and a PNG, JPEG or
// SVG by content. An empty string means no logo (Fortanix tooling sends "").
func validateLogo(obj map[string]any, field string) error {
	s, ok, err := optString(obj, "custom_logo", field)
	if err != nil || !ok || s == "" {
		return err
	}
	f := join(field, "custom_logo")
	raw, err := decodeBinary(s)
	if err != nil {
		return errf(f, "invalid base64")
	}
	if len(raw) > maxLogo {
		return errf(f, "larger than 128 KiB")
	}
	if !isImage(raw) {
		return errf(f, "must be a PNG, JPEG or SVG image")
	}
	return nil
}

func isImage(b []byte) bool {
	switch http.DetectContentType(b) {
	case "image/png", "image/jpeg":
		return true
	}
	head := b[:min(len(b), 1024)]
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
	return bytes.HasPrefix(trimmed, []byte("<")) && bytes.Contains(bytes.ToLower(head), []byte("<svg"))
}

// validatePCR checks azure_cvm_pcr_priority: exactly the integers 0..22, in any order.
func validatePCR(v any, field string) ([]int, error) {
	list, err := asArray(v, field)
	if err != nil {
		return nil, err
	}
	if len(list) != pcrCount {
		return nil, errf(field, "must list each integer 0 through 22 exactly once")
	}
	seen := make([]bool, pcrCount)
	out := make([]int, 0, pcrCount)
	for i, item := range list {
		n, ok := item.(json.Number)
		v, err := n.Int64()
		if !ok || err != nil {
			return nil, errf(indexField(field, i), "must be an integer")
		}
		if v < 0 || v >= pcrCount || seen[v] {
			return nil, errf(field, "must list each integer 0 through 22 exactly once")
		}
		seen[v] = true
		out = append(out, int(v))
	}
	return out, nil
}

func indexField(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
