package ccm_test

import (
	"context"
	"slices"
	"testing"

	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/adapter/adaptertest"
)

// listed is account id's entry in the adapter's listing.
func (e *env) listed(t *testing.T, id string) *adapter.Listed {
	t.Helper()
	return adaptertest.Listed(t, e.prov.(adapter.Lister), id)
}

// observeListed observes a with its listed entry, as a steady-state poll does.
func (e *env) observeListed(t *testing.T, a interface{ GetName() string }, req *adapter.Request) adapter.Observation {
	t.Helper()
	o, err := e.prov.Observe(context.Background(), req)
	if err != nil {
		t.Fatalf("Observe %s: %v", a.GetName(), err)
	}
	return o
}

func TestListedEntryObservesWithoutARead(t *testing.T) {
	e := newEnv(t)
	a := account("listed", e.fullSpec())
	e.create(t, a)
	e.converge(t, a, 3)
	want := e.observe(t, a)
	req := e.req(a)
	req.Listed = e.listed(t, a.Status.AccountID)
	if req.Listed.Name != "listed" {
		t.Errorf("listed name %q", req.Listed.Name)
	}
	var o adapter.Observation
	calls := e.calls(func() { o = e.observeListed(t, a, req) })
	if len(calls) != 0 {
		t.Errorf("an observation from a listed entry in sync made calls: %v", calls)
	}
	if !o.Exists || !o.UpToDate || o.Readiness != adapter.Ready || o.State != want.State ||
		!slices.Equal(o.Drift, want.Drift) || len(o.Details) != len(want.Details) {
		t.Errorf("listed observation %+v, want as read: %+v", o, want)
	}
}

func TestListedDriftIsConfirmedWithARead(t *testing.T) {
	e := newEnv(t)
	a := account("listed-drift", e.fullSpec())
	e.create(t, a)
	e.converge(t, a, 3)
	e.sb.SetAccountName(a.Status.AccountID, "renamed-upstream")
	req := e.req(a)
	req.Listed = e.listed(t, a.Status.AccountID)

	// Renamed back before the poll: the read shows no drift, nothing to write.
	e.sb.SetAccountName(a.Status.AccountID, "listed-drift")
	var o adapter.Observation
	calls := e.calls(func() { o = e.observeListed(t, a, req) })
	if calls["GetAccount"] != 1 || !o.UpToDate {
		t.Errorf("stale listed drift: calls %v, observation %+v; want one GetAccount and no drift", calls, o)
	}
	// Still renamed at the poll: the read confirms it.
	e.sb.SetAccountName(a.Status.AccountID, "renamed-upstream")
	req.Listed = e.listed(t, a.Status.AccountID)
	calls = e.calls(func() { o = e.observeListed(t, a, req) })
	if calls["GetAccount"] != 1 || o.UpToDate || !slices.Equal(o.Drift, []string{"spec.displayName"}) {
		t.Errorf("listed drift: calls %v, observation %+v; want one GetAccount and the name's drift", calls, o)
	}
}

func TestListedDeactivationIsConfirmed(t *testing.T) {
	e := newEnv(t)
	a := account("listed-off", e.fullSpec())
	e.create(t, a)
	e.converge(t, a, 3)
	e.sb.SetAccountStatus(a.Status.AccountID, "Deactivated")
	req := e.req(a)
	req.Listed = e.listed(t, a.Status.AccountID)
	var o adapter.Observation
	calls := e.calls(func() { o = e.observeListed(t, a, req) })
	if calls["GetAccount"] != 1 || o.Readiness != adapter.Unusable {
		t.Errorf("calls %v, observation %+v; want one GetAccount and Unusable", calls, o)
	}
}

func TestListingPages(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for _, n := range []string{"page-a", "page-b", "page-c"} {
		a := account(n, e.fullSpec())
		e.create(t, a)
		ids = append(ids, a.Status.AccountID)
	}
	l := e.prov.(adapter.Lister)
	// Three accounts are one page (of the client's 100) that ends the listing.
	p, err := l.ListPage(context.Background(), "")
	if err != nil || p.Next != "" {
		t.Fatalf("ListPage: %+v, %v; want one last page", p, err)
	}
	for _, id := range ids {
		if !slices.ContainsFunc(p.Accounts, func(x adapter.Listed) bool { return x.ID == id }) {
			t.Errorf("account %s not listed", id)
		}
	}
	// The cursor is the last id of the page before: keyset paging.
	slices.Sort(ids)
	p, err = l.ListPage(context.Background(), ids[0])
	if err != nil || slices.ContainsFunc(p.Accounts, func(x adapter.Listed) bool { return x.ID <= ids[0] }) ||
		len(p.Accounts) != 2 {
		t.Errorf("page after %s: %+v, %v", ids[0], p.Accounts, err)
	}
}
