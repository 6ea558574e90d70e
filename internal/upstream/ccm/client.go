// Package ccm is the HTTP client of the Fortanix Confidential Computing
// Manager account API: Basic login to a bearer session (refreshed before it
// expires, re-established once on a 401, shared by concurrent callers),
// select_account before account-scoped calls, and account CRUD with the
// vendor's wire types. It imports nothing from Kubernetes.
package ccm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Upstream is the kind of upstream, as named in errors and metrics.
const Upstream = "ccm"

// Config is what a Client is built from.
type Config struct {
	BaseURL    string // e.g. https://ccm.fortanix.com
	PathPrefix string // replaces /v1, e.g. /api/v1/confidential_computing; default /v1
	Username   string // the user's email
	Password   httpapi.Secret
	HTTPClient *http.Client     // nil: httpapi default
	Observer   httpapi.Observer // nil: none
	MaxRetries int              // retries of idempotent calls; 0: httpapi default
	BaseDelay  time.Duration
	MaxDelay   time.Duration
	// RefreshMargin is how long before the token expires it is refreshed
	// (default 60s; at most half the token's lifetime).
	RefreshMargin time.Duration
	// LoginTimeout bounds a shared login or refresh, which runs detached from
	// any one caller's context (default 30s).
	LoginTimeout time.Duration
	// PageSize is the page size FindAccountByName lists with (default 100).
	PageSize int
	// Now is the clock (default time.Now); tests share a fake one with the sandbox.
	Now func() time.Time
}

// Client talks to one CCM instance as one user. Safe for concurrent use.
type Client struct {
	cfg  *Config // a pointer, so even a copied Client prints no credential
	base string  // scheme://host[/path] + prefix, no trailing slash
	api  *httpapi.Client

	mu  sync.Mutex // guards cur, fl and the expiry fields of sessions
	cur *session
	fl  *flight

	// scopeMu serialises select_account with the call that needs it: the
	// selection belongs to the shared session, so two account-scoped calls
	// must not interleave.
	scopeMu sync.Mutex
	// selectAt indexes selectPaths: where select_account last worked.
	selectAt atomic.Int32
}

// New checks the config and fills defaults.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("ccm: BaseURL must be an absolute http(s) URL")
	}
	if cfg.Username == "" || cfg.Password.Empty() {
		return nil, fmt.Errorf("ccm: Username and Password are required")
	}
	if cfg.PathPrefix == "" {
		cfg.PathPrefix = "/v1"
	}
	if cfg.RefreshMargin <= 0 {
		cfg.RefreshMargin = time.Minute
	}
	if cfg.LoginTimeout <= 0 {
		cfg.LoginTimeout = 30 * time.Second
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{cfg: &cfg}
	c.base = strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/") + "/" + strings.Trim(cfg.PathPrefix, "/")
	c.api = httpapi.New(httpapi.Config{Upstream: Upstream, HTTPClient: cfg.HTTPClient, Observer: cfg.Observer,
		MaxRetries: cfg.MaxRetries, BaseDelay: cfg.BaseDelay, MaxDelay: cfg.MaxDelay,
		ParseError: ParseError, Secrets: c.secrets})
	return c, nil
}

// Format prints the client without any credential, whatever the verb; the
// struct's unexported fields would otherwise print raw.
func (c *Client) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "ccm.Client{BaseURL: %q, Username: %q}", c.base, c.cfg.Username)
}

// ParseError reads a CCM error body. CCM documents no error schema and its
// own clients treat the body as text, so a JSON envelope is used when present
// and the raw text otherwise.
func ParseError(body []byte) (code, message string) {
	var env struct {
		Code    any    `json:"code"`
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &env) == nil && (env.Message != "" || env.Error != "") {
		if env.Code != nil {
			code = fmt.Sprint(env.Code)
		}
		return code, strings.TrimSpace(env.Message + " " + env.Error)
	}
	return "", string(body)
}

// secrets are the credential values scrubbed from upstream error messages.
func (c *Client) secrets() []httpapi.Secret {
	out := []httpapi.Secret{c.cfg.Password, httpapi.Secret(c.basicValue())}
	c.mu.Lock()
	if c.cur != nil {
		out = append(out, c.cur.token)
	}
	c.mu.Unlock()
	return out
}

func (c *Client) basicValue() string {
	return base64.StdEncoding.EncodeToString([]byte(c.cfg.Username + ":" + c.cfg.Password.Reveal()))
}

// call is one logical API call.
type call struct {
	op, method, path string
	query            url.Values
	body             any
	idempotent       bool
	noAuth           bool
	scope            string           // acct_id to select first
	secrets          []httpapi.Secret // request values to scrub from errors
}

// do runs an authenticated call, selecting the account first if the call is
// scoped.
func (c *Client) do(ctx context.Context, cl call) (*httpapi.Response, error) {
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return nil, &httpapi.Error{Upstream: Upstream, Operation: cl.op, Err: err}
		}
	}
	if cl.noAuth {
		return c.api.Do(ctx, c.request(cl, payload, nil))
	}
	if cl.scope != "" {
		c.scopeMu.Lock()
		defer c.scopeMu.Unlock()
	}
	return c.withSession(ctx, func(s *session) (*httpapi.Response, error) {
		if cl.scope != "" {
			if err := c.selectIn(ctx, s, cl.scope); err != nil {
				return nil, err
			}
		}
		return c.api.Do(ctx, c.request(cl, payload, s))
	})
}

// withSession runs f with a session; on a 401 it logs in again and runs f
// once more. A 401 means the call was not processed, so that one retry is
// safe even for a create.
func (c *Client) withSession(ctx context.Context, f func(*session) (*httpapi.Response, error)) (*httpapi.Response, error) {
	for attempt := 0; ; attempt++ {
		s, err := c.session(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := f(s)
		if attempt == 0 && httpapi.IsStatus(err, http.StatusUnauthorized) {
			c.invalidate(s) // expired or revoked server-side: one fresh login
			continue
		}
		return resp, err
	}
}

// selectIn selects the account in session s unless it already is. Caller holds scopeMu.
func (c *Client) selectIn(ctx context.Context, s *session, id string) error {
	if s.selected == id {
		return nil
	}
	_, err := c.postSelect(ctx, s, id)
	return err
}

// selectPaths are where CCM may serve select_account: the documented path
// first, then the one Fortanix's em-client uses. The vendor has both in use.
var selectPaths = [...]string{"/sys/session/select_account/", "/accounts/select_account/"}

// postSelect selects id in session s and records it there. It tries the path
// that last worked, then the other if the first answers 404 or 405 (a route
// this instance does not serve); a 404 from both means the account is
// unknown. Either 200 with session_info or 204 with no body is success.
// Caller holds scopeMu.
func (c *Client) postSelect(ctx context.Context, s *session, id string) (*httpapi.Response, error) {
	first := int(c.selectAt.Load())
	var firstErr error
	for i := range len(selectPaths) {
		at := (first + i) % len(selectPaths)
		cl := call{op: "SelectAccount", method: http.MethodPost, path: selectPaths[at] + url.PathEscape(id), idempotent: true}
		resp, err := c.api.Do(ctx, c.request(cl, nil, s))
		if err == nil {
			c.selectAt.Store(int32(at))
			s.selected = id
			return resp, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if !httpapi.IsStatus(err, http.StatusNotFound, http.StatusMethodNotAllowed) {
			return nil, err
		}
	}
	return nil, firstErr
}

// request builds the httpapi request; Build runs again on every retry.
func (c *Client) request(cl call, payload []byte, s *session) httpapi.Request {
	return httpapi.Request{Operation: cl.op, Idempotent: cl.idempotent, Secrets: cl.secrets,
		Build: func(ctx context.Context) (*http.Request, error) {
			var body io.Reader
			if payload != nil {
				body = bytes.NewReader(payload)
			}
			target := c.base + cl.path
			if len(cl.query) > 0 {
				target += "?" + cl.query.Encode()
			}
			req, err := http.NewRequestWithContext(ctx, cl.method, target, body)
			if err != nil {
				return nil, err
			}
			req.Header.Set("Accept", "application/json")
			if payload != nil || cl.op == "Login" {
				req.Header.Set("Content-Type", "application/json")
			}
			if s != nil {
				req.Header.Set("Authorization", "Bearer "+s.token.Reveal())
			}
			return req, nil
		}}
}

// configSecrets lists the secret values inside auth configs.
func configSecrets(cfgs ...AuthenticationConfig) []httpapi.Secret {
	var out []httpapi.Secret
	for _, cfg := range cfgs {
		if cfg.Oauth == nil {
			continue
		}
		out = append(out, cfg.Oauth.ClientSecret.Secret())
		if r := cfg.Oauth.TLS.Required; r != nil && len(r.ClientKey) > 0 {
			out = append(out, httpapi.Secret(base64Std(r.ClientKey)), httpapi.Secret(r.ClientKey))
		}
	}
	return out
}
