package vectorcharts

import (
	"context"
	"fmt"
	"strconv"

	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

var _ adapter.Lister = (*Adapter)(nil)

// ListPage lists every account in one call (getAllAccounts has no paging).
// An entry carries all an observation compares: the name and the plan.
func (p *Adapter) ListPage(ctx context.Context, _ string) (adapter.Page, error) {
	all, err := p.client.GetAllAccounts(ctx)
	if err != nil {
		return adapter.Page{}, err
	}
	out := adapter.Page{Accounts: make([]adapter.Listed, 0, len(all))}
	for _, a := range all {
		if a.ID > 0 {
			out.Accounts = append(out.Accounts, adapter.Listed{ID: strconv.FormatInt(a.ID, 10), Name: a.Name, Data: a})
		}
	}
	return out, nil
}

// account reads the account: from the listed entry when the pass has one and
// it matches the spec, else with getAccount (a listed rename is confirmed
// before Update acts on it). found is false for a 404.
func (p *Adapter) account(ctx context.Context, req *adapter.Request, id int64) (acct vcapi.Account, found bool, err error) {
	if l := req.Listed; l != nil {
		if a, ok := l.Data.(vcapi.Account); ok && a.ID == id && a.Name == req.DisplayName() {
			return a, true, nil
		}
	}
	acct, err = p.client.GetAccount(ctx, id)
	if httpapi.IsNotFound(err) {
		return vcapi.Account{}, false, nil
	}
	if err != nil {
		return vcapi.Account{}, false, fmt.Errorf("get account %d: %w", id, err)
	}
	return acct, true, nil
}
