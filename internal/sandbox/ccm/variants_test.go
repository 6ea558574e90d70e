package ccm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

const unknownID = "00000000-0000-4000-8000-000000000000"

func TestMissingAccountStatus(t *testing.T) {
	for _, tc := range []struct {
		variant, want int
	}{{0, 404}, {404, 404}, {403, 403}} {
		h := newHarness(t, Options{Variants: Variants{MissingAccountStatus: tc.variant}})
		tok := h.login("a@x", "pa")
		id := h.create(tok, map[string]any{"name": "x"})["acct_id"].(string)
		if r := h.do("POST", "/v1/sys/session/select_account/"+id, tok, nil); r.status != 200 {
			t.Fatalf("select: %d", r.status)
		}
		if r := h.do("DELETE", "/v1/accounts/"+id, tok, nil); r.status != 204 {
			t.Fatalf("delete: %d", r.status)
		}
		for _, c := range []struct{ method, path string }{
			{"GET", "/v1/accounts/" + id}, {"GET", "/v1/accounts/" + unknownID},
			{"POST", "/v1/sys/session/select_account/" + id}, {"PATCH", "/v1/accounts/" + id},
			{"DELETE", "/v1/accounts/" + id},
		} {
			var body any
			if c.method == "PATCH" {
				body = map[string]any{"name": "y"}
			}
			if r := h.do(c.method, c.path, tok, body); r.status != tc.want {
				t.Errorf("variant %d: %s %s = %d, want %d", tc.variant, c.method, c.path, r.status, tc.want)
			}
		}
	}
}

func TestSelectVariants(t *testing.T) {
	session, accounts := "/v1/sys/session/select_account/", "/v1/accounts/select_account/"
	for _, tc := range []struct {
		name              string
		v                 Variants
		sessionAt, accsAt int
	}{
		{"documented", Variants{}, 200, 404},
		{"204 at the documented path", Variants{SelectNoContent: true}, 204, 404},
		{"em-client path only", Variants{SelectPath: SelectAccounts, SelectNoContent: true}, 404, 204},
		{"both paths", Variants{SelectPath: SelectBoth}, 200, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{Variants: tc.v})
			tok := h.login("a@x", "pa")
			id := h.create(tok, map[string]any{"name": "s"})["acct_id"].(string)
			for path, want := range map[string]int{session: tc.sessionAt, accounts: tc.accsAt} {
				r := h.do("POST", path+id, tok, nil)
				if r.status != want {
					t.Fatalf("%s: %d, want %d", path, r.status, want)
				}
				switch want {
				case 204:
					if len(r.body) != 0 {
						t.Errorf("204 with a body %q", r.body)
					}
				case 200:
					if r.json(t)["session_info"].(map[string]any)["selected_account_id"] != id {
						t.Errorf("200 body %s", r.body)
					}
				}
				if want != 404 { // selected: a PATCH is now allowed
					if r := h.do("PATCH", "/v1/accounts/"+id, tok, map[string]any{"name": "s"}); r.status != 200 {
						t.Errorf("PATCH after select at %s: %d", path, r.status)
					}
				}
			}
		})
	}
}

func TestExpiryMillis(t *testing.T) {
	h := newHarness(t, Options{TokenTTL: 10 * time.Minute, SessionTTL: time.Hour, Variants: Variants{ExpiryMillis: true}})
	r := h.do("POST", "/v1/sys/auth", "basic:a@x:pa", nil)
	m := r.json(t)
	info := m["session_info"].(map[string]any)
	now := h.clock.Now()
	if info["session_token_expires_at"] != float64(now.Add(10*time.Minute).UnixMilli()) ||
		info["session_expires_at"] != float64(now.Add(time.Hour).UnixMilli()) {
		t.Fatalf("login session_info %v, want epoch milliseconds", info)
	}
	tok := m["access_token"].(string)
	h.clock.Advance(time.Minute)
	got := h.do("POST", "/v1/sys/session/refresh", tok, nil).json(t)["session_info"].(map[string]any)
	if got["session_token_expires_at"] != float64(h.clock.Now().Add(10*time.Minute).UnixMilli()) {
		t.Fatalf("refresh session_info %v", got)
	}
}

func TestNormaliseLogo(t *testing.T) {
	h := newHarness(t, Options{Variants: Variants{NormaliseLogo: true}})
	tok := h.login("a@x", "pa")
	big := png + strings.Repeat("\x07", 200) // long enough for line breaks
	svg := `<svg xmlns="http://www.w3.org/2000/svg"/>`
	for _, logo := range []string{big, svg} {
		a := h.create(tok, map[string]any{"name": logo[:4], "custom_logo": b64(logo)})
		echo, _ := a["custom_logo"].(string)
		if echo == b64(logo) || strings.HasSuffix(echo, "=") {
			t.Fatalf("echo %q is the sent form", echo)
		}
		raw, err := base64.RawStdEncoding.DecodeString(strings.ReplaceAll(echo, "\r\n", ""))
		if err != nil {
			t.Fatalf("echo is not unpadded base64 with line breaks: %v", err)
		}
		if bytes.Equal(raw, []byte(logo)) || !bytes.HasPrefix(raw, []byte(logo)) || !isImage(raw) {
			t.Errorf("stored logo %q: want other bytes of the same image", raw)
		}
		if len(echo) > 76 && !strings.Contains(echo, "\r\n") {
			t.Errorf("a long echo has no line breaks")
		}
		id := a["acct_id"].(string)
		h.do("POST", "/v1/sys/session/select_account/"+id, tok, nil)
		p := h.do("PATCH", "/v1/accounts/"+id, tok, map[string]any{"custom_logo": b64(logo)}).json(t)
		if p["custom_logo"] != echo {
			t.Errorf("PATCH with the same logo echoes %q, want %q", p["custom_logo"], echo)
		}
	}
}

func TestNormaliseURLs(t *testing.T) {
	h := newHarness(t, Options{Variants: Variants{NormaliseURLs: true}})
	tok := h.login("a@x", "pa")
	cfg := oauth(map[string]any{"disabled": map[string]any{}})
	o := cfg["oauth"].(map[string]any)
	o["idp_icon_url"] = "HTTPS://IdP.Example.COM:443"
	o["idp_authorization_endpoint"] = "https://idp.example.com:8443/Authorize?x=Y"
	o["idp_token_endpoint"] = "http://IDP.example.com:80/token"
	o["idp_userinfo_endpoint"] = "https://idp.example.com/userinfo/"
	a := h.create(tok, map[string]any{"name": "u", "auth_configs": []any{cfg}})
	for _, c := range a["auth_configs"].(map[string]any) {
		got := c.(map[string]any)["oauth"].(map[string]any)
		want := map[string]string{"idp_icon_url": "https://idp.example.com/",
			"idp_authorization_endpoint": "https://idp.example.com:8443/Authorize?x=Y",
			"idp_token_endpoint":         "http://idp.example.com/token",
			"idp_userinfo_endpoint":      "https://idp.example.com/userinfo/"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
	}
}

func TestReorderAndRekeyConfigs(t *testing.T) {
	h := newHarness(t, Options{Variants: Variants{ReorderConfigs: true, RekeyConfigs: true}})
	tok := h.login("a@x", "pa")
	pw := map[string]any{"password": map[string]any{"require_2fa": true, "administrators_only": false}}
	pinned := oauth(map[string]any{"required": map[string]any{"validate_hostname": true,
		"ca": map[string]any{"pinned": []any{b64("ca1"), b64("ca2")}}}})
	a := h.create(tok, map[string]any{"name": "r", "auth_configs": []any{pw, pinned,
		map[string]any{"cluster_auth_ref": map[string]any{"target_id": "t"}}}})
	id := a["acct_id"].(string)
	raw := h.do("GET", "/v1/accounts/"+id, tok, nil).body
	var order struct {
		AuthConfigs json.RawMessage `json:"auth_configs"`
	}
	_ = json.Unmarshal(raw, &order)
	keys := objectKeys(t, order.AuthConfigs)
	if len(keys) != 3 || slices.IsSorted(keys) {
		t.Errorf("auth_configs keys %v: want them out of sorted order", keys)
	}
	before := slices.Sorted(slices.Values(keys))
	for _, c := range a["auth_configs"].(map[string]any) {
		if o, ok := c.(map[string]any)["oauth"].(map[string]any); ok {
			p := o["tls"].(map[string]any)["required"].(map[string]any)["ca"].(map[string]any)["pinned"].([]any)
			if !slices.Equal(p, []any{b64("ca2"), b64("ca1")}) {
				t.Errorf("pinned = %v, want reversed", p)
			}
		}
	}
	h.do("POST", "/v1/sys/session/select_account/"+id, tok, nil)
	after := h.do("PATCH", "/v1/accounts/"+id, tok, map[string]any{"name": "r2"}).json(t)["auth_configs"].(map[string]any)
	for _, k := range before {
		if after[k] != nil {
			t.Errorf("config id %s survived a PATCH under RekeyConfigs", k)
		}
	}
	if len(after) != 3 {
		t.Errorf("%d configs after the PATCH, want 3", len(after))
	}
}

func objectKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		_ = dec.Decode(&skip)
	}
	return keys
}

func TestPatchIgnores(t *testing.T) {
	h := newHarness(t, Options{Variants: Variants{PatchIgnores: []string{"azure_cvm_pcr_priority", "custom_logo"}}})
	tok := h.login("a@x", "pa")
	id := h.create(tok, map[string]any{"name": "i"})["acct_id"].(string)
	h.do("POST", "/v1/sys/session/select_account/"+id, tok, nil)
	r := h.do("PATCH", "/v1/accounts/"+id, tok, map[string]any{"name": "i2", "azure_cvm_pcr_priority": pcr(),
		"custom_logo": b64(png)})
	if r.status != 200 {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	got := h.do("GET", "/v1/accounts/"+id, tok, nil).json(t)
	if got["name"] != "i2" || got["custom_logo"] != nil || got["azure_cvm_pcr_priority"].([]any)[0] != float64(0) {
		t.Errorf("after PATCH: name %v, logo %v, pcr %v; want only the name applied",
			got["name"], got["custom_logo"], got["azure_cvm_pcr_priority"])
	}
	// An invalid ignored field is still refused: validation comes first.
	if r := h.do("PATCH", "/v1/accounts/"+id, tok, map[string]any{"azure_cvm_pcr_priority": []int{1}}); r.status != 400 {
		t.Errorf("invalid ignored field: %d, want 400", r.status)
	}
}

func TestVariantsAdminAndCheck(t *testing.T) {
	h := newHarness(t, Options{})
	if r := h.do("POST", "/admin/variants", "", `{"missingAccountStatus":403,"selectNoContent":true}`); r.status != 204 {
		t.Fatalf("POST variants: %d %s", r.status, r.body)
	}
	if v := h.s.Variants(); v.MissingAccountStatus != 403 || !v.SelectNoContent {
		t.Fatalf("Variants() = %+v", v)
	}
	var got Variants
	if err := json.Unmarshal(h.do("GET", "/admin/variants", "", nil).body, &got); err != nil || got.MissingAccountStatus != 403 {
		t.Fatalf("GET variants = %+v, %v", got, err)
	}
	tok := h.login("a@x", "pa")
	if r := h.do("GET", "/v1/accounts/"+unknownID, tok, nil); r.status != 403 {
		t.Errorf("variant set at run time not applied: %d", r.status)
	}
	for _, bad := range []string{`{"missingAccountStatus":410}`, `{"duplicateNameStatus":422}`, `{"selectPath":"x"}`,
		`{"patchIgnores":["colour"]}`, `{"nope":true}`} {
		if r := h.do("POST", "/admin/variants", "", bad); r.status != 400 {
			t.Errorf("POST %s: %d, want 400", bad, r.status)
		}
	}
	if v := h.s.Variants(); v.MissingAccountStatus != 403 {
		t.Errorf("a refused POST changed the variants: %+v", v)
	}
}

func TestDuplicateNameStatus(t *testing.T) {
	for _, tc := range []struct{ variant, want int }{{0, 400}, {400, 400}, {409, 409}} {
		h := newHarness(t, Options{Variants: Variants{DuplicateNameStatus: tc.variant}})
		tok := h.login("a@x", "pa")
		h.create(tok, map[string]any{"name": "taken"})
		if r := h.do("POST", "/v1/accounts", tok, map[string]any{"name": "taken"}); r.status != tc.want {
			t.Errorf("variant %d: duplicate create = %d, want %d", tc.variant, r.status, tc.want)
		}
		id := h.create(tok, map[string]any{"name": "other"})["acct_id"].(string)
		h.do("POST", "/v1/sys/session/select_account/"+id, tok, nil)
		if r := h.do("PATCH", "/v1/accounts/"+id, tok, map[string]any{"name": "taken"}); r.status != tc.want {
			t.Errorf("variant %d: rename onto a taken name = %d, want %d", tc.variant, r.status, tc.want)
		}
		// A schema error is still a 400 under either.
		if r := h.do("POST", "/v1/accounts", tok, map[string]any{"name": 5}); r.status != 400 {
			t.Errorf("variant %d: bad create = %d", tc.variant, r.status)
		}
	}
}
