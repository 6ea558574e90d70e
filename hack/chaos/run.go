package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// run is the whole program; it returns once everything it started has
// stopped, with an error if a scenario failed.
func run(ctx context.Context, args []string, stdout io.Writer) (err error) {
	c, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	say := func(format string, a ...any) {
		fmt.Fprintf(stdout, "%s ==> "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		return errors.New("KUBEBUILDER_ASSETS is not set: export KUBEBUILDER_ASSETS=$(hack/toolchain.sh) (make chaos does)")
	}
	root, err := localenv.FindRepoRoot(".")
	if err != nil {
		return err
	}
	if err := resetStateDir(c.stateDir, say); err != nil {
		return err
	}
	start := time.Now()
	env, err := localenv.Start(ctx, localenv.Options{StateDir: c.stateDir, RepoRoot: root, AssetsDir: assets, Progress: say})
	if err != nil {
		return err
	}
	defer func() {
		say("Stopping the manager, the sandbox and the control plane")
		err = errors.Join(err, env.Stop(), removeIfExists(pidFile(c.stateDir)))
	}()
	h, err := newHarness(env, c, say)
	if err != nil {
		return err
	}
	h.recordProcesses()
	rep := &report{StartedAt: start, Config: c.summary(), RateBoundNote: rateBoundNote}
	for _, name := range c.scenarios {
		ups := scenarioUpstreams(name)
		say("Scenario %s: %d Accounts (%d per upstream: %s)", name, len(ups)*c.perUpstream, c.perUpstream, strings.Join(ups, ", "))
		rep.Scenarios = append(rep.Scenarios, h.runScenario(ctx, name))
		if ctx.Err() != nil {
			break
		}
	}
	rep.finish(time.Since(start))
	printTable(stdout, rep)
	if werr := writeJSON(c.out, rep); werr != nil {
		return werr
	}
	say("Results (JSON) in %s; logs of every process in %s", c.out, filepath.Join(c.stateDir, "logs"))
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted or out of time (-timeout %s): %w", c.timeout, ctx.Err())
	}
	if failed := rep.failed(); len(failed) > 0 {
		return fmt.Errorf("FAILED: %s", strings.Join(failed, "; "))
	}
	say("PASSED: every must-be-zero figure is zero and every scenario converged")
	return nil
}

// summary is the configuration as the JSON file records it.
func (c config) summary() map[string]any {
	return map[string]any{
		"accountsPerUpstream": c.perUpstream, "killInterval": c.killMin.String() + "-" + c.killMax.String(),
		"scenarios": c.scenarios, "apiserverDown": c.apiserverDown.String(), "timeout": c.timeout.String(),
		"phaseTimeout": c.phaseTimeout.String(), "stormRateLimit": map[string]int{"requestsPerSecond": c.stormRPS, "burst": c.stormBurst},
		"rotateRounds": c.rotateRounds, "rotateEvery": c.rotateEvery.String(),
		"leaderElection": map[string]string{"leaseDuration": c.leaseDuration.String(),
			"renewDeadline": c.renewDeadline.String(), "retryPeriod": c.retryPeriod.String()},
	}
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
