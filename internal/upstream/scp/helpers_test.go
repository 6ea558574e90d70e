package scp

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// clock is a settable clock shared by client and sandbox; step, when set, is
// added after every reading so each signature gets a new timestamp.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Millisecond)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a sandbox on two hosts (cloudcontrol, organization) and a client.
type fixture struct {
	sb     *scpsandbox.Server
	cc     *httptest.Server
	org    *httptest.Server
	clk    *clock
	rec    *recorder
	client *Client
	cfg    Config
}

type fixtureOpt func(*scpsandbox.Options, *Config)

func newFixture(t *testing.T, opts ...fixtureOpt) *fixture {
	t.Helper()
	f := &fixture{clk: newClock(), rec: &recorder{next: http.DefaultTransport}}
	so := scpsandbox.Options{Now: f.clk.Now}
	f.cfg = Config{AccessKey: scpsandbox.DefaultAccessKey, SecretKey: scpsandbox.DefaultSecretKey,
		HTTPClient: &http.Client{Transport: f.rec, Timeout: 5 * time.Second},
		BaseDelay:  5 * time.Millisecond, MaxDelay: 3 * time.Second, Now: f.clk.Now}
	for _, o := range opts {
		o(&so, &f.cfg)
	}
	f.sb = scpsandbox.New(so)
	f.cc = httptest.NewServer(f.sb.CloudControlHandler())
	f.org = httptest.NewServer(f.sb.OrganizationHandler())
	t.Cleanup(f.cc.Close)
	t.Cleanup(f.org.Close)
	f.cfg.CloudControlURL, f.cfg.OrganizationURL = f.cc.URL, f.org.URL
	c, err := New(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	return f
}

// withKeys makes the client use other credentials.
func withKeys(ak, sk string) fixtureOpt {
	return func(_ *scpsandbox.Options, c *Config) {
		c.AccessKey, c.SecretKey = httpapi.Secret(ak), httpapi.Secret(sk)
	}
}

func createReq(name string) CreateAccountRequest {
	return CreateAccountRequest{Name: name, LandingZoneID: "lz-1", ParentUnitID: "ou-root",
		Email: name + "@example.com", SSOUserEmail: "sso@example.com", SSOUserName: "sso", SSOUserRealName: "S So"}
}

// recorder captures every request the client sends (per attempt) and can
// tamper with it after signing.
type recorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	reqs   []*http.Request
	tamper func(*http.Request)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(req.Context()))
	tamper := r.tamper
	r.mu.Unlock()
	if tamper != nil {
		req = req.Clone(req.Context())
		tamper(req)
	}
	return r.next.RoundTrip(req)
}

func (r *recorder) requests() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = nil
}

// statusOf returns the *httpapi.Error of err or fails.
func statusOf(t *testing.T, err error) *httpapi.Error {
	t.Helper()
	var e *httpapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not *httpapi.Error", err, err)
	}
	return e
}

func toSecret(s string) httpapi.Secret { return httpapi.Secret(s) }
