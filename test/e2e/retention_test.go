package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// retainedAccount is a VectorCharts Account whose upstream account and
// connection Secret outlive it (deletionPolicy Orphan retains the Secret by
// default); {{.ExternalID}} adopts an existing account.
const retainedAccount = `apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata:
  name: keeper
  namespace: %[1]s
spec:
  providerRef: {kind: AccountProvider, name: vectorcharts}
  deletionPolicy: Orphan
  externalID: "%[2]s"
  connectionSecret:
    keys: {token: VC_API_TOKEN}
  connectionConfigMap: {}
  vectorCharts:
    username: keeper@%[1]s.example.com
`

// TestConnectionSecretRetainedAfterDelete: `kubectl delete` of an Account with
// deletionPolicy Orphan leaves its upstream account and its connection Secret,
// annotated with the account it belongs to. The Secret never has an owner
// reference, so no garbage collector deletes it, whatever the deletion cascade
// (`--cascade=foreground` included). The local control plane runs no garbage
// collector (no kube-controller-manager; a foreground delete would wait for
// it forever on the foregroundDeletion finalizer), so that is checked as the
// property itself: no owner reference while the Account lives, nor after. Applying the
// Account again with spec.externalID takes the Secret back, with the same
// token under its renamed key.
func TestConnectionSecretRetainedAfterDelete(t *testing.T) {
	ctx := setup(t, 3*time.Minute)
	const ns = "retention"
	withProviders(t, ctx, ns)
	apply(t, ctx, fmt.Sprintf(retainedAccount, ns, ""))
	waitReady(t, ctx, ns, readyWait, "account/keeper")
	id := kubectl(t, ctx, "get", "account", "keeper", "-n", ns, "-o", "jsonpath={.status.accountID}")
	token := secretField(t, ctx, ns, "{.data.VC_API_TOKEN}")
	if id == "" || token == "" {
		t.Fatalf("account id %q, token present %v: want both", id, token != "")
	}
	cm := kubectl(t, ctx, "get", "configmap", "keeper-account", "-n", ns, "-o", "jsonpath={.data.accountID}")
	if cm != id {
		t.Fatalf("ConfigMap keeper-account has accountID %q, want %q", cm, id)
	}

	if owners := secretField(t, ctx, ns, "{.metadata.ownerReferences}"); owners != "" {
		t.Fatalf("Secret under Retain has owner references %s: a foreground deletion would delete it", owners)
	}

	kubectl(t, ctx, "delete", "account", "keeper", "-n", ns, "--timeout="+readyWait.String())
	if owners := secretField(t, ctx, ns, "{.metadata.ownerReferences}"); owners != "" {
		t.Fatalf("retained Secret still has owner references %s: the garbage collector would delete it", owners)
	}
	want := "vectorCharts/AccountProvider/vectorcharts/" + id
	if got := secretField(t, ctx, ns, `{.metadata.annotations.accounts\.operator\.dev/retained-from}`); got != want {
		t.Fatalf("retained-from annotation %q, want %q", got, want)
	}
	if _, ok := byID(mustUpstream(t, ctx, "vectorcharts"), id); !ok {
		t.Fatalf("upstream account %s is gone; deletionPolicy Orphan must leave it", id)
	}

	apply(t, ctx, fmt.Sprintf(retainedAccount, ns, id))
	waitReady(t, ctx, ns, readyWait, "account/keeper")
	eventually(t, ctx, 30*time.Second, func() string {
		account := secretField(t, ctx, ns, `{.metadata.annotations.accounts\.operator\.dev/account}`)
		owners := secretField(t, ctx, ns, "{.metadata.ownerReferences}")
		from := secretField(t, ctx, ns, `{.metadata.annotations.accounts\.operator\.dev/retained-from}`)
		if account != "keeper" || owners != "" || from != "" {
			return fmt.Sprintf("Secret of Account %q, owners %q, retained-from %q; want keeper's, no owner, no retained-from",
				account, owners, from)
		}
		return ""
	})
	if secretField(t, ctx, ns, "{.data.VC_API_TOKEN}") != token {
		t.Fatal("the token taken back differs from the retained one (reissued or lost)")
	}
	keys := strings.Fields(kubectl(t, ctx, "get", "secret", "keeper-account", "-n", ns,
		"-o", `go-template={{range $k, $v := .data}}{{$k}} {{end}}`))
	t.Logf("Secret keeper-account keys after take-back: %v", keys)
}

// secretField reads one jsonpath of the keeper-account Secret.
func secretField(t *testing.T, ctx context.Context, ns, path string) string {
	t.Helper()
	return kubectl(t, ctx, "get", "secret", "keeper-account", "-n", ns, "-o", "jsonpath="+path)
}
