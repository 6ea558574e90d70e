package httpapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// maxBody bounds how much of any upstream response is read.
const maxBody = 8 << 20

// Observer receives one call per HTTP attempt: provider, operation, status code
// (0 when no response arrived) and latency. Metrics hang off this hook.
type Observer interface {
	ObserveRequest(provider, operation string, code int, latency time.Duration)
}

// ErrorParser extracts the upstream code and message from an error body.
type ErrorParser func(body []byte) (code, message string)

// Config is what every upstream client is built from.
type Config struct {
	Upstream   string
	HTTPClient *http.Client // nil: NewHTTPClient(30s, nil)
	Observer   Observer     // nil: none
	MaxRetries int          // retries of idempotent calls; default 3
	BaseDelay  time.Duration
	MaxDelay   time.Duration
	ParseError ErrorParser
	Secrets    func() []Secret // values to scrub from upstream messages
}

// NewHTTPClient returns a client with sane timeouts and connection reuse; rootCAs
// may be nil for the system pool.
func NewHTTPClient(timeout time.Duration, tlsConfig *tls.Config) *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// Client runs requests for one upstream.
type Client struct{ cfg Config }

// New fills defaults.
func New(cfg Config) *Client {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = NewHTTPClient(30*time.Second, nil)
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 3
	}
	if cfg.BaseDelay == 0 {
		cfg.BaseDelay = 200 * time.Millisecond
	}
	if cfg.MaxDelay == 0 {
		cfg.MaxDelay = 10 * time.Second
	}
	return &Client{cfg: cfg}
}

// Request describes one logical call. Build is called again for every attempt,
// so signatures and tokens are fresh on each retry.
type Request struct {
	Operation  string
	Idempotent bool // reads and deletes: retried on 5xx, 429 and transport errors
	Build      func(ctx context.Context) (*http.Request, error)
	// Secrets are values this call sends (a new password, a client secret)
	// that must not show in an error if the upstream echoes them: removed,
	// like Config.Secrets, before the message is cut to length.
	Secrets []Secret
}

// Response is a successful (2xx) response, body fully read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Decode unmarshals the body into v, reporting a malformed body as an Error.
func (c *Client) Decode(op string, r *Response, v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return &Error{Upstream: c.cfg.Upstream, Operation: op, StatusCode: r.StatusCode,
			Err: fmt.Errorf("malformed response body: %w", err)}
	}
	return nil
}

// Do sends the request, retrying idempotent calls where safe. Non-2xx statuses
// come back as *Error.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := c.once(ctx, req)
		if err == nil {
			return resp, nil
		}
		if !req.Idempotent || !Retryable(err) || attempt >= c.cfg.MaxRetries {
			return nil, err
		}
		if werr := sleep(ctx, c.delay(attempt, err)); werr != nil {
			return nil, err
		}
	}
}

func (c *Client) delay(attempt int, err error) time.Duration {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return min(e.RetryAfter, c.cfg.MaxDelay)
	}
	d := c.cfg.BaseDelay << attempt
	d += time.Duration(rand.Int64N(int64(d)/2 + 1))
	return min(d, c.cfg.MaxDelay)
}

func (c *Client) once(ctx context.Context, req Request) (*Response, error) {
	hreq, err := req.Build(ctx)
	if err != nil {
		return nil, &Error{Upstream: c.cfg.Upstream, Operation: req.Operation, Err: err}
	}
	start := time.Now()
	hresp, err := c.cfg.HTTPClient.Do(hreq)
	if err != nil {
		c.observe(req.Operation, 0, start)
		return nil, &Error{Upstream: c.cfg.Upstream, Operation: req.Operation, Err: stripURL(err)}
	}
	defer func() { _ = hresp.Body.Close() }()
	body, rerr := io.ReadAll(io.LimitReader(hresp.Body, maxBody))
	c.observe(req.Operation, hresp.StatusCode, start)
	if rerr != nil {
		return nil, &Error{Upstream: c.cfg.Upstream, Operation: req.Operation, StatusCode: hresp.StatusCode, Err: rerr}
	}
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		return nil, c.statusError(req, hresp, body)
	}
	return &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: body}, nil
}

func (c *Client) statusError(req Request, hresp *http.Response, body []byte) *Error {
	e := &Error{Upstream: c.cfg.Upstream, Operation: req.Operation, StatusCode: hresp.StatusCode,
		RetryAfter: ParseRetryAfter(hresp.Header.Get("Retry-After"), time.Now())}
	code, msg := "", string(body)
	if c.cfg.ParseError != nil {
		code, msg = c.cfg.ParseError(body)
	}
	secrets := req.Secrets
	if c.cfg.Secrets != nil {
		secrets = append(c.cfg.Secrets(), secrets...)
	}
	e.Code = Truncate(Scrub(code, secrets...))
	e.Message = Truncate(Scrub(msg, secrets...))
	return e
}

func (c *Client) observe(op string, code int, start time.Time) {
	if c.cfg.Observer != nil {
		c.cfg.Observer.ObserveRequest(c.cfg.Upstream, op, code, time.Since(start))
	}
}

// stripURL drops the request URL from a transport error: SCP query strings and
// hosts are not secret, but keeping errors short and stable helps conditions.
func stripURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

// ParseRetryAfter reads delta-seconds or an HTTP date; 0 when absent or invalid.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// JSONBody encodes v for a request body.
func JSONBody(v any) (io.Reader, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
