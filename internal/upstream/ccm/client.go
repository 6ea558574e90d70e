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
	"time"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Provider is the provider key used in errors and metrics.
const Provider = "ccm"

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
	c.api = httpapi.New(httpapi.Config{Provider: Provider, HTTPClient: cfg.HTTPClient, Observer: cfg.Observer,
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
	selects          string           // acct_id this call selects (SelectAccount)
	secrets          []httpapi.Secret // request values to scrub from errors
}

// do runs an authenticated call: it gets a session, selects the account if
// the call is scoped, and on a 401 logs in again and retries once. A 401 means
// the call was not processed, so that one retry is safe even for a create.
func (c *Client) do(ctx context.Context, cl call) (*httpapi.Response, error) {
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return nil, &httpapi.Error{Provider: Provider, Operation: cl.op, Err: err}
		}
	}
	if cl.noAuth {
		return c.api.Do(ctx, c.request(cl, payload, nil))
	}
	if cl.scope != "" || cl.selects != "" {
		c.scopeMu.Lock()
		defer c.scopeMu.Unlock()
	}
	for attempt := 0; ; attempt++ {
		s, err := c.session(ctx)
		if err != nil {
			return nil, err
		}
		if cl.scope != "" {
			err = c.selectIn(ctx, s, cl.scope)
		}
		var resp *httpapi.Response
		if err == nil {
			resp, err = c.api.Do(ctx, c.request(cl, payload, s))
		}
		if err == nil && cl.selects != "" {
			s.selected = cl.selects
		}
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
	cl := call{op: "SelectAccount", method: http.MethodPost,
		path: "/sys/session/select_account/" + url.PathEscape(id), idempotent: true}
	if _, err := c.api.Do(ctx, c.request(cl, nil, s)); err != nil {
		return err
	}
	s.selected = id
	return nil
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
