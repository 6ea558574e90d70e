package gitops

import (
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func TestArgoCDAccountHealth(t *testing.T) {
	script := readScripts(t).health
	want := map[string]health{
		"new":          {"Progressing", "waiting for the operator"},
		"provisioning": {"Progressing", msgProvisioning},
		"ready":        {"Healthy", msgReady},
		"stalled":      {"Degraded", msgAlreadyTaken},
		"paused new":   {"Suspended", msgPaused},
		// Pausing keeps Ready=True; Suspended still shows drift is not corrected.
		"paused ready": {"Suspended", msgPaused},
		"error new":    {"Progressing", msgUnreachable},
		// A transient error says nothing new about a Ready account.
		"error ready": {"Healthy", msgReady},
		"stale":       {"Progressing", "waiting for the operator"},
		// Usable; Synced=False tells that a field did not take upstream.
		"unsynced": {"Healthy", msgReady},
	}
	states := accountStates()
	if len(states) != len(want) {
		t.Fatalf("%d states, %d expectations", len(states), len(want))
	}
	for name, a := range states {
		t.Run(name, func(t *testing.T) {
			got, err := runHealth(script, unstructuredOf(t, a))
			if err != nil {
				t.Fatal(err)
			}
			if got != want[name] {
				t.Errorf("health = %+v, want %+v", got, want[name])
			}
		})
	}
}

func TestArgoCDProviderHealth(t *testing.T) {
	script := readScripts(t).health
	ready, failed := providerStatus(true, 1), providerStatus(false, 1)
	cases := []struct {
		name   string
		status *v1alpha1.AccountProviderStatus
		gen    int64
		want   health
	}{
		{"new", nil, 1, health{"Progressing", "waiting for the operator"}},
		{"ready", &ready, 1, health{"Healthy", msgVerified}},
		{"not ready", &failed, 1, health{"Degraded", msgUnauthorized}},
		{"stale", &ready, 2, health{"Progressing", "waiting for the operator"}},
	}
	for _, c := range cases {
		for _, p := range providers(c.status, c.gen) {
			u := unstructuredOf(t, p)
			t.Run(u.GetKind()+"/"+c.name, func(t *testing.T) {
				got, err := runHealth(script, u)
				if err != nil {
					t.Fatal(err)
				}
				if got != c.want {
					t.Errorf("health = %+v, want %+v", got, c.want)
				}
			})
		}
	}
}
