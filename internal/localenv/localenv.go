// Package localenv runs the whole operator locally as real processes: a
// control plane (envtest's kube-apiserver and etcd, with the CRDs installed),
// the upstream sandbox binary, and the manager binary, built from this
// checkout. The end-to-end tests and `make demo` both use it, so what the
// demo shows is what the tests check.
//
// Everything lives in one state directory: the built binaries (bin/), one
// log file per process (logs/), the kubeconfig, and the control plane's data.
// Every wait is bounded. It needs Linux (/proc) for process bookkeeping.
package localenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options configure Start.
type Options struct {
	// StateDir holds binaries, logs, kubeconfig and control plane data. It is
	// created if missing; Start does not empty it.
	StateDir string
	// RepoRoot is the checkout to build; "" finds it above the working directory.
	RepoRoot string
	// AssetsDir holds kube-apiserver, etcd and kubectl; "" means $KUBEBUILDER_ASSETS.
	AssetsDir string
	// SandboxArgs and ManagerArgs are appended to each binary's flags.
	SandboxArgs []string
	ManagerArgs []string
	// Progress, if set, gets one line per step, for a person watching.
	Progress func(format string, args ...any)
}

// Env is a running local environment.
type Env struct {
	StateDir    string
	Kubeconfig  string      // path of a kubeconfig for a system:masters user
	URLs        SandboxURLs // the sandbox's upstream and admin URLs
	MetricsAddr string      // the current manager's metrics listener
	ProbeAddr   string      // the current manager's health probe listener

	opts     Options
	root     string
	assets   string
	cp       *controlPlane
	sandbox  *proc
	manager  *proc
	replicas map[string]*Replica // by name; see StartReplica
	stopOnce sync.Once
	stopErr  error
}

// Start builds the binaries, starts the control plane, the sandbox and the
// manager, and returns once the manager is ready. On failure it stops
// whatever it had started and the logs stay in the state dir.
func Start(ctx context.Context, opts Options) (*Env, error) {
	e, err := newEnv(opts)
	if err != nil {
		return nil, err
	}
	if err := e.start(ctx); err != nil {
		return nil, errors.Join(err, e.Stop())
	}
	return e, nil
}

func newEnv(opts Options) (*Env, error) {
	if opts.StateDir == "" {
		return nil, errors.New("localenv: StateDir is required")
	}
	if opts.Progress == nil {
		opts.Progress = func(string, ...any) {}
	}
	e := &Env{opts: opts, assets: opts.AssetsDir, root: opts.RepoRoot}
	if e.assets == "" {
		e.assets = os.Getenv("KUBEBUILDER_ASSETS")
	}
	for _, b := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(e.assets, b)); err != nil {
			return nil, fmt.Errorf("localenv: no %s in assets dir %q (set KUBEBUILDER_ASSETS=$(hack/toolchain.sh)): %w", b, e.assets, err)
		}
	}
	var err error
	if e.root == "" {
		if e.root, err = FindRepoRoot("."); err != nil {
			return nil, err
		}
	}
	if e.StateDir, err = filepath.Abs(opts.StateDir); err != nil {
		return nil, err
	}
	e.Kubeconfig = filepath.Join(e.StateDir, "kubeconfig")
	for _, d := range []string{"bin", "logs"} {
		if err := os.MkdirAll(filepath.Join(e.StateDir, d), 0o755); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (e *Env) bin(name string) string { return filepath.Join(e.StateDir, "bin", name) }

// start builds the two binaries while the control plane boots: both take a
// while, and the control plane mostly waits on itself.
func (e *Env) start(ctx context.Context) error {
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	built := make(chan error, 1)
	go func() { built <- e.build(bctx) }()
	e.opts.Progress("Starting kube-apiserver and etcd, installing the CRDs")
	cp, err := startControlPlane(e.root, e.assets, e.StateDir, e.Kubeconfig)
	e.cp = cp
	if err != nil {
		cancel() // no use finishing the build
	}
	if berr := <-built; berr != nil || err != nil {
		return errors.Join(err, berr)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	e.opts.Progress("Starting the upstream sandbox (CCM, SCP, VectorCharts simulators)")
	if err := e.startSandbox(ctx); err != nil {
		return err
	}
	e.opts.Progress("Starting the manager")
	return e.StartManager(ctx)
}

// build compiles the manager (main.go) and the sandbox (./hack/sandbox).
func (e *Env) build(ctx context.Context) error {
	e.opts.Progress("Building the manager and the sandbox (go build)")
	if err := goBuild(ctx, e.root, ".", e.bin("manager")); err != nil {
		return err
	}
	return goBuild(ctx, e.root, "./hack/sandbox", e.bin("sandbox"))
}

// Stop stops the manager and its replicas, the sandbox and the control
// plane, in that order, each with a bounded grace period. Calling it again
// returns the first result.
func (e *Env) Stop() error {
	e.stopOnce.Do(func() {
		var errs []error
		for _, p := range append(e.replicaProcs(), e.manager) {
			if p != nil {
				errs = append(errs, p.stop(15*time.Second))
			}
		}
		if e.sandbox != nil {
			errs = append(errs, e.sandbox.stop(10*time.Second))
		}
		errs = append(errs, e.cp.stop())
		e.stopErr = errors.Join(errs...)
	})
	return e.stopErr
}

// LogPath is the log file of a process: "manager", "sandbox",
// "kube-apiserver" or "etcd".
func (e *Env) LogPath(name string) string {
	return filepath.Join(e.StateDir, "logs", name+".log")
}

// LogTail is the last n lines of a process's log.
func (e *Env) LogTail(name string, n int) string { return logTail(e.LogPath(name), n) }
