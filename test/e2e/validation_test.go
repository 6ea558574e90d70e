package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestInvalidAccountRejected: a priority list that is not a permutation of
// 0..22 is refused by kubectl apply with the CEL message naming the field,
// and nothing is stored.
func TestInvalidAccountRejected(t *testing.T) {
	ctx := setup(t, time.Minute)
	const ns = "invalid"
	kubectl(t, ctx, "create", "namespace", ns)
	// 0 twice and no 1: 23 entries, so only the permutation rule can object.
	bad := strings.Replace(validPCR, "0, 1,", "0, 0,", 1)
	_, stderr, err := env.KubectlIn(ctx, accountYAMLWithPCR(t, "ccm", ns, "bad-pcr", bad), "apply", "-f", "-")
	if err == nil {
		t.Fatal("kubectl apply accepted an azureCVMPCRPriority that is not a permutation")
	}
	for _, want := range []string{"spec.ccm.azureCVMPCRPriority", "must be a permutation of 0..22"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("kubectl apply stderr lacks %q:\n%s", want, stderr)
		}
	}
	if out, _, err := env.Kubectl(ctx, "get", "account", "bad-pcr", "-n", ns, "--ignore-not-found"); err != nil || strings.TrimSpace(out) != "" {
		t.Fatalf("the rejected Account was stored: %q (%v)", out, err)
	}
}
