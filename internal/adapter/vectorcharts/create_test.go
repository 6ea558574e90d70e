package vectorcharts

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
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
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists {
		t.Fatalf("want Terminal AlreadyExists, got %v", err)
	}
	want := `spec.vectorCharts.username: "taken@x.io" is already in use upstream; set spec.externalID to adopt its account`
	if te.Message != want {
		t.Errorf("message = %q", te.Message)
	}
	if httpapi.StatusCode(err) != http.StatusBadRequest || adapter.Classify(err) != adapter.ClassTerminal {
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
	var te *adapter.Error
	if errors.As(err, &te) || httpapi.StatusCode(err) != http.StatusBadRequest {
		t.Fatalf("want the plain upstream 400, got %v", err)
	}
	if adapter.Reason(err) != v1alpha1.ReasonUpstreamRejected {
		t.Errorf("reason = %q", adapter.Reason(err))
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
}

// TestUsernameOfAnAccountBeingDeleted: while the account holding a username
// has a job under way that names it (its deletion, found without reading the
// job type), Find does not adopt it and a create waits, dropping its marker;
// once the job removed the account, the create goes through. Under the
// variant where jobs do not name their account, the operator cannot tell and
// refuses as for any username in use (AlreadyExists).
func TestUsernameOfAnAccountBeingDeleted(t *testing.T) {
	for _, names := range vcsandbox.JobNamesValues {
		t.Run(names, func(t *testing.T) {
			e := newEnvWith(t, func(o *vcsandbox.Options) {
				o.Variants.DeleteJobNames = names
				o.JobPendingFor, o.JobRunningFor = 100*time.Millisecond, 100*time.Millisecond
			})
			old := e.created(t, newRequest(newAccount("old", "reused@x.io"), resolver{}))
			if _, err := e.p.Delete(ctxT(t), existing(old.ID, "reused@x.io")); err != nil {
				t.Fatal(err)
			}
			fresh := newRequest(newAccount("new", "reused@x.io"), resolver{})
			fresh.Connection["password"] = []byte(specPassword)
			id, ferr := e.p.Find(ctxT(t), fresh)
			_, cerr := e.p.Create(ctxT(t), fresh)
			if names == vcsandbox.JobNamesNone {
				var te *adapter.Error
				if id != old.ID || ferr != nil || !errors.As(cerr, &te) || te.Reason != v1alpha1.ReasonAlreadyExists {
					t.Fatalf("Find = %q, %v; Create = %v", id, ferr, cerr)
				}
				return
			}
			var fw, cw *adapter.Error
			if id != "" || !errors.As(ferr, &fw) || fw.Reason != v1alpha1.ReasonAccountBusy || fw.NotCreated {
				t.Fatalf("Find while deleting = %q, %v; want a wait", id, ferr)
			}
			if !errors.As(cerr, &cw) || !cw.NotCreated || !adapter.NothingCreated(cerr) ||
				!strings.Contains(cw.Message, `"reused@x.io" belongs to upstream account `+old.ID) {
				t.Fatalf("Create while deleting = %v; want a wait that drops the marker", cerr)
			}
			waitGone(t, e, "reused@x.io")
			if id, err := e.p.Find(ctxT(t), fresh); id != "" || err != nil {
				t.Fatalf("Find after the delete = %q, %v", id, err)
			}
			if c, err := e.p.Create(ctxT(t), fresh); err != nil || c.ID == old.ID {
				t.Fatalf("Create after the delete = %+v, %v", c, err)
			}
		})
	}
}

// TestUsernameOfABusyAccount: any job under way counts, since the type word
// is not read. A foreign account with a chart import running makes a create
// wait without a marker, then, once the job ends, be refused (AlreadyExists),
// never adopted. Find, asked only after an interrupted create of ours, waits
// for the job too, then adopts.
func TestUsernameOfABusyAccount(t *testing.T) {
	e := newEnvWith(t, func(o *vcsandbox.Options) {
		o.JobPendingFor, o.JobRunningFor = 50*time.Millisecond, 50*time.Millisecond
	})
	foreign := e.created(t, newRequest(newAccount("foreign", "busy@x.io"), resolver{}))
	e.sb.StartJob(mustID(t, foreign.ID), "CHART_IMPORT")
	req := newRequest(newAccount("mine", "busy@x.io"), resolver{})
	req.Connection["password"] = []byte(specPassword)
	_, err := e.p.Create(ctxT(t), req)
	if !adapter.NothingCreated(err) || adapter.Classify(err) != adapter.ClassPending {
		t.Fatalf("Create while busy = %v", err)
	}
	var we *adapter.Error
	if _, err := e.p.Find(ctxT(t), req); !errors.As(err, &we) {
		t.Fatalf("Find while busy = %v", err)
	}
	time.Sleep(150 * time.Millisecond) // the import ends
	_, err = e.p.Create(ctxT(t), req)
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists {
		t.Fatalf("Create after the job = %v", err)
	}
	if id, err := e.p.Find(ctxT(t), req); id != foreign.ID || err != nil {
		t.Fatalf("Find after the job = %q, %v", id, err)
	}
}

// waitGone waits (bounded) until no account holds the username.
func waitGone(t *testing.T, e *env, username string) {
	t.Helper()
	for range 200 {
		if _, ok := e.sb.AccountByUsername(username); !ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s still exists upstream", username)
}

// existing is a request for an existing account id.
func existing(id, username string) *adapter.Request {
	a := newAccount("x", username)
	a.Status.AccountID = id
	return newRequest(a, resolver{})
}

// TestCreateThrottled: a create answered 429 (with or without Retry-After) is
// transient, carries the wait, and is not repeated by the client; the
// controller's next pass looks the username up (nothing) and creates once.
func TestCreateThrottled(t *testing.T) {
	for _, retryAfter := range []int{1, 0} {
		e := newEnv(t)
		req := newRequest(newAccount("slow", "slow@x.io"), resolver{})
		req.Connection["password"] = []byte(specPassword)
		e.sb.Faults().FailNext("CreateAccount", 1, http.StatusTooManyRequests, retryAfter)
		_, err := e.p.Create(ctxT(t), req)
		if adapter.Classify(err) != adapter.ClassTransient || adapter.NothingCreated(err) ||
			adapter.RetryAfter(err) != time.Duration(retryAfter)*time.Second {
			t.Fatalf("Retry-After %d: Create = %v (retry after %v)", retryAfter, err, adapter.RetryAfter(err))
		}
		if id, err := e.p.Find(ctxT(t), req); id != "" || err != nil {
			t.Fatalf("Find after the 429 = %q, %v", id, err)
		}
		if _, err := e.p.Create(ctxT(t), req); err != nil {
			t.Fatalf("Create after the 429: %v", err)
		}
		if n := e.calls("CreateAccount"); n != 2 || len(e.sb.Accounts()) != 2 {
			t.Errorf("Retry-After %d: %d creates, %d accounts; want 2 and the admin's plus one", retryAfter, n, len(e.sb.Accounts()))
		}
	}
}
