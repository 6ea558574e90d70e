// Package scp is the HTTP client for Samsung Cloud Platform's Cloud Control
// account factory (create, baseline registration status) and the Organization
// service (read, list, move, close). Both use access-key HMAC signing.
package scp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Upstream is the kind of upstream, as named in errors and metrics.
const Upstream = "scp"

// Scp-Api-Version values, pinned per service: without the header the server
// uses its newest CURRENT version, which would change under us.
const (
	cloudControlVersion = "cloudcontrol 1.2"
	organizationVersion = "organization 1.2"
)

// Config configures a Client.
type Config struct {
	// CloudControlURL is e.g. https://cloudcontrol.e.samsungsdscloud.com
	// (create account, baseline assignments).
	CloudControlURL string
	// OrganizationURL is e.g. https://organization.e.samsungsdscloud.com
	// (read, list, move, delete accounts).
	OrganizationURL string
	AccessKey       httpapi.Secret
	SecretKey       httpapi.Secret

	HTTPClient *http.Client     // nil: httpapi.NewHTTPClient(30s, nil)
	Observer   httpapi.Observer // nil: none
	MaxRetries int              // retries of idempotent calls; 0: httpapi default
	BaseDelay  time.Duration
	MaxDelay   time.Duration

	AcceptLanguage string           // "" : en-US
	PageSize       int              // page size AccountsNamed uses; 0: 50
	Now            func() time.Time // clock for Scp-Timestamp; nil: time.Now
}

// Client calls both SCP services. Safe for concurrent use.
type Client struct {
	cloudControl string // scheme://host[/prefix], no trailing slash
	organization string
	accessKey    httpapi.Secret
	secretKey    httpapi.Secret
	lang         string
	pageSize     int
	now          func() time.Time
	http         *httpapi.Client
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	cc, err := baseURL("CloudControlURL", cfg.CloudControlURL)
	if err != nil {
		return nil, err
	}
	org, err := baseURL("OrganizationURL", cfg.OrganizationURL)
	if err != nil {
		return nil, err
	}
	if cfg.AccessKey.Empty() || cfg.SecretKey.Empty() {
		return nil, errors.New("scp: access key and secret key are required")
	}
	c := &Client{cloudControl: cc, organization: org, accessKey: cfg.AccessKey,
		secretKey: cfg.SecretKey, lang: cfg.AcceptLanguage, pageSize: cfg.PageSize, now: cfg.Now}
	if c.lang == "" {
		c.lang = "en-US"
	}
	if c.pageSize <= 0 {
		c.pageSize = 50
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.http = httpapi.New(httpapi.Config{
		Upstream: Upstream, HTTPClient: cfg.HTTPClient, Observer: cfg.Observer,
		MaxRetries: cfg.MaxRetries, BaseDelay: cfg.BaseDelay, MaxDelay: cfg.MaxDelay,
		ParseError: parseError,
		Secrets:    func() []httpapi.Secret { return []httpapi.Secret{c.accessKey, c.secretKey} },
	})
	return c, nil
}

func baseURL(field, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("scp: %s must be an absolute http(s) URL", field)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("scp: %s must not carry a query, fragment or user info", field)
	}
	if !wireHost(u.Host) {
		return "", fmt.Errorf("scp: %s host must be ASCII letters, digits, '-', '.', ':' or brackets", field)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// wireHost reports whether net/http sends host in the Host header exactly as
// written, which the signature needs: it punycodes a non-ASCII host, drops an
// IPv6 zone ("%eth0") and sends an empty Host for other odd characters, and
// the server would then verify another URL than the one signed.
func wireHost(host string) bool {
	for i := 0; i < len(host); i++ {
		if c := host[i]; !isUnreserved(c) && c != ':' && c != '[' && c != ']' {
			return false
		}
	}
	return host != ""
}

// call is one logical request.
type call struct {
	op         string
	idempotent bool
	base       string // c.cloudControl or c.organization
	version    string // Scp-Api-Version
	method     string
	path       string // already escaped
	query      query
	body       any // nil: no body
}

func (c *Client) cloudControlCall(op, method, path string) call {
	return call{op: op, base: c.cloudControl, version: cloudControlVersion, method: method, path: path}
}

func (c *Client) organizationCall(op, method, path string) call {
	return call{op: op, base: c.organization, version: organizationVersion, method: method, path: path}
}

func (c *Client) do(ctx context.Context, cl call) (*httpapi.Response, error) {
	return c.http.Do(ctx, httpapi.Request{
		Operation:  cl.op,
		Idempotent: cl.idempotent,
		// Build runs once per attempt, so every retry gets a fresh timestamp
		// and signature.
		Build: func(ctx context.Context) (*http.Request, error) { return c.build(ctx, cl) },
	})
}

func (c *Client) build(ctx context.Context, cl call) (*http.Request, error) {
	full := cl.base + cl.path
	if q := cl.query.encode(); q != "" {
		full += "?" + q
	}
	var body io.Reader
	if cl.body != nil {
		b, err := httpapi.JSONBody(cl.body)
		if err != nil {
			return nil, err
		}
		body = b
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, full, body)
	if err != nil {
		return nil, err
	}
	ts := c.now().UnixMilli()
	// Sign what goes on the wire: the transport sends URL.RequestURI() to
	// URL.Host, which can differ from full if net/url normalised something.
	sig, err := signature(c.secretKey, req.Method, req.URL.Scheme+"://"+req.URL.Host+req.URL.RequestURI(), ts, c.accessKey)
	if err != nil {
		return nil, err
	}
	h := req.Header
	h.Set("Scp-Accesskey", c.accessKey.Reveal())
	h.Set("Scp-Signature", sig)
	h.Set("Scp-Timestamp", strconv.FormatInt(ts, 10))
	h.Set("Scp-ClientType", clientType)
	h.Set("Scp-Api-Version", cl.version)
	h.Set("Accept-Language", c.lang)
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	return req, nil
}

// query keeps parameters in the order given so the signed URL is stable.
type query []struct{ key, value string }

func (q *query) add(key, value string) {
	*q = append(*q, struct{ key, value string }{key, value})
}

func (q query) encode() string {
	parts := make([]string, 0, len(q))
	for _, kv := range q {
		parts = append(parts, escape(kv.key)+"="+escape(kv.value))
	}
	return strings.Join(parts, "&")
}

// escape percent-encodes everything but RFC 3986 unreserved characters, with
// %20 for space (never '+', which some servers keep as a literal plus).
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&0x0F])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// wireSafe reports whether s goes on the wire unescaped, so that encodeURI
// leaves the signed URL identical to the sent one. A '%' escape on the wire is
// where implementations of this signature scheme disagree (encodeURI turns it
// into %25XX), so the client avoids sending one whenever it can.
func wireSafe(s string) bool { return s != "" && escape(s) == s }

// pathID checks an id before it becomes a path segment: ids are opaque but
// must not smuggle '/', '?' or escapes into the signed URL.
func pathID(kind, id string) (string, error) {
	if !wireSafe(id) {
		return "", fmt.Errorf("scp: invalid %s id %q", kind, id)
	}
	return id, nil
}

// Format prints the endpoints only. fmt cannot call Secret's redacting
// methods on unexported fields, so without this %v of a Client would print
// the keys.
func (c Client) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "scp.Client{CloudControlURL: %s, OrganizationURL: %s, AccessKey: %s, SecretKey: %s}",
		c.cloudControl, c.organization, httpapi.Redacted, httpapi.Redacted)
}
