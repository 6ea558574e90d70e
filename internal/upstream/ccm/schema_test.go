package ccm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

// schemaChecker is a minimal checker for the subset of Swagger used by
// testdata/account-schema.json: $ref, type, properties (unknown ones are
// errors unless additionalProperties is given), required, enum, items,
// additionalProperties, format binary/uuid, plus the x-exactly-one and
// x-permutation annotations added by testdata/extract.go.
type schemaChecker struct{ defs map[string]map[string]any }

func loadSchema(t *testing.T) *schemaChecker {
	t.Helper()
	raw, err := os.ReadFile("testdata/account-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return &schemaChecker{defs: doc.Definitions}
}

// validate checks a JSON body against a root definition and returns every problem.
func (c *schemaChecker) validate(body []byte, root string) []string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var errs []string
	c.walk(v, c.defs[root], root, &errs)
	return errs
}

func (c *schemaChecker) walk(v any, s map[string]any, path string, errs *[]string) {
	if ref, ok := s["$ref"].(string); ok {
		s = c.defs[strings.TrimPrefix(ref, "#/definitions/")]
	}
	fail := func(format string, args ...any) { *errs = append(*errs, path+": "+fmt.Sprintf(format, args...)) }
	switch s["type"] {
	case "object":
		c.object(v, s, path, errs, fail)
	case "array":
		list, ok := v.([]any)
		if !ok {
			fail("want array")
			return
		}
		for i, item := range list {
			c.walk(item, s["items"].(map[string]any), fmt.Sprintf("%s[%d]", path, i), errs)
		}
		if n, ok := s["x-permutation"].(float64); ok && !isPermutation(list, int(n)) {
			fail("want a permutation of 0..%d", int(n)-1)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			fail("want string")
			return
		}
		checkString(str, s, fail)
	case "integer":
		if n, ok := v.(json.Number); !ok || strings.ContainsAny(n.String(), ".eE") {
			fail("want integer")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("want boolean")
		}
	default:
		fail("schema has no type")
	}
}

func (c *schemaChecker) object(v any, s map[string]any, path string, errs *[]string, fail func(string, ...any)) {
	obj, ok := v.(map[string]any)
	if !ok {
		fail("want object")
		return
	}
	props, _ := s["properties"].(map[string]any)
	extra, hasExtra := s["additionalProperties"].(map[string]any)
	for k, val := range obj {
		switch p, known := props[k].(map[string]any); {
		case known:
			c.walk(val, p, path+"."+k, errs)
		case hasExtra:
			c.walk(val, extra, path+"."+k, errs)
		case props != nil:
			fail("unknown property %q", k)
		}
	}
	req, _ := s["required"].([]any)
	for _, r := range req {
		if _, ok := obj[r.(string)]; !ok {
			fail("missing required %q", r)
		}
	}
	if s["x-exactly-one"] == true && len(obj) != 1 {
		fail("want exactly one property, got %d", len(obj))
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func checkString(str string, s map[string]any, fail func(string, ...any)) {
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == str
		}
		if !found {
			fail("%q not in enum %v", str, enum)
		}
	}
	switch s["format"] {
	case "binary":
		if _, err := base64.StdEncoding.DecodeString(str); err != nil {
			fail("not standard base64")
		}
	case "uuid":
		if !uuidRE.MatchString(str) {
			fail("not a uuid")
		}
	}
}

func isPermutation(list []any, n int) bool {
	seen := map[string]bool{}
	for _, v := range list {
		seen[fmt.Sprint(v)] = true
	}
	for i := range n {
		if !seen[fmt.Sprint(i)] {
			return false
		}
	}
	return len(list) == n && len(seen) == n
}

// The checker must catch what the vendor schema forbids, or the body test
// below proves nothing.
func TestSchemaCheckerRejects(t *testing.T) {
	sc := loadSchema(t)
	oauth := `{"idp_name":"a","idp_icon_url":"a","idp_authorization_endpoint":"a","idp_token_endpoint":"a",` +
		`"idp_requires_basic_auth":false,"client_id":"a","client_secret":"s","tls":%s}`
	tests := []struct{ name, root, body string }{
		{"pcr on create", "AccountRequest", `{"name":"a","azure_cvm_pcr_priority":[0]}`},
		{"unknown property", "AccountRequest", `{"name":"a","colour":"red"}`},
		{"missing name", "AccountRequest", `{}`},
		{"name not string", "AccountRequest", `{"name":1}`},
		{"bad component", "AccountRequest", `{"name":"a","component":"OTHER"}`},
		{"logo not base64", "AccountRequest", `{"name":"a","custom_logo":"***"}`},
		{"node enrollment empty", "AccountRequest", `{"name":"a","node_enrollment":{}}`},
		{"two auth variants", "AccountRequest", `{"name":"a","auth_configs":[{"password":{"require_2fa":true,"administrators_only":true},"cluster_auth_ref":{"target_id":"x"}}]}`},
		{"password missing field", "AccountRequest", `{"name":"a","auth_configs":[{"password":{"require_2fa":true}}]}`},
		{"oauth missing secret", "AccountRequest", `{"name":"a","auth_configs":[{"oauth":{"idp_name":"a","tls":{"disabled":{}}}}]}`},
		{"two tls modes", "AccountRequest", `{"name":"a","auth_configs":[{"oauth":` + fmt.Sprintf(oauth, `{"disabled":{},"opportunistic":{}}`) + `}]}`},
		{"required without ca", "AccountRequest", `{"name":"a","auth_configs":[{"oauth":` + fmt.Sprintf(oauth, `{"required":{"validate_hostname":true}}`) + `}]}`},
		{"bad ca_set", "AccountRequest", `{"name":"a","auth_configs":[{"oauth":` + fmt.Sprintf(oauth, `{"required":{"validate_hostname":true,"ca":{"ca_set":"MINE"}}}`) + `}]}`},
		{"pcr not permutation", "AccountUpdateRequest", `{"azure_cvm_pcr_priority":[0,0,1]}`},
		{"component in patch", "AccountUpdateRequest", `{"component":"DEFAULT"}`},
		{"del ids not uuid", "AccountUpdateRequest", `{"del_auth_configs":["x"]}`},
		{"bad account status", "AccountUpdateRequest", `{"account_status":"Gone"}`},
		{"mod value bad", "AccountUpdateRequest", `{"mod_auth_configs":{"id":{"password":{}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if errs := sc.validate([]byte(tt.body), tt.root); len(errs) == 0 {
				t.Fatalf("checker accepted %s", tt.body)
			}
		})
	}
}

// recorder keeps the create and patch bodies the client sends.
type recorder struct {
	mu     sync.Mutex
	bodies []recorded
}

type recorded struct {
	root string
	body []byte
}

func (rec *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		root := map[string]string{http.MethodPost: "AccountRequest", http.MethodPatch: "AccountUpdateRequest"}[r.Method]
		if root != "" && strings.Contains(r.URL.Path, "/accounts") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			rec.mu.Lock()
			rec.bodies = append(rec.bodies, recorded{root, body})
			rec.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func TestClientBodiesMatchVendorSchema(t *testing.T) {
	sc := loadSchema(t)
	e := newEnv(t, ccmsandbox.Options{})
	rec := &recorder{}
	srv := httptest.NewServer(rec.wrap(e.sb.Handler()))
	t.Cleanup(srv.Close)
	c := e.client(t, func(cfg *Config) { cfg.BaseURL = srv.URL })
	ctx := t.Context()

	full := mustCreate(t, c, fullRequest("full"))
	mustCreate(t, c, AccountRequest{Name: "minimal"})
	mods := map[string]AuthenticationConfig{}
	for i, id := range sortedIDs(full.AuthConfigs) {
		mods[id] = allVariants()[(i+1)%len(allVariants())]
	}
	enabled := true
	patches := []AccountUpdateRequest{
		{AddAuthConfigs: allVariants()},
		{ModAuthConfigs: mods},
		{DelAuthConfigs: sortedIDs(full.AuthConfigs)[:2]},
		{Name: "full-2", CustomLogo: pngLogo, Enabled: &enabled, AccountStatus: AccountDeactivated,
			AzureCvmPcrPriority: pcrReversed(), DefaultGroupID: full.DefaultGroupID,
			MarketplaceGroupID: full.MarketplaceGroupID},
	}
	for i, p := range patches {
		if _, err := c.UpdateAccount(ctx, full.AcctID, p); err != nil {
			t.Fatalf("patch %d: %v", i, err)
		}
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bodies) != 2+len(patches) {
		t.Fatalf("recorded %d bodies", len(rec.bodies))
	}
	seen := map[string]bool{}
	for _, b := range rec.bodies {
		for _, problem := range sc.validate(b.body, b.root) {
			t.Errorf("%s body violates the vendor schema: %s\n%s", b.root, problem, b.body)
		}
		for _, k := range []string{"password", "oauth", "cluster_auth_ref", "disabled", "opportunistic",
			"required", "ca_set", "pinned", "client_key", "client_cert", "mod_auth_configs", "del_auth_configs"} {
			seen[k] = seen[k] || bytes.Contains(b.body, []byte(`"`+k+`":`))
		}
	}
	var missing []string
	for k, ok := range seen {
		if !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("bodies never exercised %v", missing)
	}
}
