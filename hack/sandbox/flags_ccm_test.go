package main

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

func TestCCMVariantFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want ccmsandbox.Variants
	}{
		{nil, ccmsandbox.Variants{MissingAccountStatus: 404, DuplicateNameStatus: 400, SelectPath: ccmsandbox.SelectSession}},
		{[]string{"-ccm-missing-account-status", "403", "-ccm-duplicate-name-status", "409", "-ccm-select-no-content", "-ccm-select-path", "accounts",
			"-ccm-expiry-millis", "-ccm-normalise", "logo, urls", "-ccm-patch-ignores", "azure_cvm_pcr_priority,custom_logo"},
			ccmsandbox.Variants{MissingAccountStatus: 403, DuplicateNameStatus: 409, SelectNoContent: true, SelectPath: ccmsandbox.SelectAccounts, ExpiryMillis: true,
				NormaliseLogo: true, NormaliseURLs: true, PatchIgnores: []string{"azure_cvm_pcr_priority", "custom_logo"}}},
		{[]string{"-ccm-normalise", "all"}, ccmsandbox.Variants{MissingAccountStatus: 404, DuplicateNameStatus: 400, SelectPath: ccmsandbox.SelectSession,
			NormaliseLogo: true, NormaliseURLs: true, ReorderConfigs: true, RekeyConfigs: true}},
		{[]string{"-ccm-normalise", "reorder,rekey"}, ccmsandbox.Variants{MissingAccountStatus: 404, DuplicateNameStatus: 400, SelectPath: ccmsandbox.SelectSession,
			ReorderConfigs: true, RekeyConfigs: true}},
	} {
		c, err := parseFlags(tc.args, io.Discard)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if got := c.ccmVariants(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: variants %+v, want %+v", tc.args, got, tc.want)
		}
	}
	for _, bad := range [][]string{{"-ccm-missing-account-status", "410"}, {"-ccm-duplicate-name-status", "422"}, {"-ccm-select-path", "x"},
		{"-ccm-normalise", "logo,colours"}, {"-ccm-patch-ignores", "colour"}} {
		if _, err := parseFlags(bad, io.Discard); err == nil || !strings.Contains(err.Error(), "ccm") {
			t.Errorf("%q: err %v, want one naming the ccm flag", bad, err)
		}
	}
}

// The flags reach the running simulator, and its admin endpoint shows them.
func TestCCMVariantFlagsTakeEffect(t *testing.T) {
	r := start(t, "-ccm-missing-account-status", "403", "-ccm-expiry-millis")
	code, body := ccmLogin(t, r.urls["ccm"], testUser, testPassword)
	var auth struct {
		Token string `json:"access_token"`
		Info  struct {
			Expires int64 `json:"session_token_expires_at"`
		} `json:"session_info"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &auth) != nil || auth.Info.Expires < 1e11 {
		t.Fatalf("login = %d %s, want expiry in milliseconds", code, body)
	}
	code, _ = call(t, http.MethodGet, r.urls["ccm"]+"/v1/accounts/00000000-0000-4000-8000-000000000000", "",
		"Authorization", "Bearer "+auth.Token)
	if code != http.StatusForbidden {
		t.Errorf("unknown account = %d, want 403", code)
	}
	var v ccmsandbox.Variants
	getJSON(t, r.urls["admin"]+"/ccm/variants", &v)
	if v.MissingAccountStatus != 403 || !v.ExpiryMillis {
		t.Errorf("admin variants = %+v", v)
	}
}
