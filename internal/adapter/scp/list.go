package scp

import (
	"context"
	"strconv"

	"github.com/account-operator/account-operator/internal/adapter"
	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

var _ adapter.Lister = (*Adapter)(nil)

// listPageSize is the page size of the snapshot's listing: the vendor
// documents a default of 20 and no maximum.
const listPageSize = 100

// ListPage reads one page of GET /v1/organization-accounts (page number
// paging: the cursor is the page number). A listed account carries the state
// and the parent unit; the baseline registration is not listed (see
// registration).
func (p *Adapter) ListPage(ctx context.Context, cursor string) (adapter.Page, error) {
	n, _ := strconv.Atoi(cursor)
	page, err := p.client.ListAccounts(ctx, scpapi.ListAccountsOptions{Page: n, Size: listPageSize})
	if err != nil {
		return adapter.Page{}, err
	}
	out := adapter.Page{Accounts: make([]adapter.Listed, 0, len(page.Accounts))}
	for _, a := range page.Accounts {
		out.Accounts = append(out.Accounts, adapter.Listed{ID: a.ID, Name: a.Name, Data: a})
	}
	if !scpapi.LastPage(page, n, listPageSize) {
		out.Next = strconv.Itoa(n + 1)
	}
	return out, nil
}

// read is the organization account: the listed entry when the pass has one
// that shows nothing to act on (ACTIVE, in the spec's parent unit), else a
// GET, so a move or a state change is confirmed before it is acted on.
func (p *Adapter) read(ctx context.Context, req *adapter.Request, parent, id string) (*scpapi.Account, error) {
	if l := req.Listed; l != nil {
		if a, ok := l.Data.(scpapi.Account); ok && a.ID == id && a.State == scpapi.StateActive && a.ParentUnitID == parent {
			return &a, nil
		}
	}
	return p.client.GetAccount(ctx, id)
}
