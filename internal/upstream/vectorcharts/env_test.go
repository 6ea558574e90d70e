package vectorcharts

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

const (
	adminToken = httpapi.Secret("admin-secret-token-5f1c2b")
	userToken  = httpapi.Secret("viewer-secret-token-9a7e31")
)

// recorder is an Observer that keeps every observation.
type recorder struct {
	mu  sync.Mutex
	obs []string
}

func (r *recorder) ObserveRequest(provider, op string, code int, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.obs = append(r.obs, provider+" "+op+" "+http.StatusText(code))
}

type env struct {
	sb  *vcsandbox.Server
	srv *httptest.Server
	obs *recorder
}

// newEnv starts a sandbox with fast delete jobs.
func newEnv(t *testing.T, mod func(*vcsandbox.Options)) *env {
	t.Helper()
	opts := vcsandbox.Options{AdminTokens: []string{adminToken.Reveal()}, UserTokens: []string{userToken.Reveal()},
		JobPendingFor: 20 * time.Millisecond, JobRunningFor: 20 * time.Millisecond}
	if mod != nil {
		mod(&opts)
	}
	sb := vcsandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	return &env{sb: sb, srv: srv, obs: &recorder{}}
}

// client returns a client for the sandbox with fast backoff.
func (e *env) client(t *testing.T, token httpapi.Secret, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: e.srv.URL, Token: token, HTTPClient: httpapi.NewHTTPClient(5*time.Second, nil),
		Observer: e.obs, BaseDelay: time.Millisecond, MaxDelay: 3 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) calls(op string) int { return e.sb.Faults().Calls()[op] }

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// create makes an account through the client, failing the test on error.
func create(t *testing.T, c *Client, name, username string) CreateAccountResult {
	t.Helper()
	res, err := c.CreateAccount(ctxT(t), CreateAccountRequest{Name: name, Username: username,
		Password: httpapi.Secret("pw-" + username)})
	if err != nil {
		t.Fatalf("CreateAccount(%s): %v", username, err)
	}
	return res
}

// bearerWorks calls the sandbox's self-scoped route with a user token.
func (e *env) bearerWorks(t *testing.T, tok httpapi.Secret) int {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+"/api/portal/v1/apiTokens", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// statusOf returns the HTTP status of a client error, failing if err is not
// an *httpapi.Error.
func statusOf(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 200
	}
	var he *httpapi.Error
	if !errors.As(err, &he) {
		t.Fatalf("error %v (%T) is not an *httpapi.Error", err, err)
	}
	return he.StatusCode
}

func asHTTPError(err error, target **httpapi.Error) bool { return errors.As(err, target) }

type sandboxOptions = vcsandbox.Options
