package ccm

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

func TestCreateValidation(t *testing.T) {
	h := newHarness(t, Options{})
	tok := h.login("a@x", "pa")
	h.create(tok, map[string]any{"name": "taken"})
	pw := map[string]any{"password": map[string]any{"require_2fa": true, "administrators_only": false}}
	req := func(mod map[string]any) map[string]any {
		return map[string]any{"required": mod}
	}
	tests := []struct {
		name  string
		body  any
		field string // must appear in the 400 text; "" means 200 expected
	}{
		{"minimal", map[string]any{"name": "ok1"}, ""},
		{"everything", map[string]any{"name": "ok2", "custom_logo": b64(png), "component": "CONFIDENTIAL_AI",
			"node_enrollment": map[string]any{"attestation_enforcement_disabled_insecure": true},
			"auth_configs": []any{pw, oauth(map[string]any{"disabled": map[string]any{}}),
				oauth(map[string]any{"opportunistic": map[string]any{}}),
				oauth(map[string]any{"required": map[string]any{"validate_hostname": true, "client_key": b64("k"),
					"client_cert": b64("c"), "ca": map[string]any{"pinned": []any{b64("ca")}}}}),
				oauth(map[string]any{"required": map[string]any{"validate_hostname": false, "ca": map[string]any{"ca_set": "GLOBAL_ROOTS"}}}),
				map[string]any{"cluster_auth_ref": map[string]any{"target_id": "t"}}}}, ""},
		{"empty logo string", map[string]any{"name": "ok3", "custom_logo": ""}, ""},
		{"svg logo", map[string]any{"name": "ok4", "custom_logo": b64(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`)}, ""},
		{"jpeg logo", map[string]any{"name": "ok5", "custom_logo": b64("\xff\xd8\xff\xe0" + strings.Repeat("\x00", 16))}, ""},
		{"not json", "{", "malformed"},
		{"not an object", `[1]`, "body"},
		{"missing name", map[string]any{}, "name"},
		{"empty name", map[string]any{"name": ""}, "name"},
		{"name not string", map[string]any{"name": 5}, "name"},
		{"duplicate name", map[string]any{"name": "taken"}, "name"},
		{"pcr not on create", map[string]any{"name": "n", "azure_cvm_pcr_priority": pcr()}, "azure_cvm_pcr_priority"},
		{"unknown field", map[string]any{"name": "n", "colour": "red"}, "colour"},
		{"bad component", map[string]any{"name": "n", "component": "X"}, "component"},
		{"node enrollment missing bool", map[string]any{"name": "n", "node_enrollment": map[string]any{}}, "node_enrollment.attestation_enforcement_disabled_insecure"},
		{"logo not base64", map[string]any{"name": "n", "custom_logo": "@@"}, "custom_logo"},
		{"logo not image", map[string]any{"name": "n", "custom_logo": b64("plain text")}, "custom_logo"},
		{"logo too big", map[string]any{"name": "n", "custom_logo": b64(png + strings.Repeat("x", 128<<10))}, "custom_logo"},
		{"auth_configs not array", map[string]any{"name": "n", "auth_configs": map[string]any{}}, "auth_configs"},
		{"no variant", map[string]any{"name": "n", "auth_configs": []any{map[string]any{}}}, "auth_configs[0]"},
		{"two variants", map[string]any{"name": "n", "auth_configs": []any{map[string]any{"password": pw["password"],
			"cluster_auth_ref": map[string]any{"target_id": "t"}}}}, "auth_configs[0]"},
		{"password field missing", map[string]any{"name": "n", "auth_configs": []any{map[string]any{"password": map[string]any{"require_2fa": true}}}}, "auth_configs[0].password.administrators_only"},
		{"cluster ref missing target", map[string]any{"name": "n", "auth_configs": []any{map[string]any{"cluster_auth_ref": map[string]any{}}}}, "cluster_auth_ref.target_id"},
		{"oauth missing secret", map[string]any{"name": "n", "auth_configs": []any{without(oauth(map[string]any{"disabled": map[string]any{}}), "client_secret")}}, "oauth.client_secret"},
		{"oauth missing tls", map[string]any{"name": "n", "auth_configs": []any{without(oauth(nil), "tls")}}, "oauth.tls"},
		{"two tls modes", map[string]any{"name": "n", "auth_configs": []any{oauth(map[string]any{"disabled": map[string]any{}, "opportunistic": map[string]any{}})}}, "oauth.tls"},
		{"disabled with fields", map[string]any{"name": "n", "auth_configs": []any{oauth(map[string]any{"disabled": map[string]any{"x": 1}})}}, "tls.disabled.x"},
		{"required without ca", map[string]any{"name": "n", "auth_configs": []any{oauth(req(map[string]any{"validate_hostname": true}))}}, "tls.required.ca"},
		{"ca both", map[string]any{"name": "n", "auth_configs": []any{oauth(req(map[string]any{"validate_hostname": true,
			"ca": map[string]any{"ca_set": "GLOBAL_ROOTS", "pinned": []any{}}}))}}, "tls.required.ca"},
		{"bad ca_set", map[string]any{"name": "n", "auth_configs": []any{oauth(req(map[string]any{"validate_hostname": true,
			"ca": map[string]any{"ca_set": "MINE"}}))}}, "ca.ca_set"},
		{"pinned not base64", map[string]any{"name": "n", "auth_configs": []any{oauth(req(map[string]any{"validate_hostname": true,
			"ca": map[string]any{"pinned": []any{"!!"}}}))}}, "ca.pinned[0]"},
		{"client_key not base64", map[string]any{"name": "n", "auth_configs": []any{oauth(req(map[string]any{"validate_hostname": true,
			"client_key": "!!", "ca": map[string]any{"ca_set": "GLOBAL_ROOTS"}}))}}, "required.client_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("POST", "/v1/accounts", tok, tt.body)
			if tt.field == "" {
				if r.status != 200 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				return
			}
			if r.status != 400 || !strings.Contains(string(r.body), tt.field) {
				t.Fatalf("status %d body %q, want 400 naming %q", r.status, r.body, tt.field)
			}
			if strings.Contains(string(r.body), "TOPSECRET") {
				t.Fatalf("error echoes a secret: %s", r.body)
			}
		})
	}
}

func without(cfg map[string]any, key string) map[string]any {
	delete(cfg["oauth"].(map[string]any), key)
	return cfg
}

func TestCreateDefaultsAndRedaction(t *testing.T) {
	h := newHarness(t, Options{})
	tok := h.login("a@x", "pa")
	a := h.create(tok, map[string]any{"name": "d", "auth_configs": []any{oauth(map[string]any{"required": map[string]any{
		"validate_hostname": true, "client_key": b64("KEY"), "ca": map[string]any{"ca_set": "GLOBAL_ROOTS"}}})}})
	id := a["acct_id"].(string)
	if !isUUID(id) || !isUUID(a["default_group_id"].(string)) || !isUUID(a["marketplace_group_id"].(string)) ||
		a["status"] != "ACTIVE" || a["account_status"] != "Active" || a["component"] != "DEFAULT" ||
		fmt.Sprint(a["roles"]) != "[MANAGER]" || fmt.Sprint(a["azure_cvm_pcr_priority"]) != fmt.Sprint(pcr(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22)) {
		t.Fatalf("create response %v", a)
	}
	if _, ok := a["totals"]; ok {
		t.Fatal("totals without with_totals")
	}
	got := h.do("GET", "/v1/accounts/"+id+"?with_totals=true", tok, nil)
	if strings.Contains(string(got.body), "TOPSECRET") || strings.Contains(string(got.body), b64("KEY")) ||
		!strings.Contains(string(got.body), `"totals"`) {
		t.Fatalf("GET body %s", got.body)
	}
	configs := got.json(t)["auth_configs"].(map[string]any)
	if len(configs) != 1 {
		t.Fatalf("auth_configs = %v", configs)
	}
	for cid := range configs {
		if !isUUID(cid) {
			t.Fatalf("config id %q", cid)
		}
	}
	if r := h.do("GET", "/v1/accounts/"+id+"?with_totals=maybe", tok, nil); r.status != 400 {
		t.Fatalf("bad with_totals: %d", r.status)
	}
}

func TestUpdateValidationAndDelta(t *testing.T) {
	h := newHarness(t, Options{})
	tok := h.login("a@x", "pa")
	h.create(tok, map[string]any{"name": "other"})
	pw := map[string]any{"password": map[string]any{"require_2fa": true, "administrators_only": true}}
	a := h.create(tok, map[string]any{"name": "u", "auth_configs": []any{pw, pw}})
	id := a["acct_id"].(string)
	ids := keys(a["auth_configs"].(map[string]any))
	h.do("POST", "/v1/sys/session/select_account/"+id, tok, nil)
	const unknown = "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"component", map[string]any{"component": "DEFAULT"}, "component"},
		{"node_enrollment", map[string]any{"node_enrollment": map[string]any{}}, "node_enrollment"},
		{"unknown", map[string]any{"auth_configs": []any{}}, "auth_configs"},
		{"pcr short", map[string]any{"azure_cvm_pcr_priority": []any{0, 1}}, "azure_cvm_pcr_priority"},
		{"pcr repeat", map[string]any{"azure_cvm_pcr_priority": append(pcr()[:22], 22)}, "azure_cvm_pcr_priority"},
		{"pcr not int", map[string]any{"azure_cvm_pcr_priority": append([]any{1.5}, anyInts(pcr()[1:])...)}, "azure_cvm_pcr_priority[0]"},
		{"status enum", map[string]any{"account_status": "Gone"}, "account_status"},
		{"enabled type", map[string]any{"enabled": "yes"}, "enabled"},
		{"group not uuid", map[string]any{"default_group_id": "g"}, "default_group_id"},
		{"mod unknown id", map[string]any{"mod_auth_configs": map[string]any{unknown: pw}}, "mod_auth_configs." + unknown},
		{"mod invalid", map[string]any{"mod_auth_configs": map[string]any{ids[0]: map[string]any{}}}, "mod_auth_configs." + ids[0]},
		{"del unknown id", map[string]any{"del_auth_configs": []any{unknown}}, "del_auth_configs[0]"},
		{"del and mod same", map[string]any{"del_auth_configs": []any{ids[0]}, "mod_auth_configs": map[string]any{ids[0]: pw}}, "del_auth_configs[0]"},
		{"add invalid", map[string]any{"add_auth_configs": []any{map[string]any{"oauth": map[string]any{}}}}, "add_auth_configs[0].oauth"},
		{"duplicate name", map[string]any{"name": "other"}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("PATCH", "/v1/accounts/"+id, tok, tt.body)
			if r.status != 400 || !strings.Contains(string(r.body), tt.field) {
				t.Fatalf("status %d body %q, want 400 naming %q", r.status, r.body, tt.field)
			}
		})
	}
	// A rejected patch changed nothing.
	if got := h.do("GET", "/v1/accounts/"+id, tok, nil).json(t); got["name"] != "u" || len(got["auth_configs"].(map[string]any)) != 2 {
		t.Fatalf("rejected patches changed the account: %v", got)
	}
	r := h.do("PATCH", "/v1/accounts/"+id, tok, map[string]any{"name": "u2", "azure_cvm_pcr_priority": pcr(),
		"account_status": "Deactivated", "enabled": false, "custom_logo": b64(png),
		"mod_auth_configs": map[string]any{ids[0]: map[string]any{"cluster_auth_ref": map[string]any{"target_id": "t"}}},
		"del_auth_configs": []any{ids[1]}, "add_auth_configs": []any{pw}})
	got := r.json(t)
	configs := got["auth_configs"].(map[string]any)
	if r.status != 200 || got["name"] != "u2" || got["account_status"] != "Deactivated" ||
		fmt.Sprint(got["azure_cvm_pcr_priority"]) != fmt.Sprint(pcr()) || len(configs) != 2 ||
		configs[ids[0]].(map[string]any)["cluster_auth_ref"] == nil || configs[ids[1]] != nil {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if info := h.s.Accounts(); len(info) != 2 || !contains([]string{info[0].Name, info[1].Name}, "u2") {
		t.Fatalf("Accounts() = %+v", info)
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func anyInts(v []int) []any {
	out := make([]any, len(v))
	for i, n := range v {
		out[i] = n
	}
	return out
}

func TestListPagingAndScope(t *testing.T) {
	h := newHarness(t, Options{})
	a, b, root := h.login("a@x", "pa"), h.login("b@x", "pb"), h.login("root@x", "pr")
	var want []string
	for i := range 5 {
		want = append(want, h.create(a, map[string]any{"name": fmt.Sprintf("p%d", i)})["acct_id"].(string))
	}
	h.create(b, map[string]any{"name": "bs"})
	sort.Strings(want)
	var got []string
	prev := ""
	for range 5 {
		r := h.do("GET", "/v1/accounts?scope=USER&sort_by=name:ASC&limit=2&previous_id="+prev, a, nil)
		var page struct{ Items []map[string]any }
		if err := json.Unmarshal(r.body, &page); err != nil || r.status != 200 {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		for _, it := range page.Items {
			got = append(got, it["acct_id"].(string))
		}
		if len(page.Items) < 2 {
			break
		}
		prev = got[len(got)-1]
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("paged %v, want %v", got, want)
	}
	count := func(tok, q string) (int, int) {
		r := h.do("GET", "/v1/accounts"+q, tok, nil)
		if r.status != 200 {
			return r.status, 0
		}
		return 200, len(r.json(t)["items"].([]any))
	}
	tests := []struct {
		name, tok, q string
		status, n    int
	}{
		{"member sees own", b, "", 200, 1},
		{"system admin sees all", root, "?scope=SYSTEM", 200, 6},
		{"system scope needs admin", a, "?scope=SYSTEM", 403, 0},
		{"bad scope", a, "?scope=ALL", 400, 0},
		{"bad limit", a, "?limit=0", 400, 0},
		{"limit not int", a, "?limit=x", 400, 0},
	}
	for _, tt := range tests {
		if status, n := count(tt.tok, tt.q); status != tt.status || n != tt.n {
			t.Errorf("%s: status %d, %d items; want %d, %d", tt.name, status, n, tt.status, tt.n)
		}
	}
}
