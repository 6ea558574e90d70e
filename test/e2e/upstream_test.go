package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
)

// upstreamAccount is an account as the sandbox holds it, read through its
// admin endpoint: what the upstream really has, not what the operator says.
type upstreamAccount struct {
	ID     string
	Name   string
	Key    string // the upstream's unique key: CCM and SCP name, VectorCharts username
	Parent string // SCP parent unit
	State  string
}

// upstreamAccounts lists the accounts of one upstream ("ccm", "scp",
// "vectorcharts"), including ones still being deleted.
func upstreamAccounts(ctx context.Context, kind string) ([]upstreamAccount, error) {
	var out []upstreamAccount
	switch kind {
	case "ccm":
		var l []struct{ ID, Name, AccountStatus string }
		if err := env.AdminGet(ctx, "/ccm/accounts", &l); err != nil {
			return nil, err
		}
		for _, a := range l {
			out = append(out, upstreamAccount{ID: a.ID, Name: a.Name, Key: a.Name, State: a.AccountStatus})
		}
	case "scp":
		var l []struct{ ID, Name, ParentUnitID, State string }
		if err := env.AdminGet(ctx, "/scp/accounts", &l); err != nil {
			return nil, err
		}
		for _, a := range l {
			out = append(out, upstreamAccount{ID: a.ID, Name: a.Name, Key: a.Name, Parent: a.ParentUnitID, State: a.State})
		}
	case "vectorcharts":
		var l []struct {
			ID          int64
			Name, State string
			Users       []struct{ Username string }
		}
		if err := env.AdminGet(ctx, "/vectorcharts/accounts", &l); err != nil {
			return nil, err
		}
		for _, a := range l {
			u := upstreamAccount{ID: strconv.FormatInt(a.ID, 10), Name: a.Name, State: a.State}
			if len(a.Users) > 0 {
				u.Key = a.Users[0].Username
			}
			out = append(out, u)
		}
	default:
		return nil, fmt.Errorf("unknown upstream %q", kind)
	}
	return out, nil
}

// mustUpstream lists an upstream's accounts, failing the test on error.
func mustUpstream(t *testing.T, ctx context.Context, kind string) []upstreamAccount {
	t.Helper()
	l, err := upstreamAccounts(ctx, kind)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// byID finds an upstream account by id.
func byID(l []upstreamAccount, id string) (upstreamAccount, bool) {
	for _, a := range l {
		if a.ID == id {
			return a, true
		}
	}
	return upstreamAccount{}, false
}
