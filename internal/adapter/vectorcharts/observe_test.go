package vectorcharts

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

func TestObserveInSync(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("sync", "sync@x.io"), resolver{})
	c := e.created(t, req)
	before := e.sb.Faults().Calls()

	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if !obs.Exists || !obs.UpToDate || !(obs.Readiness == adapter.Ready) || (obs.Readiness == adapter.Provisioning) || len(obs.Drift) != 0 {
		t.Fatalf("observation %+v", obs)
	}
	for _, k := range []string{"accountID", "userID", "username", "password"} {
		if string(obs.Details[k]) != string(c.Details[k]) {
			t.Errorf("Details[%s] differs from the create's", k)
		}
	}
	if _, ok := obs.Details["token"]; ok {
		t.Error("Observe must not publish a token")
	}
	var st v1alpha1.AccountStatus
	obs.Status(&st)
	if st.VectorCharts == nil || st.VectorCharts.UserID != string(c.Details["userID"]) {
		t.Errorf("status.vectorCharts = %+v", st.VectorCharts)
	}
	after := e.sb.Faults().Calls()
	if after["GetAllUsers"] != before["GetAllUsers"] {
		t.Error("a known user id must not be looked up again")
	}
	total := 0
	for op, n := range after {
		total += n - before[op]
	}
	if total != 1 || after["GetAccount"]-before["GetAccount"] != 1 {
		t.Errorf("a poll of an account in sync made %d calls (%v before, %v after), want one GetAccount", total, before, after)
	}
	for _, op := range []string{"EditAccount", "CreateApiToken", "DeleteAccount"} {
		if after[op] != before[op] {
			t.Errorf("Observe called %s", op)
		}
	}
}

func TestNameDriftIsCorrectedWithOneEdit(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("drift", "drift@x.io"), resolver{})
	c := e.created(t, req)
	id := mustID(t, c.ID)
	e.sb.SetAccountName(id, "renamed behind our back")

	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if obs.UpToDate || !slices.Equal(obs.Drift, []string{"spec.displayName"}) {
		t.Fatalf("UpToDate %v, Drift %v", obs.UpToDate, obs.Drift)
	}
	u, err := e.p.Update(ctxT(t), req, obs)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Notes) != 0 || len(u.Details) != 0 {
		t.Errorf("a rename reports nothing else: %+v", u)
	}
	if n := e.calls("EditAccount"); n != 1 {
		t.Errorf("EditAccount calls = %d, want 1", n)
	}
	if n := e.calls("CreateApiToken"); n != 0 {
		t.Errorf("CreateApiToken calls = %d, want 0", n)
	}
	if remote, _ := e.sb.AccountByUsername("drift@x.io"); remote.Name != "drift" {
		t.Errorf("upstream name = %q, want the metadata.name default", remote.Name)
	}
	obs, err = e.p.Observe(ctxT(t), req)
	if err != nil || !obs.UpToDate {
		t.Errorf("after the update: UpToDate %v, err %v", obs.UpToDate, err)
	}
}

func TestLostTokenIsReissued(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("tok", "tok@x.io"), resolver{})
	c := e.created(t, req)
	old := string(c.Details["token"])
	delete(req.Connection, "token") // the Secret lost it

	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if obs.UpToDate || !obs.Exists {
		t.Fatalf("a lost token makes the account out of date: %+v", obs)
	}
	u, err := e.p.Update(ctxT(t), req, obs)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Details["token"]
	if len(tok) == 0 || string(tok) == old {
		t.Fatal("Update must return a new token")
	}
	if got := e.tokenAccount(t, tok); got != mustID(t, c.ID) {
		t.Errorf("the new token authenticates as account %d, want %s", got, c.ID)
	}
	if n := e.calls("CreateApiToken"); n != 1 {
		t.Errorf("CreateApiToken calls = %d, want 1", n)
	}
	if n := e.calls("EditAccount"); n != 0 {
		t.Errorf("EditAccount calls = %d, want 0", n)
	}
	want := []adapter.Note{{Reason: "TokenReissued", Message: "issued a new API token: the connection Secret had lost it"}}
	if !slices.Equal(u.Notes, want) {
		t.Errorf("Notes = %+v", u.Notes)
	}
}

func TestObserveGone(t *testing.T) {
	e := newEnv(t)
	gone := newRequest(newAccount("gone", "gone@x.io"), resolver{})
	c := e.created(t, gone)
	e.sb.DeleteAccountDirect(mustID(t, c.ID))
	if obs, err := e.p.Observe(ctxT(t), gone); err != nil || obs.Exists {
		t.Errorf("deleted account: Exists %v, err %v", obs.Exists, err)
	}

	unknown := existing("4242424242", "ghost@x.io")
	if obs, err := e.p.Observe(ctxT(t), unknown); err != nil || obs.Exists {
		t.Errorf("unknown id: Exists %v, err %v", obs.Exists, err)
	}
}

// An account adopted by spec.externalID has no recorded user: it is found by
// username, and its token (never seen by the operator) is issued afresh.
func TestObserveAdopted(t *testing.T) {
	e := newEnv(t)
	c := e.created(t, newRequest(newAccount("orig", "adopt@x.io"), resolver{}))
	req := existing(c.ID, "adopt@x.io")
	req.Account.Name = "orig"
	req.Account.Spec.ExternalID = c.ID

	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if string(obs.Details["userID"]) != string(c.Details["userID"]) || obs.UpToDate || len(obs.Drift) != 0 {
		t.Fatalf("adopted observation: userID %q, UpToDate %v, Drift %v", obs.Details["userID"], obs.UpToDate, obs.Drift)
	}
	u, err := e.p.Update(ctxT(t), req, obs)
	if err != nil || e.tokenAccount(t, u.Details["token"]) != mustID(t, c.ID) {
		t.Fatalf("token for the adopted account: err %v", err)
	}
}

func TestObserveRefusesForeignOrBadIDs(t *testing.T) {
	e := newEnv(t)
	c := e.created(t, newRequest(newAccount("owner", "owner@x.io"), resolver{}))
	other := existing(c.ID, "someone-else@x.io")
	_, err := e.p.Observe(ctxT(t), other)
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec ||
		!strings.Contains(err.Error(), "spec.vectorCharts.username") {
		t.Errorf("username not in the account: %v", err)
	}

	bad := existing("acct-7", "x@x.io")
	bad.Account.Spec.ExternalID = "acct-7"
	_, err = e.p.Observe(ctxT(t), bad)
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec || !strings.Contains(err.Error(), "spec.externalID") {
		t.Errorf("non-numeric externalID: %v", err)
	}
	if done, err := e.p.Delete(ctxT(t), bad); !done || err != nil {
		t.Errorf("deleting a non-numeric id: done %v, err %v", done, err)
	}
}
