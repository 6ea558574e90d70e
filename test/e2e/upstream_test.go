package e2e

import (
	"context"
	"testing"

	"github.com/account-operator/account-operator/internal/localenv"
)

// upstreamAccount is an account as the sandbox holds it.
type upstreamAccount = localenv.UpstreamAccount

// upstreamAccounts lists the accounts of one upstream ("ccm", "scp",
// "vectorcharts"), including ones still being deleted.
func upstreamAccounts(ctx context.Context, kind string) ([]upstreamAccount, error) {
	return env.UpstreamAccounts(ctx, kind)
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
