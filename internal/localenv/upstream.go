package localenv

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Upstreams are the sandbox's upstreams, by the names its admin endpoint uses.
var Upstreams = []string{"ccm", "scp", "vectorcharts"}

// UpstreamAccount is an account as the sandbox holds it, read through its
// admin endpoint: what the upstream really has, not what the operator says.
// Accounts still being closed or deleted (SCP PENDING_CLOSURE, a VectorCharts
// delete job) are listed too: they are gone only once the sandbox drops them.
type UpstreamAccount struct {
	ID     string
	Name   string
	Key    string // the upstream's unique key: CCM and SCP name, VectorCharts username (lower case)
	Parent string `json:",omitempty"` // SCP parent unit
	State  string
	Tokens int `json:",omitempty"` // VectorCharts: API tokens the account holds
}

// UpstreamAccounts lists the accounts of one upstream ("ccm", "scp" or
// "vectorcharts").
func (e *Env) UpstreamAccounts(ctx context.Context, upstream string) ([]UpstreamAccount, error) {
	return upstreamAccounts(ctx, e, upstream)
}

// UpstreamAccounts lists the accounts of one upstream of this sandbox.
func (s *Sandbox) UpstreamAccounts(ctx context.Context, upstream string) ([]UpstreamAccount, error) {
	return upstreamAccounts(ctx, s, upstream)
}

// adminReader reads a sandbox's admin endpoint.
type adminReader interface {
	AdminGet(ctx context.Context, path string, out any) error
}

func upstreamAccounts(ctx context.Context, e adminReader, upstream string) ([]UpstreamAccount, error) {
	var out []UpstreamAccount
	switch upstream {
	case "ccm":
		var l []struct{ ID, Name, AccountStatus string }
		if err := e.AdminGet(ctx, "/ccm/accounts", &l); err != nil {
			return nil, err
		}
		for _, a := range l {
			out = append(out, UpstreamAccount{ID: a.ID, Name: a.Name, Key: a.Name, State: a.AccountStatus})
		}
	case "scp":
		var l []struct{ ID, Name, ParentUnitID, State string }
		if err := e.AdminGet(ctx, "/scp/accounts", &l); err != nil {
			return nil, err
		}
		for _, a := range l {
			out = append(out, UpstreamAccount{ID: a.ID, Name: a.Name, Key: a.Name, Parent: a.ParentUnitID, State: a.State})
		}
	case "vectorcharts":
		return vectorChartsAccounts(ctx, e)
	default:
		return nil, fmt.Errorf("unknown upstream %q", upstream)
	}
	return out, nil
}

func vectorChartsAccounts(ctx context.Context, e adminReader) ([]UpstreamAccount, error) {
	var l []struct {
		ID          int64
		Name, State string
		Users       []struct{ Username string }
		TokenCount  int
	}
	if err := e.AdminGet(ctx, "/vectorcharts/accounts", &l); err != nil {
		return nil, err
	}
	out := make([]UpstreamAccount, 0, len(l))
	for _, a := range l {
		u := UpstreamAccount{ID: strconv.FormatInt(a.ID, 10), Name: a.Name, State: a.State, Tokens: a.TokenCount}
		if len(a.Users) > 0 {
			u.Key = strings.ToLower(a.Users[0].Username)
		}
		out = append(out, u)
	}
	return out, nil
}

// UpstreamWrites is, per account id, how many calls that change an existing
// account (update, move, rename, token issue, delete) the upstream's sandbox
// received ("ccm", "scp" or "vectorcharts"): a test counts one account's writes
// on the sandbox other tests share.
func (e *Env) UpstreamWrites(ctx context.Context, upstream string) (map[string]int, error) {
	out := map[string]int{}
	if err := e.AdminGet(ctx, "/"+upstream+"/writes", &out); err != nil {
		return nil, err
	}
	return out, nil
}
