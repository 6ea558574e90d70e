package main

import (
	"context"

	"github.com/account-operator/account-operator/internal/localenv"
)

// upstreamKeys lists each upstream's accounts by the key an Account makes
// unique: the CCM and SCP account name, the VectorCharts owner's username.
func upstreamKeys(ctx context.Context, env *localenv.Env) (map[string][]string, error) {
	out := map[string][]string{}
	var ccm []struct{ Name string }
	if err := env.AdminGet(ctx, "/ccm/accounts", &ccm); err != nil {
		return nil, err
	}
	for _, a := range ccm {
		out["ccm"] = append(out["ccm"], a.Name)
	}
	var scp []struct{ Name string }
	if err := env.AdminGet(ctx, "/scp/accounts", &scp); err != nil {
		return nil, err
	}
	for _, a := range scp {
		out["scp"] = append(out["scp"], a.Name)
	}
	var vc []struct{ Users []struct{ Username string } }
	if err := env.AdminGet(ctx, "/vectorcharts/accounts", &vc); err != nil {
		return nil, err
	}
	for _, a := range vc {
		key := ""
		if len(a.Users) > 0 {
			key = a.Users[0].Username
		}
		out["vectorcharts"] = append(out["vectorcharts"], key)
	}
	return out, nil
}

// upstreamDuplicates counts accounts beyond the first with the same key, and
// the accounts each upstream holds.
func upstreamDuplicates(ctx context.Context, env *localenv.Env) (int, map[string]int, error) {
	keys, err := upstreamKeys(ctx, env)
	if err != nil {
		return 0, nil, err
	}
	dups, counts := 0, map[string]int{}
	for u, l := range keys {
		counts[u] = len(l)
		seen := map[string]bool{}
		for _, k := range l {
			if seen[k] {
				dups++
			}
			seen[k] = true
		}
	}
	return dups, counts, nil
}
