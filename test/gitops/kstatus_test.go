package gitops

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// kstatusWant is what Flux (kstatus) makes of an object: a status, and a
// substring its message must contain.
type kstatusWant struct {
	status  status.Status
	message string
}

func TestKstatusAccount(t *testing.T) {
	want := map[string]kstatusWant{
		// No observedGeneration and no conditions: kstatus cannot tell that the
		// operator has not run yet (see the README's Flux notes).
		"new":          {status.CurrentStatus, "Resource is current"},
		"provisioning": {status.InProgressStatus, msgProvisioning},
		"ready":        {status.CurrentStatus, "Resource is Ready"},
		"stalled":      {status.FailedStatus, msgAlreadyTaken},
		"paused new":   {status.InProgressStatus, msgPaused},
		"paused ready": {status.CurrentStatus, "Resource is Ready"},
		"error new":    {status.InProgressStatus, msgUnreachable},
		"error ready":  {status.InProgressStatus, msgUnreachable},
		"stale":        {status.InProgressStatus, "generation is 2, but latest observed generation is 1"},
		"unsynced":     {status.CurrentStatus, "Resource is Ready"},
	}
	states := accountStates()
	if len(states) != len(want) {
		t.Fatalf("%d states, %d expectations", len(states), len(want))
	}
	for name, a := range states {
		t.Run(name, func(t *testing.T) {
			checkKstatus(t, a, want[name])
		})
	}
}

func TestKstatusProvider(t *testing.T) {
	ready, failed := providerStatus(true, 1), providerStatus(false, 1)
	cases := []struct {
		name   string
		status *v1alpha1.AccountProviderStatus
		gen    int64
		want   kstatusWant
	}{
		{"ready", &ready, 1, kstatusWant{status.CurrentStatus, "Resource is Ready"}},
		// Providers have no Stalled condition: kstatus waits on them until the
		// Flux timeout.
		{"not ready", &failed, 1, kstatusWant{status.InProgressStatus, msgUnauthorized}},
		{"stale", &ready, 2, kstatusWant{status.InProgressStatus, "generation is 2, but latest observed generation is 1"}},
	}
	for _, c := range cases {
		for _, p := range providers(c.status, c.gen) {
			t.Run(fmt.Sprintf("%T/%s", p, c.name), func(t *testing.T) { checkKstatus(t, p, c.want) })
		}
	}
}

func checkKstatus(t *testing.T, obj any, want kstatusWant) {
	t.Helper()
	res, err := status.Compute(unstructuredOf(t, obj))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != want.status || !strings.Contains(res.Message, want.message) {
		t.Errorf("kstatus = %s %q, want %s containing %q", res.Status, res.Message, want.status, want.message)
	}
}
