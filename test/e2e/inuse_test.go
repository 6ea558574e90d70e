package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// accountIDs applies one Account per upstream kind in ns, waits Ready, and
// returns each one's upstream id by kind.
func accountIDs(t *testing.T, ctx context.Context, ns string, kinds ...string) map[string]string {
	t.Helper()
	var docs, objs []string
	for _, k := range kinds {
		docs = append(docs, accountYAML(t, k, ns, "team-"+k))
		objs = append(objs, "account/team-"+k)
	}
	apply(t, ctx, strings.Join(docs, "---\n"))
	waitReady(t, ctx, ns, readyWait, objs...)
	ids := map[string]string{}
	for _, k := range kinds {
		ids[k] = kubectl(t, ctx, "get", "account", "team-"+k, "-n", ns, "-o", "jsonpath={.status.accountID}")
	}
	return ids
}

// expectUpstreamGone waits until no upstream holds the accounts.
func expectUpstreamGone(t *testing.T, ctx context.Context, ids map[string]string) {
	t.Helper()
	for kind, id := range ids {
		eventually(t, ctx, time.Minute, func() string {
			if u, ok := byID(mustUpstream(t, ctx, kind), id); ok {
				return fmt.Sprintf("upstream %s account %s still there: %+v", kind, id, u)
			}
			return ""
		})
	}
}

// expectNone waits until kubectl get finds none of what args name in ns.
func expectNone(t *testing.T, ctx context.Context, ns string, args ...string) {
	t.Helper()
	get := append([]string{"get", "-n", ns, "-o", "name", "--ignore-not-found"}, args...)
	eventually(t, ctx, time.Minute, func() string {
		out, _, err := env.Kubectl(ctx, get...)
		if err != nil || strings.TrimSpace(out) != "" {
			return fmt.Sprintf("still there: %q (%v)", out, err)
		}
		return ""
	})
}

// TestProviderInUse: providers and their credentials Secrets deleted before
// their Accounts, in the order of helm uninstall, wait for them; the Accounts
// deleted later still delete their upstream accounts; then everything goes.
// The same when a namespace's contents are deleted at once (what the namespace
// controller, which the local control plane does not run, does).
func TestProviderInUse(t *testing.T) {
	ctx := setup(t, 4*time.Minute)
	const ns = "inuse"
	withProviders(t, ctx, ns)
	ids := accountIDs(t, ctx, ns, "ccm", "vectorcharts")

	rows := map[string]map[string]string{}
	for _, r := range table(kubectl(t, ctx, "get", "accountproviders", "-n", ns)) {
		rows[r["NAME"]] = r
	}
	for name, want := range map[string]string{"ccm": "1", "vectorcharts": "1", "scp": ""} {
		if got := rows[name]["ACCOUNTS"]; got != want {
			t.Fatalf("kubectl get accountproviders: %s has ACCOUNTS %q, want %q: %v", name, got, want, rows)
		}
	}

	// helm uninstall deletes Secrets and custom resources alike, without
	// waiting: the providers and Secrets must outlive the Accounts.
	kubectl(t, ctx, "delete", "-n", ns, "--wait=false", "accountprovider/ccm", "accountprovider/vectorcharts",
		"secret/ccm-admin", "secret/vectorcharts-admin")
	kubectl(t, ctx, "wait", "-n", ns, "--for=condition=Deleting", "--timeout=30s", "accountprovider/ccm", "accountprovider/vectorcharts")
	msg := kubectl(t, ctx, "get", "accountprovider", "ccm", "-n", ns,
		"-o", `jsonpath={.status.conditions[?(@.type=="Deleting")].reason}: {.status.conditions[?(@.type=="Deleting")].message}`)
	if !strings.HasPrefix(msg, "InUse: deletion waits for 1 Account(s)") {
		t.Fatalf("the Deleting condition of provider ccm: %q", msg)
	}
	if out := kubectl(t, ctx, "get", "secret", "ccm-admin", "-n", ns, "-o", "jsonpath={.metadata.finalizers}"); !strings.Contains(out, "accounts.operator.dev/in-use") {
		t.Fatalf("the credentials Secret is not held while its provider is in use: finalizers %s", out)
	}

	kubectl(t, ctx, "delete", "accounts", "--all", "-n", ns, "--timeout="+readyWait.String())
	expectUpstreamGone(t, ctx, ids)
	expectNone(t, ctx, ns, "accountprovider/ccm", "accountprovider/vectorcharts", "secret/ccm-admin", "secret/vectorcharts-admin")

	t.Run("namespace deletion", func(t *testing.T) {
		const ns = "inuse-ns"
		withProviders(t, ctx, ns)
		ids := accountIDs(t, ctx, ns, "ccm", "scp")
		kubectl(t, ctx, "delete", "namespace", ns, "--wait=false")
		// The namespace controller deletes every resource in the namespace at
		// once, in no order the Accounts can count on; here Secrets first.
		kubectl(t, ctx, "delete", "secrets,accountproviders,accounts", "--all", "-n", ns, "--wait=false")
		expectUpstreamGone(t, ctx, ids)
		expectNone(t, ctx, ns, "secrets,accountproviders,accounts")
	})
}

// TestDeletionProtection: with config/deletion-protection applied, kubectl
// delete of an Account with spec.deletionProtection: true fails with the way
// out, and its upstream account stays; set to false, the delete goes through.
func TestDeletionProtection(t *testing.T) {
	ctx := setup(t, 3*time.Minute)
	const ns = "protection"
	kubectl(t, ctx, "apply", "-k", filepath.Join("..", "..", "config", "deletion-protection"))
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _, _ = env.Kubectl(cctx, "delete", "-k", filepath.Join("..", "..", "config", "deletion-protection"))
	})
	withProviders(t, ctx, ns)
	ids := accountIDs(t, ctx, ns, "ccm")
	kubectl(t, ctx, "patch", "account", "team-ccm", "-n", ns, "--type=merge", "-p", `{"spec":{"deletionProtection":true}}`)

	const want = "spec.deletionProtection is true: set it to false to delete this Account"
	// The apiserver loads a new policy asynchronously; a server-side dry-run
	// goes through admission without deleting anything.
	eventually(t, ctx, 30*time.Second, func() string {
		_, stderr, err := env.Kubectl(ctx, "delete", "account", "team-ccm", "-n", ns, "--dry-run=server")
		if err != nil && strings.Contains(stderr, want) {
			return ""
		}
		return fmt.Sprintf("dry-run delete not refused yet: %v %s", err, stderr)
	})
	_, stderr, err := env.Kubectl(ctx, "delete", "account", "team-ccm", "-n", ns)
	if err == nil || !strings.Contains(stderr, "Account protection/team-ccm: "+want) {
		t.Fatalf("kubectl delete of a protected Account: err %v, stderr %s", err, stderr)
	}
	if _, ok := byID(mustUpstream(t, ctx, "ccm"), ids["ccm"]); !ok {
		t.Fatalf("upstream account %s gone although its Account is protected", ids["ccm"])
	}

	kubectl(t, ctx, "patch", "account", "team-ccm", "-n", ns, "--type=merge", "-p", `{"spec":{"deletionProtection":false}}`)
	kubectl(t, ctx, "delete", "account", "team-ccm", "-n", ns, "--timeout="+readyWait.String())
	expectUpstreamGone(t, ctx, ids)
}
