package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// readyWait is the --timeout of every kubectl wait: creates against the
// sandbox take about a second, SCP registration one more.
const readyWait = 90 * time.Second

// lifecycleCase is one upstream in the lifecycle test.
type lifecycleCase struct {
	kind, name string
	// patch is a merge patch of one mutable field; changed says whether the
	// upstream account shows it.
	patch   string
	changed func(upstreamAccount) bool
}

var lifecycleCases = []lifecycleCase{
	{"ccm", "team-ccm", `{"spec":{"displayName":"team-ccm-renamed"}}`,
		func(u upstreamAccount) bool { return u.Name == "team-ccm-renamed" }},
	{"scp", "team-scp", `{"spec":{"scp":{"parentUnitID":"ou-two"}}}`,
		func(u upstreamAccount) bool { return u.Parent == "ou-two" }},
	{"vectorcharts", "team-charts", `{"spec":{"displayName":"team-charts-renamed"}}`,
		func(u upstreamAccount) bool { return u.Name == "team-charts-renamed" }},
}

// TestAccountLifecycle: apply providers and one Account per upstream, wait
// Ready, read them with kubectl get, then per upstream patch a field (seen
// upstream) and delete the Account (gone upstream).
func TestAccountLifecycle(t *testing.T) {
	ctx := setup(t, 3*time.Minute)
	const ns = "lifecycle"
	withProviders(t, ctx, ns)
	var docs []string
	var objs []string
	for _, c := range lifecycleCases {
		docs = append(docs, accountYAML(t, c.kind, ns, c.name))
		objs = append(objs, "account/"+c.name)
	}
	apply(t, ctx, strings.Join(docs, "---\n"))
	waitReady(t, ctx, ns, readyWait, objs...)

	rows := checkPrinterColumns(t, ctx, ns)
	for _, c := range lifecycleCases {
		id := rows[c.name]["ACCOUNT-ID"]
		if u, ok := byID(mustUpstream(t, ctx, c.kind), id); !ok || u.Key == "" {
			t.Fatalf("%s: account %q of kubectl get is not in the %s sandbox", c.name, id, c.kind)
		}
		checkSecretKeys(t, ctx, ns, c.name+"-account", "accountID")
	}
	for _, c := range lifecycleCases {
		t.Run(c.kind, func(t *testing.T) {
			t.Parallel()
			patchAndDelete(t, ctx, ns, c, rows[c.name]["ACCOUNT-ID"])
		})
	}
}

// checkPrinterColumns reads `kubectl get accounts` as a person would and
// returns its rows by name.
func checkPrinterColumns(t *testing.T, ctx context.Context, ns string) map[string]map[string]string {
	t.Helper()
	out := kubectl(t, ctx, "get", "accounts", "-n", ns)
	header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	want := []string{"NAME", "PROVIDER", "ACCOUNT-ID", "STATE", "READY"}
	if len(header) < len(want) || !slices.Equal(header[:len(want)], want) {
		t.Fatalf("kubectl get accounts columns %v, want %v first:\n%s", header, want, out)
	}
	rows := map[string]map[string]string{}
	for _, r := range table(out) {
		rows[r["NAME"]] = r
	}
	for _, c := range lifecycleCases {
		r := rows[c.name]
		if r == nil || r["PROVIDER"] != c.kind || r["ACCOUNT-ID"] == "" || r["STATE"] == "" || r["READY"] != "True" {
			t.Fatalf("row for %s: %v; want provider %s, an account id, a state and READY True:\n%s", c.name, r, c.kind, out)
		}
	}
	t.Logf("kubectl get accounts -n %s:\n%s", ns, out)
	return rows
}

// checkSecretKeys reads the connection Secret's keys (never its values).
func checkSecretKeys(t *testing.T, ctx context.Context, ns, secret string, want ...string) {
	t.Helper()
	out := kubectl(t, ctx, "get", "secret", secret, "-n", ns,
		"-o", `go-template={{range $k, $v := .data}}{{$k}}{{"\n"}}{{end}}`)
	keys := strings.Fields(out)
	for _, k := range want {
		if !slices.Contains(keys, k) {
			t.Fatalf("Secret %s/%s has keys %v, want %q among them", ns, secret, keys, k)
		}
	}
}

func patchAndDelete(t *testing.T, ctx context.Context, ns string, c lifecycleCase, id string) {
	t.Helper()
	kubectl(t, ctx, "patch", "account", c.name, "-n", ns, "--type=merge", "-p", c.patch)
	eventually(t, ctx, time.Minute, func() string {
		u, ok := byID(mustUpstream(t, ctx, c.kind), id)
		if ok && c.changed(u) {
			return ""
		}
		return fmt.Sprintf("upstream %s account %s is %+v (present %v), want the patch %s applied", c.kind, id, u, ok, c.patch)
	})
	waitReady(t, ctx, ns, readyWait, "account/"+c.name)

	// kubectl delete waits for the finalizer, which stays until the upstream
	// delete (asynchronous for SCP and VectorCharts) has finished.
	kubectl(t, ctx, "delete", "account", c.name, "-n", ns, "--timeout="+readyWait.String())
	eventually(t, ctx, 30*time.Second, func() string {
		if u, ok := byID(mustUpstream(t, ctx, c.kind), id); ok {
			return fmt.Sprintf("upstream %s account %s still there after kubectl delete: %+v", c.kind, id, u)
		}
		return ""
	})
}
