// Command bench measures the operator at scale on the local control plane:
// the API server and upstream floors, time to Ready for N Accounts, calls and
// writes per Account, steady state, a restart, memory and CPU (also with
// unrelated Secrets in the cluster), fairness between two namespaces sharing
// a rate-limited provider, and a scale curve. It prints a table and
// writes every figure to a JSON file. It is a benchmark, not a test: run it
// with `make bench` on a machine that is otherwise idle.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// config is the bench's flags.
type config struct {
	n               int
	latency         time.Duration
	jitter          time.Duration
	concurrency     int
	qps             int
	burst           int
	pollInterval    time.Duration
	steadyIntervals int
	unrelated       int
	curve           []int
	fairnessN       int
	writeCostN      int
	large           int
	stateDir        string
	out             string
	timeout         time.Duration
	managerArgs     []string
}

func parseFlags(args []string) (config, error) {
	var c config
	var curve, extra string
	home, _ := os.UserHomeDir()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&c.n, "n", 1000, "Accounts in the main run, spread evenly over ccm, scp and vectorCharts")
	fs.DurationVar(&c.latency, "latency", 20*time.Millisecond, "mean upstream latency per call")
	fs.DurationVar(&c.jitter, "jitter", 5*time.Millisecond, "the upstream latency varies uniformly by ± this")
	fs.IntVar(&c.concurrency, "max-concurrent-reconciles", 0, "manager flag; 0 keeps the manager's default")
	fs.IntVar(&c.qps, "kube-api-qps", 0, "manager flag; 0 keeps the manager's default")
	fs.IntVar(&c.burst, "kube-api-burst", 0, "manager flag; 0 keeps the manager's default")
	fs.DurationVar(&c.pollInterval, "poll-interval", 10*time.Second, "the manager's default poll interval in the steady-state phase")
	fs.IntVar(&c.steadyIntervals, "steady-intervals", 3, "poll intervals observed in the steady-state phase")
	fs.IntVar(&c.unrelated, "unrelated-secrets", 10000, "unrelated Secrets created for the memory phase")
	fs.IntVar(&c.writeCostN, "write-cost-n", 1000, "Accounts per set in the write-cost phase (the API server's CPU per kind of write); 0 skips it")
	fs.IntVar(&c.fairnessN, "fairness-n", 1000, "Accounts namespace A applies in the fairness phase; 0 skips it")
	fs.IntVar(&c.large, "large", 0, "also run N Accounts (10000 in issue 15) in a fresh environment: time to Ready, restart, steady state, peak RSS; 0 skips it")
	fs.StringVar(&curve, "curve", "100,300,1000,3000", "comma-separated N for the scale curve; empty skips it")
	fs.StringVar(&c.stateDir, "state-dir", filepath.Join(home, ".cache", "account-operator", "bench"), "state directory (emptied first)")
	fs.StringVar(&c.out, "out", "", "JSON results file (default: <state-dir>/results.json)")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Minute, "bound of each wait for Accounts to become Ready")
	fs.StringVar(&extra, "manager-args", "", "extra manager flags, space-separated")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.n < 3 || c.latency < c.jitter || c.steadyIntervals < 1 || c.pollInterval < time.Second {
		return c, errors.New("need -n >= 3, -latency >= -jitter, -steady-intervals >= 1, -poll-interval >= 1s")
	}
	for _, s := range strings.Split(curve, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 3 {
			return c, fmt.Errorf("-curve: %q is not a count >= 3", s)
		}
		c.curve = append(c.curve, v)
	}
	if c.out == "" {
		c.out = filepath.Join(c.stateDir, "results.json")
	}
	c.managerArgs = strings.Fields(extra)
	return c, nil
}

func main() {
	c, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	// The bench's own watch (controller-runtime's cache) has nothing to say.
	ctrllog.SetLogger(logr.Discard())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	res, err := run(ctx, c)
	stop() // not deferred: os.Exit below would skip it
	if res != nil {
		printTable(os.Stdout, res)
		if werr := writeJSON(c.out, res); werr != nil {
			err = errors.Join(err, werr)
		} else {
			fmt.Println("\nAll figures:", c.out)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
