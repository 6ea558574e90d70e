package scp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

// Sentinel credentials: no error string may ever contain them.
const (
	testAccessKey = "sentinel-ak-51713"
	testSecretKey = "Sentinel-SK-Very-Secret-80085"
	asyncDelay    = 200 * time.Millisecond
)

// fixture is the sandbox on two hosts, as SCP serves it, and a provider.
type fixture struct {
	sb   *scpsandbox.Server
	cc   *httptest.Server
	org  *httptest.Server
	rec  *recorder
	clk  *clock // the provider's clock; the sandbox's too when opts.Now is unset
	prov adapter.Upstream
}

// clock is real time plus an offset a test can advance.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

func newFixture(t *testing.T, opts scpsandbox.Options) *fixture {
	t.Helper()
	if len(opts.Credentials) == 0 {
		opts.Credentials = []scpsandbox.Credential{{AccessKey: testAccessKey, SecretKey: testSecretKey}}
	}
	f := &fixture{rec: &recorder{next: http.DefaultTransport}, clk: &clock{}}
	if opts.Now == nil {
		// The sandbox follows the test clock; the client signs with real time,
		// so the accepted skew covers whatever a test advances.
		opts.Now, opts.MaxSkew = f.clk.Now, 24*time.Hour
	}
	f.sb = scpsandbox.New(opts)
	f.cc = httptest.NewServer(f.sb.CloudControlHandler())
	f.org = httptest.NewServer(f.sb.OrganizationHandler())
	t.Cleanup(f.cc.Close)
	t.Cleanup(f.org.Close)
	f.prov = f.build(t, f.cc.URL, testSecretKey)
	return f
}

// asyncOptions make registration and closure take asyncDelay.
func asyncOptions() scpsandbox.Options {
	return scpsandbox.Options{RegistrationDelay: asyncDelay, ClosureDelay: asyncDelay}
}

// build makes a provider for a Cloud Control host and the fixture's
// Organization host, with the given secret key.
func (f *fixture) build(t *testing.T, ccURL, secretKey string) adapter.Upstream {
	t.Helper()
	p, err := NewKind(withClock(f.clk.Now)).New(adapter.Config{
		Spec: providerSpec(ccURL, f.org.URL),
		Credentials: map[string][]byte{
			"accessKey": []byte(testAccessKey), "secretKey": []byte(secretKey)},
		HTTPClient: &http.Client{Transport: f.rec, Timeout: 5 * time.Second},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func providerSpec(ccURL, orgURL string) *v1alpha1.AccountProviderSpec {
	return &v1alpha1.AccountProviderSpec{SCP: &v1alpha1.SCPProviderSpec{
		CloudControlURL: v1alpha1.HTTPSURL(ccURL), OrganizationURL: v1alpha1.HTTPSURL(orgURL),
		OrganizationID:       scpsandbox.DefaultOrganizationID,
		CredentialsSecretRef: v1alpha1.SecretReference{Name: "scp-creds", Namespace: "ops"}}}
}

// calls is the number of upstream calls per operation since the last reset.
func (f *fixture) calls(op string) int { return f.sb.Faults().Calls()[op] }

// request wraps an Account for the provider.
func request(a *v1alpha1.Account) *adapter.Request {
	return &adapter.Request{Account: a, Resolve: mapResolver{}}
}

// newAccount is an SCP Account under ou-one with every optional field set.
func newAccount(name string) *v1alpha1.Account {
	return &v1alpha1.Account{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team"},
		Spec: v1alpha1.AccountSpec{SCP: &v1alpha1.SCPAccountSpec{
			LandingZoneID: "lz-1", ParentUnitID: "ou-one", Email: name + "@example.com",
			SSOUser: &v1alpha1.SCPSSOUser{Email: "sso-" + name + "@example.com",
				Name: "sso-" + name, RealName: "Real " + name}}},
	}
}

// create creates a and records the result in its status, as the controller does.
func create(t *testing.T, f *fixture, a *v1alpha1.Account) adapter.Creation {
	t.Helper()
	c, err := f.prov.Create(context.Background(), request(a))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	a.Status.AccountID, a.Status.JobID = c.ID, c.JobID
	if c.Status != nil {
		c.Status(&a.Status)
	}
	return c
}

// observe observes a and applies the status func, as the controller does.
func observe(t *testing.T, f *fixture, a *v1alpha1.Account) adapter.Observation {
	t.Helper()
	obs, err := f.prov.Observe(context.Background(), request(a))
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	if obs.Status != nil {
		obs.Status(&a.Status)
	}
	return obs
}

// eventually polls cond every 20ms for at most 5s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 250 {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// info is the sandbox's record of an account.
func info(t *testing.T, f *fixture, id string) scpsandbox.AccountInfo {
	t.Helper()
	for _, a := range f.sb.Accounts() {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("sandbox has no account %s", id)
	return scpsandbox.AccountInfo{}
}

// mapResolver is a fake provider.Resolver over a map of "secret/key" values.
type mapResolver map[string][]byte

func (m mapResolver) SecretKey(_ context.Context, sel v1alpha1.SecretKeySelector) ([]byte, error) {
	if v, ok := m[string(sel.Name)+"/"+string(sel.Key)]; ok {
		return v, nil
	}
	return nil, adapter.MissingRef("secret %s has no key %s", sel.Name, sel.Key)
}

func (m mapResolver) ConfigMapKey(_ context.Context, sel v1alpha1.ConfigMapKeySelector) ([]byte, error) {
	return nil, adapter.MissingRef("configmap %s not found", sel.Name)
}

// recorder keeps the JSON body of every POST, to check the wire mapping.
type recorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	posts []map[string]any
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			r.mu.Lock()
			r.posts = append(r.posts, m)
			r.mu.Unlock()
		}
	}
	return r.next.RoundTrip(req)
}

func (r *recorder) lastPost() map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.posts) == 0 {
		return nil
	}
	return r.posts[len(r.posts)-1]
}

// buildWith makes a provider for the fixture's hosts with kind options.
func buildWith(t *testing.T, f *fixture, opts ...Option) adapter.Upstream {
	t.Helper()
	p, err := NewKind(append([]Option{withClock(f.clk.Now)}, opts...)...).New(adapter.Config{
		Spec:        providerSpec(f.cc.URL, f.org.URL),
		Credentials: map[string][]byte{"accessKey": []byte(testAccessKey), "secretKey": []byte(testSecretKey)},
		HTTPClient:  &http.Client{Transport: f.rec, Timeout: 5 * time.Second},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}
