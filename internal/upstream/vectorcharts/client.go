// Package vectorcharts is the HTTP client for the VectorCharts OEM Portal API
// (self-hosted; endpoints under /api/portal/v1, admin ones under /admin/). It
// authenticates with an admin API token sent as a bearer. It imports nothing
// from Kubernetes.
package vectorcharts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Upstream is the kind of upstream, as named in errors and metrics.
const Upstream = "vectorCharts"

// apiPath is where every Portal API v1 endpoint lives.
const apiPath = "/api/portal/v1"

// Operation names, shared with the sandbox's fault injector and metrics.
const (
	OpCreateAccount  = "CreateAccount"
	OpGetAccount     = "GetAccount"
	OpGetAllAccounts = "GetAllAccounts"
	OpGetAllUsers    = "GetAllUsers"
	OpCreateApiToken = "CreateApiToken"
	OpGetApiTokens   = "GetApiTokens"
	OpDeleteApiToken = "DeleteOwnApiToken"
	OpCheckApiToken  = "ListOwnApiTokens" // the token liveness check
	OpEditAccount    = "EditAccount"
	OpDeleteAccount  = "DeleteAccount"
	OpListJobs       = "ListJobs"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the OEM instance, e.g. https://host:9909. A trailing
	// /api/portal or /api/portal/v1 is accepted too.
	BaseURL string
	// Token is an admin API token (its id is the bearer string).
	Token      httpapi.Secret
	HTTPClient *http.Client     // nil: httpapi.NewHTTPClient(30s, nil)
	Observer   httpapi.Observer // nil: none
	MaxRetries int              // retries of idempotent calls; 0: default 3, <0: none
	BaseDelay  time.Duration    // first retry backoff; 0: default
	MaxDelay   time.Duration    // backoff and Retry-After cap; 0: default
}

// Client calls one VectorCharts OEM instance. Safe for concurrent use.
type Client struct {
	base  string // scheme://host[:port]/api/portal/v1
	token httpapi.Secret
	http  *httpapi.Client
}

// New validates cfg and returns a client.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.Token.Empty() {
		return nil, errors.New("vectorcharts: Token is required")
	}
	c := &Client{base: base, token: cfg.Token}
	c.http = httpapi.New(httpapi.Config{
		Upstream: Upstream, HTTPClient: cfg.HTTPClient, Observer: cfg.Observer,
		MaxRetries: cfg.MaxRetries, BaseDelay: cfg.BaseDelay, MaxDelay: cfg.MaxDelay,
		ParseError: ParseError,
		Secrets:    func() []httpapi.Secret { return []httpapi.Secret{c.token} },
	})
	return c, nil
}

// Format keeps the token out of every fmt verb: fmt prints unexported fields
// raw, bypassing Secret's own redaction.
func (c Client) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "vectorcharts.Client{base: %s, token: %s}", c.base, httpapi.Redacted)
}

// parseBaseURL normalises the base to scheme://host[:port]/api/portal/v1.
// Errors never echo the URL, in case it carries userinfo.
func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errors.New("vectorcharts: BaseURL must be an absolute http(s) URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("vectorcharts: BaseURL must not carry credentials, a query or a fragment")
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/v1")
	p = strings.TrimSuffix(p, "/api/portal")
	return u.Scheme + "://" + u.Host + p + apiPath, nil
}

// Verify checks the credentials with a cheap admin-only read: a non-admin
// token fails with 403, a bad one with 401.
func (c *Client) Verify(ctx context.Context) error {
	var raw []json.RawMessage
	return c.get(ctx, OpGetAllAccounts, "/admin/getAllAccounts", nil, &raw)
}

// get runs an idempotent GET and decodes the JSON answer into out.
func (c *Client) get(ctx context.Context, op, path string, q url.Values, out any) error {
	resp, err := c.do(ctx, op, path, q)
	if err != nil {
		return err
	}
	return c.http.Decode(op, resp, out)
}

// do runs an idempotent GET.
func (c *Client) do(ctx context.Context, op, path string, q url.Values) (*httpapi.Response, error) {
	target := c.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	return c.http.Do(ctx, httpapi.Request{Operation: op, Idempotent: true,
		Build: func(ctx context.Context) (*http.Request, error) {
			return c.newRequest(ctx, http.MethodGet, target, nil)
		}})
}

// post sends body as JSON. Only idempotent posts are retried. secrets are
// values in body that must not show in an error.
func (c *Client) post(ctx context.Context, op, path string, idempotent bool, body, out any, secrets ...httpapi.Secret) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return &httpapi.Error{Upstream: Upstream, Operation: op, Err: err}
	}
	target := c.base + path
	resp, err := c.http.Do(ctx, httpapi.Request{Operation: op, Idempotent: idempotent, Secrets: secrets,
		Build: func(ctx context.Context) (*http.Request, error) {
			return c.newRequest(ctx, http.MethodPost, target, payload)
		}})
	if err != nil {
		return err
	}
	return c.http.Decode(op, resp, out)
}

func (c *Client) newRequest(ctx context.Context, method, target string, body []byte) (*http.Request, error) {
	var req *http.Request
	var err error
	if body == nil {
		req, err = http.NewRequestWithContext(ctx, method, target, nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	}
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+bearerOf(ctx, c.token).Reveal())
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// ParseError reads the undocumented error body leniently: {"error":"…"},
// {"message":"…"}, {"error":{"message":"…"}}, optionally with a "code"; else
// the raw text. Callers branch on the status code, never on these strings.
func ParseError(body []byte) (code, message string) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return "", string(body)
	}
	code = scalar(m["code"])
	if msg, ok := m["message"].(string); ok && msg != "" {
		return code, msg
	}
	switch e := m["error"].(type) {
	case string:
		return code, e
	case map[string]any:
		if code == "" {
			code = scalar(e["code"])
		}
		if msg, ok := e["message"].(string); ok {
			return code, msg
		}
	}
	return code, string(body)
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	}
	return ""
}
