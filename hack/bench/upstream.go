package main

import (
	"context"

	"github.com/account-operator/account-operator/internal/localenv"
)

// upstreamDuplicates counts accounts beyond the first with the same key, and
// the accounts each upstream holds.
func upstreamDuplicates(ctx context.Context, env *localenv.Env) (int, map[string]int, error) {
	dups, counts := 0, map[string]int{}
	for _, u := range localenv.Upstreams {
		l, err := env.UpstreamAccounts(ctx, u)
		if err != nil {
			return 0, nil, err
		}
		counts[u] = len(l)
		seen := map[string]bool{}
		for _, a := range l {
			if seen[a.Key] {
				dups++
			}
			seen[a.Key] = true
		}
	}
	return dups, counts, nil
}
