// Command chaos runs the operator through failures on the local control
// plane (make chaos): the manager binary, the sandbox binary and envtest's
// kube-apiserver and etcd as real processes (internal/localenv). Scenarios:
//
//   - crash: N Accounts per upstream while the manager is SIGKILLed at random
//     intervals and restarted, until all are Ready; then all deleted.
//   - storm: the sandbox fails, throttles, slows and drops calls; each
//     provider has a rateLimit, and the highest request rate the sandbox saw
//     must stay within it.
//   - apiserver: kube-apiserver is stopped mid-run and started again; the
//     manager must recover without help (it is restarted only if it exited,
//     as a kubelet would).
//   - ha: two manager replicas under leader election instead of one; the
//     leader is SIGKILLed once a quarter of the upstream accounts exist, the
//     standby must take the lease over within the lease settings and carry
//     on, and no token may be lost; the takeover time is recorded. Once all
//     are Ready, the new leader is stopped with SIGTERM, as in a rollout,
//     and the released lease must pass on at the other's next try.
//   - rotation-crash, rotation-storm: N VectorCharts Accounts, created under
//     the crash's kills or the storm's faults; once Ready, their API tokens
//     are rotated (annotation accounts.operator.dev/rotate-requested-at) a
//     few times, seconds apart, while the kills or the storm go on; then the
//     disruption stops, and once every rotation has settled each Account's
//     tokens are checked upstream: no lost token, no valid token beyond the
//     one the connection Secret holds, the last rotation handled.
//
// Each reports duplicates upstream, Accounts with a bad connection Secret and
// upstream accounts left after deletion (all must be 0), plus time to
// converge and call counts. It prints a table, writes a JSON file, and exits
// non-zero if a must-be-zero figure is not zero or a scenario did not
// converge. It stops every process it started, also on Ctrl-C.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/tools/leaderelection"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
}

// scenarioNames in the order "all" runs them.
var scenarioNames = []string{"crash", "storm", "apiserver", "rotation-crash", "rotation-storm", "ha"}

// config is what the flags set.
type config struct {
	perUpstream   int
	killMin       time.Duration
	killMax       time.Duration
	scenarios     []string
	apiserverDown time.Duration
	timeout       time.Duration
	phaseTimeout  time.Duration
	stormRPS      int
	stormBurst    int
	rotateRounds  int
	rotateEvery   time.Duration
	leaseDuration time.Duration
	renewDeadline time.Duration
	retryPeriod   time.Duration
	out           string
	stateDir      string
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	var kill, scenarios string
	home, _ := os.UserHomeDir()
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.IntVar(&c.perUpstream, "n", 100, "Accounts per upstream (ccm, scp, vectorcharts) in each scenario")
	fs.StringVar(&kill, "kill-interval", "1s-5s", "crash: the manager is SIGKILLed after a random time in this range, MIN-MAX")
	fs.StringVar(&scenarios, "scenario", "all", strings.Join(scenarioNames, ", ")+", a comma-separated list of them, or all")
	fs.DurationVar(&c.apiserverDown, "apiserver-down", 20*time.Second, "apiserver: how long kube-apiserver stays stopped")
	fs.DurationVar(&c.timeout, "timeout", 90*time.Minute, "bound of the whole run")
	fs.DurationVar(&c.phaseTimeout, "phase-timeout", 20*time.Minute, "bound of each wait for the Accounts to become Ready or to be gone")
	fs.IntVar(&c.stormRPS, "storm-rps", 20, "storm: each provider's rateLimit.requestsPerSecond")
	fs.IntVar(&c.stormBurst, "storm-burst", 20, "storm: each provider's rateLimit.burst")
	fs.IntVar(&c.rotateRounds, "rotate-rounds", 5, "rotation-*: how many times every Account's token rotation is requested")
	fs.DurationVar(&c.rotateEvery, "rotate-every", 4*time.Second, "rotation-*: time between two rounds of rotation requests")
	fs.DurationVar(&c.leaseDuration, "lease-duration", 15*time.Second, "ha: the replicas' --leader-election-lease-duration")
	fs.DurationVar(&c.renewDeadline, "renew-deadline", 10*time.Second, "ha: the replicas' --leader-election-renew-deadline")
	fs.DurationVar(&c.retryPeriod, "retry-period", 2*time.Second, "ha: the replicas' --leader-election-retry-period")
	fs.StringVar(&c.stateDir, "state-dir", filepath.Join(home, ".cache", "account-operator", "chaos"),
		"directory for binaries, logs, kubeconfig and cluster data; wiped at start")
	fs.StringVar(&c.out, "out", "", "JSON results file (default <state-dir>/results.json)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if c.killMin, c.killMax, err = parseRange(kill); err != nil {
		return c, fmt.Errorf("-kill-interval: %w", err)
	}
	if c.scenarios, err = parseScenarios(scenarios); err != nil {
		return c, fmt.Errorf("-scenario: %w", err)
	}
	switch {
	case c.perUpstream < 1 || c.perUpstream > 1000:
		return c, errors.New("-n must be 1 to 1000")
	case c.apiserverDown <= 0 || c.timeout <= 0 || c.phaseTimeout <= 0:
		return c, errors.New("-apiserver-down, -timeout and -phase-timeout must be positive")
	case c.stormRPS < 1 || c.stormBurst < 1:
		return c, errors.New("-storm-rps and -storm-burst must be at least 1")
	case c.rotateRounds < 1 || c.rotateRounds > 100 || c.rotateEvery <= 0:
		return c, errors.New("-rotate-rounds must be 1 to 100 and -rotate-every positive")
	case c.retryPeriod <= 0 || float64(c.renewDeadline) <= leaderelection.JitterFactor*float64(c.retryPeriod) ||
		c.leaseDuration <= c.renewDeadline:
		return c, errors.New("need -lease-duration > -renew-deadline > 1.2 x -retry-period > 0, as the manager does")
	}
	if c.out == "" {
		c.out = filepath.Join(c.stateDir, "results.json")
	}
	return c, nil
}

// parseRange reads "1s-5s".
func parseRange(s string) (lo, hi time.Duration, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not MIN-MAX, e.g. 1s-5s", s)
	}
	if lo, err = time.ParseDuration(a); err == nil {
		hi, err = time.ParseDuration(b)
	}
	if err == nil && (lo <= 0 || hi < lo) {
		err = fmt.Errorf("%q: need 0 < MIN <= MAX", s)
	}
	return lo, hi, err
}

func parseScenarios(s string) ([]string, error) {
	if s == "all" {
		return scenarioNames, nil
	}
	var out []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if !isScenario(n) {
			return nil, fmt.Errorf("unknown scenario %q (want %s or all)", n, strings.Join(scenarioNames, ", "))
		}
		out = append(out, n)
	}
	return out, nil
}

func isScenario(n string) bool {
	for _, s := range scenarioNames {
		if s == n {
			return true
		}
	}
	return false
}
