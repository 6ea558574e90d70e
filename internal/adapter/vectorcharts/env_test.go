package vectorcharts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// Secret values used by the tests; none may ever appear in an error string.
const (
	adminToken   = "S3ntinel-admin-token-7d41"
	viewerToken  = "S3ntinel-viewer-token-2b90"
	specPassword = "S3ntinel-spec-password-5e18"
)

type env struct {
	sb  *vcsandbox.Server
	srv *httptest.Server
	p   *Adapter
}

// newEnv serves a sandbox with fast delete jobs and builds a provider for it
// through the Kind, as the registry does.
func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith is newEnv with the sandbox options changed by mod.
func newEnvWith(t *testing.T, mod func(*vcsandbox.Options)) *env {
	t.Helper()
	opts := vcsandbox.Options{AdminTokens: []string{adminToken}, UserTokens: []string{viewerToken},
		JobPendingFor: 20 * time.Millisecond, JobRunningFor: 30 * time.Millisecond}
	if mod != nil {
		mod(&opts)
	}
	sb := vcsandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	e := &env{sb: sb, srv: srv}
	e.p = e.provider(t, adminToken)
	return e
}

func (e *env) spec() *v1alpha1.AccountProviderSpec {
	return &v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{
		URL: v1alpha1.HTTPSURL(e.srv.URL), CredentialsSecretRef: v1alpha1.SecretReference{Name: "vc-admin"}}}
}

func (e *env) provider(t *testing.T, token string) *Adapter {
	t.Helper()
	p, err := NewKind().New(adapter.Config{Spec: e.spec(), Credentials: map[string][]byte{"token": []byte(token)},
		HTTPClient: e.srv.Client()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p.(*Adapter)
}

func (e *env) calls(op string) int { return e.sb.Faults().Calls()[op] }

// resolver is a fake provider.Resolver over Secrets held in a map; it fails
// like the controller's: a terminal missing-reference failure for a missing
// Secret or key.
type resolver map[string]map[string][]byte

func (r resolver) SecretKey(_ context.Context, sel v1alpha1.SecretKeySelector) ([]byte, error) {
	s, ok := r[string(sel.Name)]
	if !ok {
		nf := apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, string(sel.Name))
		return nil, adapter.Terminal(v1alpha1.ReasonInvalidSpec, fmt.Sprintf("Secret %q", sel.Name), nf)
	}
	v, ok := s[string(sel.Key)]
	if !ok {
		return nil, adapter.MissingRef("Secret %q has no key %q", sel.Name, sel.Key)
	}
	return v, nil
}

func (r resolver) ConfigMapKey(context.Context, v1alpha1.ConfigMapKeySelector) ([]byte, error) {
	return nil, fmt.Errorf("no ConfigMaps here")
}

func newAccount(name, username string) *v1alpha1.Account {
	return &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: name},
		Spec: v1alpha1.AccountSpec{VectorCharts: &v1alpha1.VectorChartsAccountSpec{Username: username}}}
}

func newRequest(a *v1alpha1.Account, res resolver) *adapter.Request {
	return &adapter.Request{Account: a, Connection: map[string][]byte{}, Resolve: res}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// created runs Prepare and Create as the controller does: the prepared data
// goes into the connection Secret, then the create's details over it, and
// the Creation's status is recorded.
func (e *env) created(t *testing.T, req *adapter.Request) adapter.Creation {
	t.Helper()
	data, err := e.p.Prepare(ctxT(t), req)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	merge(req.Connection, data)
	c, err := e.p.Create(ctxT(t), req)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	merge(req.Connection, c.Details)
	req.Account.Status.AccountID = c.ID
	if c.Status != nil {
		c.Status(&req.Account.Status)
	}
	return c
}

func merge(dst, src map[string][]byte) {
	for k, v := range src {
		if len(v) > 0 {
			dst[k] = v
		}
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}

// tokenAccount returns the account a bearer belongs to, using the portal's
// self-scoped token listing, or 0 when the bearer is refused.
func (e *env) tokenAccount(t *testing.T, bearer []byte) int64 {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/portal/v1/apiTokens", nil)
	req.Header.Set("Authorization", "Bearer "+string(bearer))
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0
	}
	var toks []struct {
		AccountID int64 `json:"accountId"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&toks); err != nil || len(toks) == 0 {
		t.Fatalf("token listing: %v (%d tokens)", err, len(toks))
	}
	return toks[0].AccountID
}

// loginAccount logs in with a username and password and returns the user's
// account id, or 0 when the login is refused.
func (e *env) loginAccount(t *testing.T, username string, password []byte) int64 {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": string(password)})
	resp, err := e.srv.Client().Post(e.srv.URL+"/api/portal/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0
	}
	var out struct {
		User struct {
			Account struct {
				ID int64 `json:"id"`
			} `json:"account"`
		} `json:"user"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.User.Account.ID
}

// errs collects every error a test saw, for the secret-leak check.
type errs []error

func (l *errs) add(err error) error {
	if err != nil {
		*l = append(*l, err)
	}
	return err
}
