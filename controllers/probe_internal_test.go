package controllers

import (
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

func TestProbeStatus(t *testing.T) {
	st := probeStatus([]adapter.ProbeCheck{
		{Name: "Authenticate", OK: true},
		{Name: "ListJobs", OK: true, Detail: "jobs[0].logs[0].timestamp: string, expected number"},
		{Name: "GetAccount", Detail: "HTTP 403"},
	})
	want := []string{v1alpha1.ProbeOK, v1alpha1.ProbeDiffers, v1alpha1.ProbeFailed}
	if st.Passed || len(st.Checks) != 3 {
		t.Fatalf("status %+v: want 3 checks, not passed", st)
	}
	for i, c := range st.Checks {
		if c.Result != want[i] {
			t.Errorf("check %s: result %s, want %s", c.Name, c.Result, want[i])
		}
	}
	if !probeStatus([]adapter.ProbeCheck{{Name: "A", OK: true, Detail: "x: unknown field"}}).Passed {
		t.Error("a usable answer with differences must still pass")
	}
	if probeStatus(nil).Passed {
		t.Error("a probe with no checks must not pass")
	}
}

func TestProbeStatusBounded(t *testing.T) {
	var checks []adapter.ProbeCheck
	for range 40 {
		checks = append(checks, adapter.ProbeCheck{Name: strings.Repeat("n", 100), Detail: strings.Repeat("é", 2000)})
	}
	st := probeStatus(checks)
	if len(st.Checks) != maxProbeChecks {
		t.Fatalf("%d checks, want %d", len(st.Checks), maxProbeChecks)
	}
	for _, c := range st.Checks {
		if len(c.Name) > 64 || len(c.Message) > maxProbeMessage || !strings.HasSuffix(c.Message, "…") {
			t.Fatalf("check not bounded: name %d bytes, message %d bytes", len(c.Name), len(c.Message))
		}
	}
}
