package scp

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/adapter/adaptertest"
)

// listed is account id's entry in the adapter's listing.
func (f *fixture) listed(t *testing.T, id string) *adapter.Listed {
	t.Helper()
	return adaptertest.Listed(t, f.prov.(adapter.Lister), id)
}

func observeWith(t *testing.T, f *fixture, req *adapter.Request) adapter.Observation {
	t.Helper()
	obs, err := f.prov.Observe(context.Background(), req)
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	if obs.Status != nil {
		obs.Status(&req.Account.Status)
	}
	return obs
}

func TestListedRegisteredAccountMakesNoCall(t *testing.T) {
	f := newFixture(t, asyncOptions())
	a := newAccount("listed")
	create(t, f, a)
	eventually(t, "REGISTERED", func() bool { return observe(t, f, a).Readiness == adapter.Ready })
	req := request(a)
	req.Listed = f.listed(t, a.Status.AccountID)
	before := f.sb.Faults().Calls()
	obs := observeWith(t, f, req)
	after := f.sb.Faults().Calls()
	for _, op := range []string{"GetAccount", "GetBaselineAssignment"} {
		if after[op] != before[op] {
			t.Errorf("a listed, registered account called %s", op)
		}
	}
	if !obs.Exists || !obs.UpToDate || obs.Readiness != adapter.Ready || obs.State != "ACTIVE" {
		t.Errorf("listed observation %+v", obs)
	}
}

func TestListedMoveAndStateAreConfirmed(t *testing.T) {
	f := newFixture(t, asyncOptions())
	a := newAccount("moved")
	create(t, f, a)
	eventually(t, "REGISTERED", func() bool { return observe(t, f, a).Readiness == adapter.Ready })
	if err := f.sb.SetParentUnit(a.Status.AccountID, "ou-drift"); err != nil {
		t.Fatal(err)
	}
	req := request(a)
	req.Listed = f.listed(t, a.Status.AccountID)
	before := f.calls("GetAccount")
	obs := observeWith(t, f, req)
	if f.calls("GetAccount")-before != 1 || obs.UpToDate || !slices.Equal(obs.Drift, []string{fieldParentUnit}) {
		t.Errorf("listed move: %d reads, %+v; want one read and the unit's drift", f.calls("GetAccount")-before, obs)
	}
	if err := f.sb.SetParentUnit(a.Status.AccountID, "ou-one"); err != nil {
		t.Fatal(err)
	}
	if err := f.sb.SetAccountState(a.Status.AccountID, "SUSPENDED"); err != nil {
		t.Fatal(err)
	}
	req.Listed = f.listed(t, a.Status.AccountID)
	before = f.calls("GetAccount")
	if obs = observeWith(t, f, req); f.calls("GetAccount")-before != 1 || obs.Readiness == adapter.Ready {
		t.Errorf("listed SUSPENDED: %+v; want it read and not Ready", obs)
	}
}

func TestListingPagesByNumber(t *testing.T) {
	f := newFixture(t, asyncOptions())
	for i := range 3 {
		create(t, f, newAccount("page-"+strconv.Itoa(i)))
	}
	p, err := f.prov.(adapter.Lister).ListPage(context.Background(), "")
	if err != nil || p.Next != "" || len(p.Accounts) != 3 {
		t.Fatalf("ListPage: %d accounts, next %q, %v; want 3 on one last page", len(p.Accounts), p.Next, err)
	}
	if p, err = f.prov.(adapter.Lister).ListPage(context.Background(), "1"); err != nil || len(p.Accounts) != 0 {
		t.Errorf("page 1: %+v, %v; want empty", p, err)
	}
}
