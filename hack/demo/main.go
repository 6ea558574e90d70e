// Command demo runs the operator locally and shows it at work (make demo): a
// local control plane, the upstream sandbox and the manager as real
// processes (internal/localenv), one provider and one Account per upstream
// applied with kubectl, and the commands to try next. It keeps running until
// Ctrl-C, then stops everything.
//
// Its state dir (default ${XDG_CACHE_HOME:-~/.cache}/account-operator/demo)
// is wiped and reused on every run; processes a previous run left behind
// (it was killed, say) are ended first, found through the pid file there.
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
	"syscall"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// config is what the flags set.
type config struct {
	stateDir       string
	exitAfterReady bool
	readyTimeout   time.Duration
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	cache, err := os.UserCacheDir() // $XDG_CACHE_HOME, else ~/.cache
	if err != nil {
		cache = os.TempDir()
	}
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.stateDir, "state-dir", filepath.Join(cache, "account-operator", "demo"),
		"directory for binaries, logs, kubeconfig and cluster data; wiped at start")
	fs.BoolVar(&c.exitAfterReady, "exit-after-ready", false,
		"stop everything right after showing the Ready Accounts instead of waiting for Ctrl-C")
	fs.DurationVar(&c.readyTimeout, "ready-timeout", 3*time.Minute,
		"how long providers and Accounts may take to become Ready")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return c, nil
}

// run is the whole demo; it returns once everything it started has stopped.
func run(ctx context.Context, args []string, stdout io.Writer) (err error) {
	c, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	say := func(format string, a ...any) { fmt.Fprintf(stdout, "==> "+format+"\n", a...) }
	root, err := localenv.FindRepoRoot(".")
	if err != nil {
		return err
	}
	assets, err := toolchain(ctx, root, say)
	if err != nil {
		return err
	}
	if err := resetStateDir(c.stateDir, say); err != nil {
		return err
	}
	env, err := localenv.Start(ctx, localenv.Options{StateDir: c.stateDir, RepoRoot: root, AssetsDir: assets, Progress: say})
	if err != nil {
		return interrupted(ctx, err, say)
	}
	defer func() {
		say("Stopping the manager, the sandbox and the control plane")
		err = errors.Join(err, env.Stop(), removeIfExists(pidFile(c.stateDir)))
		if err == nil {
			say("Stopped")
		}
	}()
	if err := recordProcesses(env); err != nil {
		return err
	}
	if err := showcase(ctx, env, stdout, c.readyTimeout); err != nil {
		return interrupted(ctx, fmt.Errorf("%w (logs in %s)", err, filepath.Join(env.StateDir, "logs")), say)
	}
	printNextSteps(stdout, env, assets)
	if c.exitAfterReady {
		return nil
	}
	say("Running. Press Ctrl-C to stop everything.")
	<-ctx.Done()
	return nil
}

// interrupted turns the error of a step cut short by Ctrl-C into a clean
// stop: the user asked for it.
func interrupted(ctx context.Context, err error, say func(string, ...any)) error {
	if ctx.Err() != nil {
		say("Interrupted")
		return nil //nolint:nilerr // the user asked for the stop: not a failure
	}
	return err
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
