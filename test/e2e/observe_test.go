package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"text/template"
	"time"
)

// observedTmpl is an observe-only Account per upstream, as a team importing
// an existing account writes it: its id in spec.externalID, a spec that
// differs from the account in one field, and the default deletionPolicy
// (Delete), which observe-only overrides.
var observedTmpl = map[string]*template.Template{
	"ccm": template.Must(template.New("ccm").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: {{.Name}}, namespace: {{.NS}}}
spec:
  providerRef: {kind: AccountProvider, name: ccm}
  managementPolicy: ObserveOnly
  externalID: "{{.ID}}"
  displayName: imported-elsewhere
  ccm: {}
`)),
	"scp": template.Must(template.New("scp").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: {{.Name}}, namespace: {{.NS}}}
spec:
  providerRef: {kind: AccountProvider, name: scp}
  managementPolicy: ObserveOnly
  externalID: "{{.ID}}"
  scp: {landingZoneID: lz-e2e, parentUnitID: ou-two, email: {{.Made}}@{{.NS}}.example.com}
`)),
	"vectorcharts": template.Must(template.New("vectorcharts").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: {{.Name}}, namespace: {{.NS}}}
spec:
  providerRef: {kind: AccountProvider, name: vectorcharts}
  managementPolicy: ObserveOnly
  externalID: "{{.ID}}"
  displayName: imported-elsewhere
  vectorCharts: {username: {{.Made}}@{{.NS}}.example.com}
`)),
}

// observeDrift is the field each observed Account's spec differs in.
var observeDrift = map[string]string{"ccm": "spec.displayName", "scp": "spec.scp.parentUnitID",
	"vectorcharts": "spec.displayName"}

// TestObserveOnlyImport: per upstream, an account made outside GitOps (by a
// Full Account deleted with deletionPolicy Orphan) is imported with
// managementPolicy ObserveOnly: kubectl wait sees it Ready with the drift
// reported as Synced=False ObservedDrift, a requested check is waited for
// with kubectl wait on status.lastHandledReconcileAt, and kubectl delete
// leaves the upstream account as it was, with zero upstream writes to it over
// the observed Account's whole life.
func TestObserveOnlyImport(t *testing.T) {
	ctx := setup(t, 4*time.Minute)
	const ns = "observe"
	withProviders(t, ctx, ns)
	for _, kind := range []string{"ccm", "scp", "vectorcharts"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			observeOneUpstream(t, ctx, ns, kind)
		})
	}
}

func observeOneUpstream(t *testing.T, ctx context.Context, ns, kind string) {
	t.Helper()
	made, name := "made-"+kind, "observed-"+kind
	id := handMadeAccount(t, ctx, ns, kind, made)
	before, _ := byID(mustUpstream(t, ctx, kind), id)
	writes := upstreamWrites(t, ctx, kind, id)

	apply(t, ctx, render(t, observedTmpl[kind], map[string]string{"NS": ns, "Name": name, "ID": id, "Made": made}))
	waitReady(t, ctx, ns, readyWait, "account/"+name)
	waitJSONPath(t, ctx, ns, "account/"+name, `{.status.conditions[?(@.type=="Synced")].reason}`, "ObservedDrift")
	msg := kubectl(t, ctx, "get", "account", name, "-n", ns, "-o",
		`jsonpath={.status.conditions[?(@.type=="Synced")].message}`)
	if !strings.Contains(msg, observeDrift[kind]) {
		t.Errorf("Synced message %q does not name %s", msg, observeDrift[kind])
	}
	checkSecretKeys(t, ctx, ns, name+"-account", "accountID")
	if kind == "vectorcharts" {
		keys := kubectl(t, ctx, "get", "secret", name+"-account", "-n", ns, "-o", `jsonpath={.data.token}`)
		if keys != "" {
			t.Error("an observed VectorCharts account got a token")
		}
	}

	requestCheck(t, ctx, ns, name, "e2e-check-1")

	kubectl(t, ctx, "delete", "account", name, "-n", ns, "--timeout="+readyWait.String())
	after, ok := byID(mustUpstream(t, ctx, kind), id)
	if !ok || after != before {
		t.Fatalf("upstream %s account %s after kubectl delete: %+v (present %v), want it as it was: %+v", kind, id, after, ok, before)
	}
	if n := upstreamWrites(t, ctx, kind, id) - writes; n != 0 {
		t.Fatalf("%d upstream write calls to the observed %s account %s, want 0", n, kind, id)
	}
}

// handMadeAccount makes an upstream account with no Account managing it: a
// Full Account creates it, then kubectl delete with deletionPolicy Orphan
// leaves it. It returns the account's id.
func handMadeAccount(t *testing.T, ctx context.Context, ns, kind, name string) string {
	t.Helper()
	apply(t, ctx, accountYAML(t, kind, ns, name))
	waitReady(t, ctx, ns, readyWait, "account/"+name)
	id := kubectl(t, ctx, "get", "account", name, "-n", ns, "-o", "jsonpath={.status.accountID}")
	kubectl(t, ctx, "patch", "account", name, "-n", ns, "--type=merge", "-p", `{"spec":{"deletionPolicy":"Orphan"}}`)
	kubectl(t, ctx, "delete", "account", name, "-n", ns, "--timeout="+readyWait.String())
	if _, ok := byID(mustUpstream(t, ctx, kind), id); id == "" || !ok {
		t.Fatalf("the orphaned %s account %q is not upstream", kind, id)
	}
	return id
}

// requestCheck sets reconcile-requested-at and waits, with kubectl wait, for
// the status to echo it.
func requestCheck(t *testing.T, ctx context.Context, ns, name, value string) {
	t.Helper()
	kubectl(t, ctx, "annotate", "account", name, "-n", ns, "--overwrite",
		"accounts.operator.dev/reconcile-requested-at="+value)
	waitJSONPath(t, ctx, ns, "account/"+name, "{.status.lastHandledReconcileAt}", value)
}

// waitJSONPath runs `kubectl wait --for=jsonpath=...=value`.
func waitJSONPath(t *testing.T, ctx context.Context, ns, obj, path, value string) {
	t.Helper()
	if _, _, err := env.Kubectl(ctx, "wait", "-n", ns, obj, "--timeout="+readyWait.String(),
		fmt.Sprintf("--for=jsonpath=%s=%s", path, value)); err != nil {
		out, _, _ := env.Kubectl(ctx, "get", "-n", ns, obj, "-o", "yaml")
		t.Fatalf("%v\n%s now:\n%s", err, obj, out)
	}
}

func upstreamWrites(t *testing.T, ctx context.Context, kind, id string) int {
	t.Helper()
	w, err := env.UpstreamWrites(ctx, kind)
	if err != nil {
		t.Fatal(err)
	}
	return w[id]
}

// TestObserveOnlyNeedsExternalID: kubectl apply of an observe-only Account
// without spec.externalID is refused with a message naming the field.
func TestObserveOnlyNeedsExternalID(t *testing.T) {
	ctx := setup(t, time.Minute)
	const ns = "observe-invalid"
	kubectl(t, ctx, "create", "namespace", ns)
	yaml := strings.Replace(accountYAML(t, "ccm", ns, "no-id"), "spec:\n", "spec:\n  managementPolicy: ObserveOnly\n", 1)
	_, stderr, err := env.KubectlIn(ctx, yaml, "apply", "-f", "-")
	if err == nil {
		t.Fatal("kubectl apply accepted an ObserveOnly Account without spec.externalID")
	}
	if want := "spec.externalID: Required value: spec.externalID is required when spec.managementPolicy is ObserveOnly"; !strings.Contains(stderr, want) {
		t.Errorf("kubectl apply stderr lacks %q:\n%s", want, stderr)
	}
}

// TestPerAccountPolling: a Full Account with the poll-interval annotation
// reports it in force; an unparsable value is reported on the
// PollIntervalAccepted condition without making the Account unready; and a
// requested check is waited for with kubectl wait on
// status.lastHandledReconcileAt.
func TestPerAccountPolling(t *testing.T) {
	ctx := setup(t, 2*time.Minute)
	const ns, name = "polling", "polled"
	withProviders(t, ctx, ns)
	apply(t, ctx, strings.Replace(accountYAML(t, "ccm", ns, name), "metadata:\n",
		"metadata:\n  annotations: {accounts.operator.dev/poll-interval: 2h}\n", 1))
	waitReady(t, ctx, ns, readyWait, "account/"+name)
	cond := `{.status.conditions[?(@.type=="PollIntervalAccepted")].reason}`
	waitJSONPath(t, ctx, ns, "account/"+name, cond, "PollIntervalSet")

	requestCheck(t, ctx, ns, name, "first")
	requestCheck(t, ctx, ns, name, "second")

	kubectl(t, ctx, "annotate", "account", name, "-n", ns, "--overwrite", "accounts.operator.dev/poll-interval=often")
	waitJSONPath(t, ctx, ns, "account/"+name, cond, "InvalidPollInterval")
	msg := kubectl(t, ctx, "get", "account", name, "-n", ns, "-o",
		`jsonpath={.status.conditions[?(@.type=="PollIntervalAccepted")].message}`)
	if !strings.Contains(msg, "accounts.operator.dev/poll-interval") || !strings.Contains(msg, "provider's poll interval") {
		t.Errorf("PollIntervalAccepted message %q does not name the annotation and the fallback", msg)
	}
	waitReady(t, ctx, ns, readyWait, "account/"+name)
	kubectl(t, ctx, "delete", "account", name, "-n", ns, "--timeout="+readyWait.String())
}
