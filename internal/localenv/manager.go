package localenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// managerReadyTimeout bounds how long a started manager may take to answer
// /readyz: it only has to reach the API server and sync its caches.
const managerReadyTimeout = 90 * time.Second

// StartManager starts the manager binary against the local control plane
// and waits until its readiness probe answers. Each start picks fresh
// loopback ports for metrics and probes, so a restart never waits for the
// old process's sockets. extraArgs go after Options.ManagerArgs and win,
// for one run only. It fails if a manager is already running.
func (e *Env) StartManager(ctx context.Context, extraArgs ...string) error {
	for attempt := 1; ; attempt++ {
		err := e.startManagerOnce(ctx, extraArgs)
		if err == nil || attempt == portRaceAttempts || !strings.Contains(err.Error(), portTaken) {
			return err
		}
	}
}

// portTaken is how the manager says one of its listener ports was taken: the
// ports are picked free just before the start, and under heavy connection
// churn another socket can take one first. StartManager then tries again with
// new ports, up to portRaceAttempts times.
const (
	portTaken        = "address already in use"
	portRaceAttempts = 3
)

func (e *Env) startManagerOnce(ctx context.Context, extraArgs []string) error {
	if e.manager != nil && !e.manager.exited() {
		return fmt.Errorf("manager already running (pid %d)", e.manager.pid())
	}
	metrics, err := freeAddr()
	if err != nil {
		return err
	}
	probe, err := freeAddr()
	if err != nil {
		return err
	}
	args := append([]string{
		"--kubeconfig=" + e.Kubeconfig,
		"--metrics-bind-address=" + metrics,
		// Plain HTTP: a loopback listener that the benchmark and the demo's
		// curl scrape without a token. The HTTPS endpoint with its checks is
		// tested in test/metrics.
		"--metrics-secure=false",
		"--health-probe-bind-address=" + probe,
		"--leader-elect=false",
		"--graceful-shutdown-timeout=5s",
	}, e.opts.ManagerArgs...)
	args = append(args, extraArgs...)
	env := append(os.Environ(), "KUBECONFIG="+e.Kubeconfig)
	p, err := startProc("manager", e.bin("manager"), args, env, e.StateDir,
		filepath.Join(e.StateDir, "logs", "manager.log"))
	if err != nil {
		return err
	}
	e.manager, e.MetricsAddr, e.ProbeAddr = p, metrics, probe
	return e.waitManagerReady(ctx)
}

// waitManagerReady polls /readyz until it answers 200, failing fast (with
// the log's tail) if the manager exits.
func (e *Env) waitManagerReady(ctx context.Context) error {
	url := "http://" + e.ProbeAddr + "/readyz"
	c := &http.Client{Timeout: 2 * time.Second}
	return poll(ctx, managerReadyTimeout, 200*time.Millisecond, "manager readiness", func() (bool, error) {
		if e.manager.exited() {
			return false, e.manager.exitError()
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		resp, err := c.Do(req)
		if err != nil {
			return false, nil //nolint:nilerr // not listening yet: poll again
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
}

// KillManager SIGKILLs the manager, as a node failure or OOM kill would: no
// graceful shutdown, in-flight reconciles cut wherever they are.
func (e *Env) KillManager() error {
	if e.manager == nil {
		return errors.New("no manager started")
	}
	return e.manager.kill()
}

// RestartManager kills the manager if it still runs and starts a new one.
func (e *Env) RestartManager(ctx context.Context) error {
	if err := e.KillManager(); err != nil {
		return err
	}
	return e.StartManager(ctx)
}

// ManagerPID is the running manager's process id, 0 if none runs.
func (e *Env) ManagerPID() int {
	if e.manager == nil || e.manager.exited() {
		return 0
	}
	return e.manager.pid()
}
