package scp

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

func TestNewValidates(t *testing.T) {
	good := Config{CloudControlURL: "https://cloudcontrol.e.samsungsdscloud.com",
		OrganizationURL: "https://organization.e.samsungsdscloud.com/", AccessKey: "ak", SecretKey: "sk"}
	cases := []struct {
		name string
		mod  func(*Config)
		ok   bool
	}{
		{"good", func(*Config) {}, true},
		{"prefix path", func(c *Config) { c.CloudControlURL = "https://gw.example.com/scp/cc/" }, true},
		{"relative", func(c *Config) { c.CloudControlURL = "cloudcontrol.example.com" }, false},
		{"ftp", func(c *Config) { c.OrganizationURL = "ftp://organization.example.com" }, false},
		{"query", func(c *Config) { c.OrganizationURL = "https://organization.example.com?x=1" }, false},
		{"user info", func(c *Config) { c.OrganizationURL = "https://u:p@organization.example.com" }, false},
		{"no access key", func(c *Config) { c.AccessKey = "" }, false},
		{"no secret key", func(c *Config) { c.SecretKey = "" }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.mod(&cfg)
			c, err := New(cfg)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err == nil && strings.HasSuffix(c.organization, "/") {
				t.Fatal("trailing slash kept")
			}
		})
	}
}

// Each operation goes to its service's host with that service's pinned
// version and the documented headers, signed at the clock's time.
func TestHeadersAndRouting(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	created, err := f.client.CreateAccount(ctx, createReq("team-h"))
	if err != nil {
		t.Fatal(err)
	}
	id := created.AccountID
	calls := []func() error{
		func() error { _, err := f.client.GetBaselineAssignment(ctx, id); return err },
		func() error { _, err := f.client.GetAccount(ctx, id); return err },
		func() error {
			_, err := f.client.ListAccounts(ctx, ListAccountsOptions{Name: "team-h", Size: 5})
			return err
		},
		func() error {
			_, err := f.client.MoveAccount(ctx, scpsandbox.DefaultOrganizationID, id, "ou-2")
			return err
		},
		func() error { return f.client.DeleteAccount(ctx, id) },
		func() error { return f.client.Verify(ctx) },
	}
	for i, call := range calls {
		if err := call(); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	ccHost, orgHost := hostOf(t, f.cc.URL), hostOf(t, f.org.URL)
	want := []struct{ method, host, version string }{
		{"POST", ccHost, "cloudcontrol 1.2"}, {"GET", ccHost, "cloudcontrol 1.2"},
		{"GET", orgHost, "organization 1.2"}, {"GET", orgHost, "organization 1.2"},
		{"PUT", orgHost, "organization 1.2"}, {"DELETE", orgHost, "organization 1.2"},
		{"GET", orgHost, "organization 1.2"},
	}
	reqs := f.rec.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		h := r.Header
		if r.Method != want[i].method || r.URL.Host != want[i].host || h.Get("Scp-Api-Version") != want[i].version {
			t.Errorf("request %d: %s %s %q", i, r.Method, r.URL.Host, h.Get("Scp-Api-Version"))
		}
		ts, _ := strconv.ParseInt(h.Get("Scp-Timestamp"), 10, 64)
		if h.Get("Scp-Accesskey") != scpsandbox.DefaultAccessKey || h.Get("Scp-ClientType") != "Openapi" ||
			h.Get("Accept-Language") != "en-US" || h.Get("Content-Type") != "application/json" ||
			h.Get("Scp-Signature") == "" || ts != f.clk.Now().UnixMilli() {
			t.Errorf("request %d headers %v", i, h)
		}
	}
	if q := reqs[1].URL.RawQuery; q != "assignment_id="+id+"&resource_type=ACCOUNT" {
		t.Errorf("baseline query %q", q)
	}
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

type observation struct {
	op   string
	code int
}

type obs struct {
	mu  sync.Mutex
	got []observation
}

func (o *obs) ObserveRequest(provider, op string, code int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if provider == Upstream {
		o.got = append(o.got, observation{op, code})
	}
}

func TestObserverSeesEveryAttempt(t *testing.T) {
	o := &obs{}
	f := newFixture(t, func(_ *scpsandbox.Options, c *Config) { c.Observer = o })
	f.sb.Faults().FailNext("GetAccount", 1, 503, 0)
	_, _ = f.client.GetAccount(context.Background(), "missing")
	want := []observation{{"GetAccount", 503}, {"GetAccount", 404}}
	if len(o.got) != 2 || o.got[0] != want[0] || o.got[1] != want[1] {
		t.Fatalf("observed %v, want %v", o.got, want)
	}
}
