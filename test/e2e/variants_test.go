package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// variantProfiles are sandboxes that answer, wherever the vendors' documents
// are silent, with the behaviour the default sandbox does not show. Each
// profile runs as its own sandbox process beside the environment's.
var variantProfiles = []struct {
	name  string
	flags []string
	// kept: the upstream keeps deleted accounts readable (VectorCharts
	// getAccount 200 after the delete job completed).
	kept bool
}{
	{"variants-a", []string{
		"-ccm-missing-account-status=403", "-ccm-select-no-content", "-ccm-select-path=accounts",
		"-ccm-expiry-millis", "-ccm-normalise=all", "-ccm-duplicate-name-status=409",
		"-scp-closed-accounts=suspended", "-scp-visibility-delay=2s", "-scp-assignment-delay=3s",
		"-scp-provisioning-state=PENDING", "-scp-duplicate-status=400",
		"-scp-throttle-every=7", "-scp-throttle-retry-after=0",
		"-vectorcharts-delete-job-type=ACCOUNT_CLEANUP", "-vectorcharts-repeat-delete=400",
		"-vectorcharts-delete-job-names=none",
	}, false},
	{"variants-b", []string{
		"-ccm-missing-account-status=404", "-ccm-select-path=both", "-ccm-normalise=urls,reorder",
		"-scp-closed-accounts=gone", "-scp-visibility-delay=3s", "-scp-provisioning-state=RUNNING",
		"-scp-throttle-every=5", "-scp-throttle-retry-after=1",
		"-vectorcharts-delete-job-type=PURGE", "-vectorcharts-repeat-delete=same",
		"-vectorcharts-delete-job-names=parameters", "-vectorcharts-deleted-accounts=readable",
	}, true},
}

// writeOps are the calls that change an upstream, per sandbox admin prefix.
var writeOps = map[string][]string{
	"ccm":          {"CreateAccount", "UpdateAccount", "DeleteAccount"},
	"scp":          {"CreateAccount", "MoveAccount", "DeleteAccount"},
	"vectorcharts": {"CreateAccount", "EditAccount", "DeleteAccount", "CreateApiToken"},
}

const variantAccounts = 2 // per upstream

// TestUndocumentedVariants runs the lifecycle a user runs, with kubectl only,
// against sandboxes that take every undocumented variant: every Account gets
// Ready with exactly one upstream account, polls and reconcile requests make
// no upstream write, and every deletion finishes with nothing left open
// upstream.
func TestUndocumentedVariants(t *testing.T) {
	for _, prof := range variantProfiles {
		t.Run(prof.name, func(t *testing.T) {
			ctx := setup(t, 6*time.Minute)
			sb, err := env.StartSandbox(ctx, prof.name, prof.flags)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sb.Stop() })
			ns := prof.name
			apply(t, ctx, localenv.ProvidersYAMLAt(ns, sb.URLs, ""))
			waitReady(t, ctx, ns, readyWait, "accountprovider/ccm", "accountprovider/scp", "accountprovider/vectorcharts")
			var yaml []string
			for _, kind := range localenv.Upstreams {
				for i := range variantAccounts {
					yaml = append(yaml, variantAccountYAML(t, kind, ns, fmt.Sprintf("%s-%d", kind, i)))
				}
			}
			apply(t, ctx, strings.Join(yaml, "---\n"))
			waitReady(t, ctx, ns, 3*time.Minute, "account", "--all")
			checkOneEach(t, ctx, sb)
			checkNoWriteOnPoll(t, ctx, sb, ns)
			kubectl(t, ctx, "delete", "accounts", "--all", "-n", ns, "--wait=true", "--timeout=3m")
			checkClosed(t, ctx, sb, prof.kept)
		})
	}
}

// variantAccountYAML is a user's Account; a CCM one also names an OAuth
// identity provider by URLs that a normalising CCM rewrites (upper-case host,
// default port), with its client secret in a Secret.
func variantAccountYAML(t *testing.T, kind, ns, name string) string {
	t.Helper()
	y := accountYAML(t, kind, ns, name)
	if kind != "ccm" {
		return y
	}
	oauth := `    - oauth:
        idpName: Okta
        idpIconURL: https://IDP.Example.com:443/icon.png
        authorizationEndpoint: https://IDP.Example.com:443/auth
        tokenEndpoint: https://idp.example.com/token
        clientID: ` + name + `
        clientSecretRef: {name: ` + name + `-oauth, key: clientSecret}
        tls: {mode: Required, validateHostname: true, caSet: GlobalRoots}
`
	y = strings.Replace(y, "    azureCVMPCRPriority:", oauth+"    azureCVMPCRPriority:", 1)
	return y + "---\napiVersion: v1\nkind: Secret\nmetadata: {name: " + name + "-oauth, namespace: " + ns + "}\n" +
		"stringData: {clientSecret: not-a-real-secret}\n"
}

// ours lists the upstream's accounts that Accounts of this test made: their
// names start with the upstream's name (the VectorCharts sandbox also holds
// its administrator's own account).
func ours(ctx context.Context, sb *localenv.Sandbox, kind string) ([]localenv.UpstreamAccount, error) {
	all, err := sb.UpstreamAccounts(ctx, kind)
	var out []localenv.UpstreamAccount
	for _, a := range all {
		if strings.HasPrefix(a.Name, kind+"-") {
			out = append(out, a)
		}
	}
	return out, err
}

// checkOneEach: every upstream holds exactly one account per Account.
func checkOneEach(t *testing.T, ctx context.Context, sb *localenv.Sandbox) {
	t.Helper()
	for _, kind := range localenv.Upstreams {
		accts, err := ours(ctx, sb, kind)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]int{}
		for _, a := range accts {
			keys[a.Key]++
		}
		if len(accts) != variantAccounts || len(keys) != variantAccounts {
			t.Errorf("%s: upstream holds %d accounts under %d keys, want %d: %+v", kind, len(accts), len(keys), variantAccounts, accts)
		}
	}
}

// checkNoWriteOnPoll asks every Account twice for a full check and waits for
// the reads: no upstream write may follow.
func checkNoWriteOnPoll(t *testing.T, ctx context.Context, sb *localenv.Sandbox, ns string) {
	t.Helper()
	before := writeCounts(t, ctx, sb)
	reads := callCount(t, ctx, sb, "ccm", "GetAccount")
	for i := range 2 {
		kubectl(t, ctx, "annotate", "accounts", "--all", "-n", ns, "--overwrite",
			fmt.Sprintf("accounts.operator.dev/reconcile-requested-at=variant-check-%d", i))
		eventually(t, ctx, time.Minute, func() string {
			if n := callCount(t, ctx, sb, "ccm", "GetAccount"); n < reads+variantAccounts*(i+1) {
				return fmt.Sprintf("CCM account reads %d, want at least %d", n, reads+variantAccounts*(i+1))
			}
			return ""
		})
	}
	time.Sleep(2 * time.Second) // let the other upstreams' passes finish too
	if after := writeCounts(t, ctx, sb); after != before {
		t.Errorf("upstream writes changed on full checks of an unchanged spec: %s -> %s", before, after)
	}
}

// checkClosed: after deletion nothing is left that is not closed: CCM and
// VectorCharts hold no account; SCP holds none, or only SUSPENDED ones where
// closed accounts stay listed; VectorCharts only accounts whose delete job
// completed where the portal keeps them readable (kept), each sent one
// deleteAccount.
func checkClosed(t *testing.T, ctx context.Context, sb *localenv.Sandbox, kept bool) {
	t.Helper()
	eventually(t, ctx, time.Minute, func() string {
		for _, kind := range localenv.Upstreams {
			accts, err := ours(ctx, sb, kind)
			if err != nil {
				return err.Error()
			}
			for _, a := range accts {
				if (kind != "scp" || a.State != "SUSPENDED") && (kind != "vectorcharts" || !kept) {
					return fmt.Sprintf("%s account %s (%s) left in state %q", kind, a.ID, a.Key, a.State)
				}
			}
		}
		return ""
	})
	counts := map[string]map[string]int{}
	for _, up := range localenv.Upstreams {
		counts[up] = calls(t, ctx, sb, up)
	}
	// Count the closes SCP accepted: a DELETE the throttling variant answered
	// 429 was not a close, and its retry is not a second one.
	var codes map[string]map[string]int
	if err := sb.AdminGet(ctx, "/scp/codes", &codes); err != nil {
		t.Fatal(err)
	}
	for code, n := range codes["DeleteAccount"] {
		if code != "204" && code != "429" {
			t.Errorf("SCP answered %d DELETEs with %s: a closing or closed account was closed again", n, code)
		}
	}
	if n := codes["DeleteAccount"]["204"]; n != variantAccounts {
		t.Errorf("SCP accepted %d closes for %d accounts: a closing or closed account was closed again", n, variantAccounts)
	}
	if n := counts["vectorcharts"]["DeleteAccount"]; kept && n != variantAccounts {
		t.Errorf("VectorCharts deleteAccount calls: %d for %d accounts kept readable, want one each", n, variantAccounts)
	}
	if n := counts["ccm"]["CreateAccount"] + counts["vectorcharts"]["CreateAccount"]; n != 2*variantAccounts {
		t.Errorf("CCM and VectorCharts creates: %d, want %d", n, 2*variantAccounts)
	}
}

func calls(t *testing.T, ctx context.Context, sb *localenv.Sandbox, upstream string) map[string]int {
	t.Helper()
	var m map[string]int
	if err := sb.AdminGet(ctx, "/"+upstream+"/calls", &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func callCount(t *testing.T, ctx context.Context, sb *localenv.Sandbox, upstream, op string) int {
	t.Helper()
	return calls(t, ctx, sb, upstream)[op]
}

// writeCounts is every write call count, as one comparable string.
func writeCounts(t *testing.T, ctx context.Context, sb *localenv.Sandbox) string {
	t.Helper()
	var b strings.Builder
	for _, up := range localenv.Upstreams {
		m := calls(t, ctx, sb, up)
		for _, op := range writeOps[up] {
			fmt.Fprintf(&b, "%s.%s=%d ", up, op, m[op])
		}
	}
	return strings.TrimSpace(b.String())
}
