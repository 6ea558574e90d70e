package localenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
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
	return retryPortRace(func() error { return e.startManagerOnce(ctx, extraArgs) })
}

// retryPortRace runs start again, up to portRaceAttempts times in all, while
// it fails because a listener port was taken.
func retryPortRace(start func() error) error {
	for attempt := 1; ; attempt++ {
		err := start()
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
	p, metrics, probe, err := e.launchManager("manager", extraArgs)
	if err != nil {
		return err
	}
	e.manager, e.MetricsAddr, e.ProbeAddr = p, metrics, probe
	return waitManagerReady(ctx, p, probe)
}

// launchManager starts a manager process named name (its log is
// logs/<name>.log) on fresh loopback ports, without waiting for it.
func (e *Env) launchManager(name string, extraArgs []string) (p *proc, metrics, probe string, err error) {
	if metrics, err = freeAddr(); err != nil {
		return nil, "", "", err
	}
	if probe, err = freeAddr(); err != nil {
		return nil, "", "", err
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
	p, err = startProc(name, e.bin("manager"), args, env, e.StateDir, e.LogPath(name))
	return p, metrics, probe, err
}

// waitManagerReady polls a manager's /readyz until it answers 200, failing
// fast (with the log's tail) if the process exits.
func waitManagerReady(ctx context.Context, p *proc, probe string) error {
	url := "http://" + probe + "/readyz"
	c := &http.Client{Timeout: 2 * time.Second}
	return poll(ctx, managerReadyTimeout, 200*time.Millisecond, p.name+" readiness", func() (bool, error) {
		if p.exited() {
			return false, p.exitError()
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

// StopManager stops the manager as a rollout would: SIGTERM, then its
// graceful shutdown, bounded.
func (e *Env) StopManager() error {
	if e.manager == nil {
		return nil
	}
	return e.manager.stop(15 * time.Second)
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
