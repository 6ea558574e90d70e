package main

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-state-dir=/tmp/x"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.perUpstream != 100 || c.killMin != time.Second || c.killMax != 5*time.Second ||
		!slices.Equal(c.scenarios, scenarioNames) || c.apiserverDown != 20*time.Second || c.out != "/tmp/x/results.json" ||
		c.rotateRounds != 5 || c.rotateEvery != 4*time.Second || c.leaseDuration != 15*time.Second ||
		c.renewDeadline != 10*time.Second || c.retryPeriod != 2*time.Second {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = parseFlags([]string{"-scenario=storm,crash", "-kill-interval=2s-2s"}, io.Discard)
	if err != nil || !slices.Equal(c.scenarios, []string{"storm", "crash"}) || c.killMin != 2*time.Second || c.killMax != 2*time.Second {
		t.Fatalf("got %+v, %v", c, err)
	}
	c, err = parseFlags([]string{"-scenario=rotation-storm", "-rotate-rounds=2", "-rotate-every=1s"}, io.Discard)
	if err != nil || !slices.Equal(c.scenarios, []string{"rotation-storm"}) || c.rotateRounds != 2 || c.rotateEvery != time.Second {
		t.Fatalf("got %+v, %v", c, err)
	}
	c, err = parseFlags([]string{"-scenario=ha", "-lease-duration=6s", "-renew-deadline=4s", "-retry-period=1s"}, io.Discard)
	if err != nil || !slices.Equal(c.scenarios, []string{"ha"}) || c.leaseDuration != 6*time.Second ||
		c.renewDeadline != 4*time.Second || c.retryPeriod != time.Second {
		t.Fatalf("got %+v, %v", c, err)
	}
	for _, bad := range [][]string{
		{"-kill-interval=5s"}, {"-kill-interval=5s-1s"}, {"-kill-interval=0s-1s"},
		{"-scenario=flood"}, {"-n=0"}, {"-apiserver-down=0s"}, {"-storm-rps=0"}, {"extra"},
		{"-rotate-rounds=0"}, {"-rotate-rounds=101"}, {"-rotate-every=0s"}, {"-scenario=rotation"},
		{"-lease-duration=10s"}, {"-retry-period=9s"}, {"-retry-period=0s"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestJudge: any must-be-zero figure, a storm peak above its bound, or a
// disruption that never happened fails the scenario.
func TestJudge(t *testing.T) {
	good := func(scenario string) *Result {
		r := &Result{Scenario: scenario, Converged: true, Deleted: true, ManagerKills: 1,
			APIServer: &APIServerStats{Stopped: true}, RateLimit: &rateLimit{RequestsPerSecond: 20, Burst: 20},
			Upstreams: map[string]*UpstreamStats{}, Rotation: &RotationStats{Rounds: 1, Requested: 1, Settled: true},
			Accounts: 300, HA: &HAStats{LeaderKilled: true, StandbyIdleBeforeKill: true, TookOver: true, TakeoverSeconds: 15,
				TakeoverBoundSeconds: 25.8, NewLeaderLogged: true, ProgressAfterTakeover: true, RestartedAfterTakeover: true,
				RestartedStayedStandby: true, HandedOver: true, HandoverSeconds: 3, HandoverBoundSeconds: 5.6}}
		for _, u := range upstreams {
			r.Upstreams[u] = &UpstreamStats{PeakRequestsPerSecond: 40, RateBound: 40}
		}
		return r
	}
	for _, s := range scenarioNames {
		r := good(s)
		if r.judge(); !r.Pass {
			t.Fatalf("%s: a clean result failed: %v", s, r.Failed)
		}
	}
	for name, spoil := range map[string]func(*Result){
		"duplicate":    func(r *Result) { r.Duplicates = 1 },
		"unmatched":    func(r *Result) { r.Unmatched = 1 },
		"stray":        func(r *Result) { r.Strays = 1 },
		"secret":       func(r *Result) { r.BadSecrets = 1 },
		"left":         func(r *Result) { r.LeftAfterDelete = 1 },
		"no converge":  func(r *Result) { r.Converged = false },
		"not deleted":  func(r *Result) { r.Deleted = false },
		"error":        func(r *Result) { r.Errors = []string{"boom"} },
		"storm peak":   func(r *Result) { r.Scenario = "storm"; r.Upstreams["scp"].PeakRequestsPerSecond = 41 },
		"storm exit":   func(r *Result) { r.Scenario = "storm"; r.ManagerExits = 1 },
		"no kill":      func(r *Result) { r.ManagerKills = 0 },
		"crash exit":   func(r *Result) { r.ManagerExits = 1 },
		"never down":   func(r *Result) { r.Scenario = "apiserver"; r.APIServer.Stopped = false },
		"no apiserver": func(r *Result) { r.Scenario = "apiserver"; r.APIServer = nil },
	} {
		r := good("crash")
		spoil(r)
		if r.judge(); r.Pass || !strings.HasPrefix(r.verdict(), "FAIL") {
			t.Errorf("%s: passed", name)
		}
	}
	for name, spoil := range map[string]func(*HAStats){
		"never killed":      func(s *HAStats) { s.LeaderKilled = false },
		"standby busy":      func(s *HAStats) { s.StandbyIdleBeforeKill = false },
		"no takeover":       func(s *HAStats) { s.TookOver = false },
		"takeover too slow": func(s *HAStats) { s.TakeoverSeconds = 25.9 },
		"two leaders":       func(s *HAStats) { s.TakeoverSeconds = -0.5 },
		"not logged":        func(s *HAStats) { s.NewLeaderLogged = false },
		"no progress":       func(s *HAStats) { s.ProgressAfterTakeover = false },
		"restarted leads":   func(s *HAStats) { s.RestartedStayedStandby = false },
		"lost token":        func(s *HAStats) { s.LostTokens = 1 },
		"no stats":          func(s *HAStats) { *s = HAStats{} },
	} {
		r := good("ha")
		spoil(r.HA)
		if r.judge(); r.Pass {
			t.Errorf("ha: %s: passed", name)
		}
	}
	r := good("ha")
	r.HA.ProgressAfterTakeover, r.HA.ReadyAtKill = false, r.Accounts // nothing left to do at the kill
	if r.judge(); !r.Pass {
		t.Errorf("ha with every Account Ready at the kill failed: %v", r.Failed)
	}
}
