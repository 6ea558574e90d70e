package vectorcharts

import (
	"slices"
	"testing"

	"github.com/account-operator/account-operator/internal/adapter"
)

// listed is account id's entry in the adapter's one-page listing.
func (e *env) listed(t *testing.T, id string) *adapter.Listed {
	t.Helper()
	p, err := e.p.ListPage(ctxT(t), "")
	if err != nil || p.Next != "" {
		t.Fatalf("ListPage: next %q, %v; want one page", p.Next, err)
	}
	for i := range p.Accounts {
		if p.Accounts[i].ID == id {
			return &p.Accounts[i]
		}
	}
	t.Fatalf("account %s is not listed", id)
	return nil
}

func TestListedEntryObservesWithoutAGetAccount(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("listed", "listed@x.io"), resolver{})
	c := e.created(t, req)
	want, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	req.Listed = e.listed(t, c.ID)
	if req.Listed.Name != req.DisplayName() {
		t.Errorf("listed name %q", req.Listed.Name)
	}
	before := e.calls("GetAccount")
	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if d := e.calls("GetAccount") - before; d != 0 {
		t.Errorf("a listed account in sync was read %d times", d)
	}
	if !obs.Exists || !obs.UpToDate || obs.Readiness != adapter.Ready || obs.State != want.State ||
		string(obs.Details[keyUserID]) != string(want.Details[keyUserID]) {
		t.Errorf("listed observation %+v, want as read: %+v", obs, want)
	}
}

func TestListedRenameIsConfirmedWithAGetAccount(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("renamed", "renamed@x.io"), resolver{})
	c := e.created(t, req)
	id := mustID(t, c.ID)
	e.sb.SetAccountName(id, "renamed behind our back")
	req.Listed = e.listed(t, c.ID)
	e.sb.SetAccountName(id, req.DisplayName()) // renamed back before the poll

	before := e.calls("GetAccount")
	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if d := e.calls("GetAccount") - before; d != 1 || !obs.UpToDate {
		t.Errorf("stale listed rename: %d reads, observation %+v; want one read and no drift", d, obs)
	}
	e.sb.SetAccountName(id, "renamed behind our back")
	req.Listed = e.listed(t, c.ID)
	if obs, err = e.p.Observe(ctxT(t), req); err != nil {
		t.Fatal(err)
	}
	if obs.UpToDate || !slices.Equal(obs.Drift, []string{driftDisplayName}) {
		t.Errorf("listed rename: %+v; want the name's drift", obs)
	}
}

func TestListedEntryOfADeletedAccountIsReadAsGone(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("gone", "gone@x.io"), resolver{})
	c := e.created(t, req)
	e.sb.DeleteAccountDirect(mustID(t, c.ID))
	p, err := e.p.ListPage(ctxT(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(p.Accounts, func(l adapter.Listed) bool { return l.ID == c.ID }) {
		t.Fatal("a deleted account is listed")
	}
	// Not listed, so the controller gives no entry: the read finds it gone.
	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil || obs.Exists {
		t.Errorf("Observe of a deleted account: %+v, %v; want it gone", obs, err)
	}
}
