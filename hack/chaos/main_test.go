package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestChaosShort is the short variant of make chaos, run by make test-e2e:
// 10 Accounts per upstream through each scenario (a few manager kills, the
// fault storm, a 5 s kube-apiserver outage, 3 rounds of token rotation under
// kills and under the storm, the leader of two replicas killed with a 6 s
// lease). Every must-be-zero figure must be zero, every
// scenario must converge and delete, each disruption must really have
// happened, and no process may outlive the run.
func TestChaosShort(t *testing.T) {
	if os.Getenv("E2E") == "" {
		t.Skip("end-to-end test: set E2E=1 and KUBEBUILDER_ASSETS=$(hack/toolchain.sh) (make test-e2e)")
	}
	state := filepath.Join(t.TempDir(), "state")
	out := filepath.Join(t.TempDir(), "results.json")
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	var stdout bytes.Buffer
	err := run(ctx, []string{"-n=10", "-kill-interval=1s-3s", "-apiserver-down=5s", "-phase-timeout=5m", "-rotate-rounds=3",
		"-lease-duration=6s", "-renew-deadline=4s", "-retry-period=1s",
		"-timeout=24m", "-state-dir=" + state, "-out=" + out}, &stdout)
	t.Logf("output:\n%s", stdout.String())
	if err != nil {
		t.Fatalf("run: %v (logs in %s)", err, filepath.Join(state, "logs"))
	}
	if procs := mentioning(state); len(procs) > 0 {
		t.Errorf("processes still running from the state dir: %v", procs)
	}
	rep := readReport(t, out)
	if len(rep.Scenarios) != len(scenarioNames) || !rep.Pass {
		t.Fatalf("report: %d scenarios, pass %v; want %d and true", len(rep.Scenarios), rep.Pass, len(scenarioNames))
	}
	for _, r := range rep.Scenarios {
		checkResult(t, r)
	}
}

func readReport(t *testing.T, path string) report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// checkResult checks the figures themselves, not only the verdict.
func checkResult(t *testing.T, r *Result) {
	t.Helper()
	if !r.Converged || !r.Deleted || r.Accounts != 10*len(scenarioUpstreams(r.Scenario)) {
		t.Errorf("%s: converged %v, deleted %v, %d Accounts", r.Scenario, r.Converged, r.Deleted, r.Accounts)
	}
	for what, n := range map[string]int{"duplicates": r.Duplicates, "unmatched": r.Unmatched, "strays": r.Strays,
		"bad Secrets": r.BadSecrets, "left after delete": r.LeftAfterDelete} {
		if n != 0 {
			t.Errorf("%s: %s = %d, want 0 (%v)", r.Scenario, what, n, r.Details)
		}
	}
	checkRotationResult(t, r)
	switch disruptionOf(r.Scenario) {
	case "crash":
		if r.ManagerKills == 0 || r.ManagerExits != 0 {
			t.Errorf("crash: %d kills and %d exits of its own, want at least 1 and 0", r.ManagerKills, r.ManagerExits)
		}
	case "storm":
		for _, u := range scenarioUpstreams(r.Scenario) {
			s := r.Upstreams[u]
			if s == nil {
				t.Errorf("%s: no counters of %s", r.Scenario, u)
				continue
			}
			if s.Answered5xx == 0 || s.RateBound != 40 || s.PeakRequestsPerSecond > s.RateBound {
				t.Errorf("%s: %s answered %d 5xx, peak %d/s, bound %d; want faults and peak <= bound 40",
					r.Scenario, u, s.Answered5xx, s.PeakRequestsPerSecond, s.RateBound)
			}
		}
	case "apiserver":
		if a := r.APIServer; a == nil || !a.Stopped || a.DownSeconds < 5 {
			t.Errorf("apiserver: outage %+v, want a stop of at least 5s", a)
		}
	case "ha":
		// The lease was renewed at most 1.2 retry periods before the kill,
		// so the standby cannot have taken it sooner than 6 - 2.2 s after.
		if s := r.HA; s == nil || !s.TookOver || s.TakeoverSeconds < 3.8 || s.TakeoverSeconds > s.TakeoverBoundSeconds ||
			s.NewHolderIdentity == s.KilledHolderIdentity || !s.RestartedStayedStandby || s.LostTokens != 0 ||
			!s.HandedOver || s.HandoverSeconds > s.HandoverBoundSeconds {
			t.Errorf("ha: %+v, want a takeover within 3.8s and its bound by a new holder, the killed replica back as "+
				"standby, and the lease passed on within a try of the next leader's stop", s)
		}
	}
}

// checkRotationResult checks a rotation scenario's figures: every round
// requested, settled, and no lost, stale or stray token.
func checkRotationResult(t *testing.T, r *Result) {
	t.Helper()
	if !isRotation(r.Scenario) {
		return
	}
	st := r.Rotation
	if st == nil || st.Requested != 30 || !st.Settled {
		t.Fatalf("%s: rotation %+v, want 3 rounds of 10 requested and settled", r.Scenario, st)
	}
	for what, n := range map[string]int{"not handled": st.NotHandled, "token too old": st.TokenTooOld, "lost": st.LostTokens,
		"stray minted": st.StrayMinted, "stray initial": st.StrayInitial, "stray other": st.StrayOther} {
		if n != 0 {
			t.Errorf("%s: %s = %d, want 0 (%v)", r.Scenario, what, n, r.Details)
		}
	}
}

// mentioning lists the running processes whose command line names dir.
func mentioning(dir string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), dir) {
			out = append(out, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}
