package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// crashAccounts are the Accounts created while the manager is killed: ten,
// spread over the three upstreams.
var crashAccounts = map[string][]string{
	"ccm":          {"crash-ccm-0", "crash-ccm-1", "crash-ccm-2", "crash-ccm-3"},
	"scp":          {"crash-scp-0", "crash-scp-1", "crash-scp-2"},
	"vectorcharts": {"crash-charts-0", "crash-charts-1", "crash-charts-2"},
}

// TestManagerKilledMidCreate: SIGKILL the manager while ten Accounts are
// being created, start it again, and every Account becomes Ready with
// exactly one upstream account each: no create is lost or repeated.
//
// The doomed manager runs with a tiny Kubernetes API rate, so its status
// writes queue up behind the upstream creates: the kill then lands where it
// hurts, after an upstream create and before its id is recorded.
func TestManagerKilledMidCreate(t *testing.T) {
	ctx := setup(t, 3*time.Minute)
	const ns = "crash"
	withProviders(t, ctx, ns)
	if err := env.KillManager(); err != nil {
		t.Fatal(err)
	}
	if err := env.StartManager(ctx, "--kube-api-qps=2", "--kube-api-burst=2"); err != nil {
		t.Fatal(err)
	}
	var docs []string
	for kind, names := range crashAccounts {
		for _, n := range names {
			docs = append(docs, accountYAML(t, kind, ns, n))
		}
	}
	apply(t, ctx, strings.Join(docs, "---\n"))
	eventually(t, ctx, time.Minute, func() string {
		if n := countCreated(t, ctx); n < 3 {
			return fmt.Sprintf("%d upstream accounts created, waiting for 3", n)
		}
		return ""
	})
	if err := env.KillManager(); err != nil {
		t.Fatal(err)
	}
	t.Logf("manager SIGKILLed with %d of 10 upstream accounts created, %d recorded in status",
		countCreated(t, ctx), len(recordedIDs(t, ctx, ns)))

	if err := env.StartManager(ctx); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx, ns, readyWait, "account", "--all")
	checkOneUpstreamEach(t, ctx, ns)
}

// recordedIDs maps each Account in ns to its status.accountID, if any.
func recordedIDs(t *testing.T, ctx context.Context, ns string) map[string]string {
	t.Helper()
	out := kubectl(t, ctx, "get", "accounts", "-n", ns, "-o",
		`jsonpath={range .items[*]}{.metadata.name}={.status.accountID}{"\n"}{end}`)
	ids := map[string]string{}
	for _, l := range strings.Fields(out) {
		if name, id, _ := strings.Cut(l, "="); id != "" {
			ids[name] = id
		}
	}
	return ids
}

// countCreated counts the crash Accounts' upstream accounts.
func countCreated(t *testing.T, ctx context.Context) int {
	t.Helper()
	n := 0
	for kind := range crashAccounts {
		for _, u := range mustUpstream(t, ctx, kind) {
			if strings.HasPrefix(u.Key, "crash-") {
				n++
			}
		}
	}
	return n
}

// checkOneUpstreamEach checks that each Account has exactly one upstream
// account by name, and that it is the one the Account's status names.
func checkOneUpstreamEach(t *testing.T, ctx context.Context, ns string) {
	t.Helper()
	ids := recordedIDs(t, ctx, ns)
	for kind, names := range crashAccounts {
		upstream := mustUpstream(t, ctx, kind)
		for _, name := range names {
			var matches []upstreamAccount
			for _, u := range upstream {
				// The unique key: the name for CCM and SCP, the user's email
				// (name@namespace...) for VectorCharts; the name counts too.
				if u.Name == name || strings.HasPrefix(u.Key, name+"@") {
					matches = append(matches, u)
				}
			}
			if len(matches) != 1 {
				t.Errorf("%s: %d upstream %s accounts, want exactly 1: %+v", name, len(matches), kind, matches)
				continue
			}
			if matches[0].ID != ids[name] {
				t.Errorf("%s: status.accountID %q, but the upstream account is %q", name, ids[name], matches[0].ID)
			}
		}
	}
	if t.Failed() {
		t.Logf("status.accountID by Account: %v", ids)
	}
}
