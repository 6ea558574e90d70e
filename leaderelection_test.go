package main

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func parseLeaderElection(t *testing.T, args ...string) leaderElectionFlags {
	t.Helper()
	var f leaderElectionFlags
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.bindFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestLeaderElectionFlags: the defaults are controller-runtime's (and the
// lease name of earlier versions), a change is taken, and what client-go's
// leader elector or the API server would refuse is refused at start, naming
// the flag.
func TestLeaderElectionFlags(t *testing.T) {
	f := parseLeaderElection(t)
	if f.id != "account-operator.accounts.operator.dev" || f.leaseDuration != 15*time.Second ||
		f.renewDeadline != 10*time.Second || f.retryPeriod != 2*time.Second {
		t.Fatalf("defaults: %+v", f)
	}
	if err := f.validate(); err != nil {
		t.Fatalf("defaults refused: %v", err)
	}
	f = parseLeaderElection(t, "--leader-election-id=team-b.accounts.operator.dev",
		"--leader-election-lease-duration=6s", "--leader-election-renew-deadline=4s", "--leader-election-retry-period=1s")
	if f.id != "team-b.accounts.operator.dev" || f.leaseDuration != 6*time.Second || f.renewDeadline != 4*time.Second ||
		f.retryPeriod != time.Second {
		t.Fatalf("set: %+v", f)
	}
	if err := f.validate(); err != nil {
		t.Fatalf("valid timings refused: %v", err)
	}
	for _, bad := range []struct {
		args []string
		flag string
	}{
		{[]string{"--leader-election-id=Team_B"}, "--leader-election-id"},
		{[]string{"--leader-election-id="}, "--leader-election-id"},
		{[]string{"--leader-election-lease-duration=10s"}, "--leader-election-lease-duration (10s) must be greater"},
		{[]string{"--leader-election-retry-period=9s"}, "--leader-election-renew-deadline (10s) must be greater than 1.2 times"},
		{[]string{"--leader-election-retry-period=0s"}, "must be positive"},
	} {
		err := parseLeaderElection(t, bad.args...).validate()
		if err == nil || !strings.Contains(err.Error(), bad.flag) {
			t.Errorf("%v: error %v, want one naming %q", bad.args, err, bad.flag)
		}
	}
}
