package vectorcharts

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	adminToken = "admin-token-0123456789"
	userToken  = "viewer-token-0123456789"
)

// fakeClock lets job lifecycle tests move time without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	t     *testing.T
	s     *Server
	srv   *httptest.Server
	clock *fakeClock
}

func newEnv(t *testing.T, mod func(*Options)) *env {
	t.Helper()
	clock := &fakeClock{t: time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)}
	opts := Options{AdminTokens: []string{adminToken}, UserTokens: []string{userToken}, Now: clock.Now,
		JobPendingFor: time.Second, JobRunningFor: 2 * time.Second}
	if mod != nil {
		mod(&opts)
	}
	s := New(opts)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, s: s, srv: srv, clock: clock}
}

// call sends one request; body may be a string (sent raw) or a value (JSON).
func (e *env) call(method, path, bearer string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// callJSON is call plus a status check and JSON decoding.
func (e *env) callJSON(method, path, bearer string, body any, want int, out any) {
	e.t.Helper()
	code, raw := e.call(method, path, bearer, body)
	if code != want {
		e.t.Fatalf("%s %s: got %d (%s), want %d", method, path, code, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

type created struct {
	Account struct {
		ID           int64          `json:"id"`
		Name         string         `json:"name"`
		PlanInstance string         `json:"planInstance"`
		Metadata     map[string]any `json:"metadata"`
		CreatedAt    int64          `json:"createdAt"`
	} `json:"account"`
	User struct {
		ID        int64  `json:"id"`
		AccountID int64  `json:"accountId"`
		Email     string `json:"email"`
		IsAdmin   bool   `json:"isAdmin"`
	} `json:"user"`
	InitialToken struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		UserID       int64  `json:"userId"`
		AccountID    int64  `json:"accountId"`
		UserEmail    string `json:"userEmail"`
		LastUsedAt   *int64 `json:"lastUsedAt"`
		Restrictions any    `json:"restrictions"`
	} `json:"initialToken"`
}

const api = "/api/portal/v1"

func (e *env) create(name, username string) created {
	e.t.Helper()
	var c created
	e.callJSON("POST", api+"/admin/createAccount", adminToken,
		map[string]string{"name": name, "username": username, "password": "pw-" + username}, 200, &c)
	return c
}
