package scp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// clock is a settable test clock shared by the sandbox and the signer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox behind httptest plus a request signer.
type env struct {
	t   *testing.T
	s   *Server
	srv *httptest.Server
	clk *clock
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clk := newClock()
	opts.Now = clk.Now
	s := New(opts)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, s: s, srv: srv, clk: clk}
}

// signer fields a test may tamper with before signing.
type signer struct {
	accessKey, secretKey string
	ts                   time.Time
	version              string
	accountID            string
}

func (e *env) signer() signer {
	return signer{accessKey: DefaultAccessKey, secretKey: DefaultSecretKey, ts: e.clk.Now()}
}

// request builds a request for path (with query) signed by sg.
func (e *env) request(sg signer, method, path string, body any) *http.Request {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	ts := strconv.FormatInt(sg.ts.UnixMilli(), 10)
	full := "http://" + req.URL.Host + req.URL.RequestURI()
	mac, ok := expectedSignature(sg.secretKey, method, full, ts, sg.accessKey, sg.accountID)
	if !ok {
		e.t.Fatalf("cannot sign %q", full)
	}
	req.Header.Set("Scp-Accesskey", sg.accessKey)
	req.Header.Set("Scp-Signature", base64.StdEncoding.EncodeToString(mac))
	req.Header.Set("Scp-Timestamp", ts)
	req.Header.Set("Scp-ClientType", "Openapi")
	req.Header.Set("Content-Type", "application/json")
	if sg.version != "" {
		req.Header.Set("Scp-Api-Version", sg.version)
	}
	if sg.accountID != "" {
		req.Header.Set("Scp-AccountId", sg.accountID)
	}
	return req
}

// send runs req and returns the status and decoded JSON body (nil if empty
// or not JSON: injected faults answer plain text, as a gateway would).
func (e *env) send(req *http.Request) (int, map[string]any) {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil && resp.StatusCode < 500 {
		e.t.Fatalf("%s %s: body %q is not JSON", req.Method, req.URL, raw)
	}
	return resp.StatusCode, out
}

// do signs with the default key and sends.
func (e *env) do(method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	return e.send(e.request(e.signer(), method, path, body))
}

// create makes an account through the API and returns its id.
func (e *env) create(name string) string {
	e.t.Helper()
	code, body := e.do("POST", "/v1/accounts", validCreate(name))
	if code != http.StatusCreated {
		e.t.Fatalf("create %s: %d %v", name, code, body)
	}
	return body["account_id"].(string)
}

func validCreate(name string) map[string]any {
	return map[string]any{"name": name, "landing_zone_id": "lz-1", "parent_unit_id": "ou-root",
		"email": name + "@example.com", "sso_user_email": "sso@example.com", "sso_user_name": "sso"}
}

// errorOf checks the {"errors":[…]} envelope and returns the first entry.
func errorOf(t *testing.T, status int, body map[string]any) map[string]any {
	t.Helper()
	list, ok := body["errors"].([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("no errors envelope in %v", body)
	}
	first := list[0].(map[string]any)
	if int(first["status"].(float64)) != status || first["code"] == "" || first["detail"] == nil {
		t.Fatalf("envelope entry %v does not match status %d", first, status)
	}
	return first
}

// assignment returns the baseline status of id ("" when none).
func (e *env) assignment(id string) string {
	e.t.Helper()
	code, body := e.do("GET", "/v1/baseline-assignments?assignment_id="+id+"&resource_type=ACCOUNT", nil)
	if code != http.StatusOK {
		e.t.Fatalf("baseline: %d %v", code, body)
	}
	list := body["baseline_assignments"].([]any)
	if len(list) == 0 {
		return ""
	}
	return list[0].(map[string]any)["status"].(string)
}
