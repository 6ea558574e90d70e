package vectorcharts

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/provider"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

func TestCreateReturnsEverythingOnce(t *testing.T) {
	e := newEnv(t)
	a := newAccount("team-a", "owner@team-a.io")
	a.Spec.DisplayName = "Team A"
	req := newRequest(a, resolver{})
	c := e.created(t, req)

	for _, k := range []string{"accountID", "userID", "username", "password", "token"} {
		if len(c.Details[k]) == 0 {
			t.Errorf("Details lacks %q", k)
		}
	}
	id := mustID(t, c.ID)
	if string(c.Details["accountID"]) != c.ID || c.State == "" {
		t.Errorf("ID %q, accountID %q, state %q", c.ID, c.Details["accountID"], c.State)
	}
	if got := e.tokenAccount(t, c.Details["token"]); got != id {
		t.Errorf("the initial token authenticates as account %d, want %d", got, id)
	}
	if got := e.loginAccount(t, "owner@team-a.io", c.Details["password"]); got != id {
		t.Errorf("the prepared password logs in to account %d, want %d", got, id)
	}
	remote, ok := e.sb.AccountByUsername("owner@team-a.io")
	if !ok || remote.ID != id || remote.Name != "Team A" {
		t.Errorf("upstream account %+v (found %v)", remote, ok)
	}
	st := a.Status.VectorCharts
	if st == nil || st.UserID != string(c.Details["userID"]) || st.PlanInstance != "oem" {
		t.Errorf("status.vectorCharts = %+v", st)
	}
	if n := e.calls("CreateAccount"); n != 1 {
		t.Errorf("CreateAccount calls = %d, want 1", n)
	}
}

func TestCreateUsernameInUse(t *testing.T) {
	e := newEnv(t)
	e.created(t, newRequest(newAccount("first", "taken@x.io"), resolver{}))

	req := newRequest(newAccount("second", "taken@x.io"), resolver{})
	data, err := e.p.Prepare(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	merge(req.Connection, data)
	_, err = e.p.Create(ctxT(t), req)
	var te *provider.TerminalError
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists {
		t.Fatalf("want Terminal AlreadyExists, got %v", err)
	}
	want := `spec.vectorCharts.username: "taken@x.io" is already in use upstream; set spec.externalID to adopt its account`
	if te.Message != want {
		t.Errorf("message = %q", te.Message)
	}
	if httpapi.StatusCode(err) != http.StatusBadRequest || provider.Classify(err) != provider.ClassTerminal {
		t.Errorf("the upstream 400 must stay in the chain: %v", err)
	}
	if strings.Contains(err.Error(), string(req.Connection["password"])) {
		t.Error("error leaks the password")
	}
	if n := e.calls("CreateAccount"); n != 2 {
		t.Errorf("CreateAccount calls = %d, want 2", n)
	}
}

// A 400 that is not a duplicate username stays an upstream rejection.
func TestCreateRejectedIsNotAlreadyExists(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("short", "short@x.io"), resolver{})
	req.Connection["password"] = []byte("abc") // below the portal's minimum
	_, err := e.p.Create(ctxT(t), req)
	var te *provider.TerminalError
	if errors.As(err, &te) || httpapi.StatusCode(err) != http.StatusBadRequest {
		t.Fatalf("want the plain upstream 400, got %v", err)
	}
	if provider.Reason(err) != v1alpha1.ReasonUpstreamRejected {
		t.Errorf("reason = %q", provider.Reason(err))
	}
}

func TestCreateNeedsPreparedPassword(t *testing.T) {
	e := newEnv(t)
	if _, err := e.p.Create(ctxT(t), newRequest(newAccount("np", "np@x.io"), resolver{})); err == nil {
		t.Fatal("Create without a stored password must fail")
	}
	if n := e.calls("CreateAccount"); n != 0 {
		t.Errorf("CreateAccount calls = %d, want 0", n)
	}
}

func TestFindByUsername(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("lost", "lost@x.io"), resolver{})
	if id, err := e.p.Find(ctxT(t), req); err != nil || id != "" {
		t.Fatalf("before create: %q, %v", id, err)
	}
	c := e.created(t, newRequest(newAccount("lost", "lost@x.io"), resolver{}))
	if id, err := e.p.Find(ctxT(t), req); err != nil || id != c.ID {
		t.Fatalf("after create: %q, %v; want %s", id, err, c.ID)
	}
	// An account being deleted is about to go: never adopt it, and a new
	// create waits (retryably) for its username to be freed.
	if _, err := e.p.Delete(ctxT(t), existing(c.ID, "lost@x.io")); err != nil {
		t.Fatal(err)
	}
	if id, err := e.p.Find(ctxT(t), req); err != nil || id != "" {
		t.Fatalf("while deleting: %q, %v", id, err)
	}
	fresh := newRequest(newAccount("lost", "lost@x.io"), resolver{})
	fresh.Connection["password"] = []byte(specPassword)
	_, err := e.p.Create(ctxT(t), fresh)
	if err == nil || provider.Classify(err) != provider.ClassTransient {
		t.Errorf("create while the old account is deleted: want a transient error, got %v", err)
	}
}

// existing is a request for an existing account id.
func existing(id, username string) *provider.Request {
	a := newAccount("x", username)
	a.Status.AccountID = id
	return newRequest(a, resolver{})
}
