package ccm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type harness struct {
	t     *testing.T
	s     *Server
	srv   *httptest.Server
	clock *clock
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	c := &clock{now: time.Unix(1_800_000_000, 0)}
	opts.Now = c.Now
	if opts.Users == nil {
		opts.Users = []User{{Email: "a@x", Password: "pa"}, {Email: "b@x", Password: "pb"},
			{Email: "root@x", Password: "pr", SystemAdmin: true}}
	}
	s := New(opts)
	mux := http.NewServeMux()
	mux.Handle("/", s.Handler())
	mux.Handle("/admin/", http.StripPrefix("/admin", s.AdminHandler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &harness{t: t, s: s, srv: srv, clock: c}
}

type reply struct {
	status int
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// do sends a request; auth is "" (none), "basic:user:pass" or a bearer token.
func (h *harness) do(method, path, auth string, body any) reply {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	switch {
	case auth == "":
	case len(auth) > 6 && auth[:6] == "basic:":
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(auth[6:])))
	default:
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, raw}
}

// login returns a bearer token for the user.
func (h *harness) login(user, pass string) string {
	h.t.Helper()
	r := h.do("POST", "/v1/sys/auth", "basic:"+user+":"+pass, nil)
	if r.status != 200 {
		h.t.Fatalf("login %s: %d %s", user, r.status, r.body)
	}
	return r.json(h.t)["access_token"].(string)
}

// create makes an account and returns its JSON.
func (h *harness) create(token string, body any) map[string]any {
	h.t.Helper()
	r := h.do("POST", "/v1/accounts", token, body)
	if r.status != 200 {
		h.t.Fatalf("create: %d %s", r.status, r.body)
	}
	return r.json(h.t)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

var png = "\x89PNG\r\n\x1a\n" + string(make([]byte, 32))

func oauth(tls any) map[string]any {
	return map[string]any{"oauth": map[string]any{"idp_name": "Okta", "idp_icon_url": "https://i",
		"idp_authorization_endpoint": "https://a", "idp_token_endpoint": "https://t",
		"idp_requires_basic_auth": false, "client_id": "cid", "client_secret": "TOPSECRET", "tls": tls}}
}

func pcr(order ...int) []int {
	if len(order) > 0 {
		return order
	}
	out := make([]int, 23)
	for i := range out {
		out[i] = 22 - i
	}
	return out
}
