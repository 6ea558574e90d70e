package ccm

import (
	"context"

	"github.com/account-operator/account-operator/internal/adapter"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

var _ adapter.Lister = (*Adapter)(nil)

// ListPage reads one page of GET /accounts (keyset paging: the cursor is the
// last acct_id of the page before). A listed Account carries every field
// Observe compares (name, logo, auth configs, node enrollment, PCR priority,
// account_status, group ids): the vendor's AccountListResponse holds whole
// Account objects.
func (p *Adapter) ListPage(ctx context.Context, cursor string) (adapter.Page, error) {
	size := p.api.PageSize()
	page, err := p.api.ListAccounts(ctx, ccmapi.ListOptions{Limit: size, PreviousID: cursor})
	if err != nil {
		return adapter.Page{}, err
	}
	out := adapter.Page{Accounts: make([]adapter.Listed, 0, len(page.Items))}
	for i := range page.Items {
		a := &page.Items[i]
		out.Accounts = append(out.Accounts, adapter.Listed{ID: a.AcctID, Name: a.Name, Data: a})
	}
	if n := len(page.Items); n == size && page.Items[n-1].AcctID != "" {
		out.Next = page.Items[n-1].AcctID
	}
	return out, nil
}

// listedAccount is the pass's listed entry for account id, if any.
func listedAccount(req *adapter.Request, id string) *ccmapi.Account {
	if l := req.Listed; l != nil {
		if a, ok := l.Data.(*ccmapi.Account); ok && a != nil && a.AcctID == id {
			return a
		}
	}
	return nil
}
