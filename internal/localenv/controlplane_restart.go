package localenv

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// apiServerStopGrace is how long a stopped kube-apiserver may take to exit
// after SIGTERM before it is killed. It stops listening at once, but with
// the manager's watches open its exit can take far longer, which would only
// stretch the outage.
const apiServerStopGrace = 5 * time.Second

// StopAPIServer stops kube-apiserver (SIGTERM, SIGKILL after a few seconds)
// and leaves etcd, the sandbox and the manager running, as an API server
// outage would. StartAPIServer brings it back. Neither may run at the same
// time as Stop.
func (e *Env) StopAPIServer() error {
	if e.cp == nil || e.cp.env == nil {
		return errors.New("no control plane running")
	}
	var procs []Process
	for _, p := range childrenIn(e.assets) {
		if p.Name == "kube-apiserver" {
			procs = append(procs, p)
		}
	}
	if _, err := Terminate(procs, syscall.SIGTERM, apiServerStopGrace); err != nil {
		if _, err := Terminate(procs, syscall.SIGKILL, 10*time.Second); err != nil {
			return err
		}
	}
	return e.cp.stopAPIServer()
}

// StartAPIServer starts kube-apiserver again after StopAPIServer, on the same
// address with the same serving certificate and client CA, so the
// kubeconfig (and every client built from it) keeps working. It returns once
// /healthz answers, bounded by the control plane's start timeout.
func (e *Env) StartAPIServer() error {
	if e.cp == nil || e.cp.env == nil {
		return errors.New("no control plane running")
	}
	return e.cp.startAPIServer()
}

// RestartAPIServer stops kube-apiserver, waits down, and starts it again.
func (e *Env) RestartAPIServer(down time.Duration) error {
	if err := e.StopAPIServer(); err != nil {
		return err
	}
	time.Sleep(down)
	return e.StartAPIServer()
}

// APIServerURL is the API server's https URL (the one in the kubeconfig).
func (e *Env) APIServerURL() string {
	if e.cp == nil || e.cp.env == nil || e.cp.env.Config == nil {
		return ""
	}
	return e.cp.env.Config.Host
}

// stopAPIServer has envtest stop kube-apiserver, or, once it has already
// exited, just notice: until envtest's own wait has reaped the process its
// signal to the gone process group fails, so that is tried again briefly.
// envtest's APIServer keeps its port, the certificates in its (caller-chosen,
// so never cleaned) cert dir and its client CA in memory, which is what lets
// startAPIServer reuse them.
func (cp *controlPlane) stopAPIServer() error {
	var last error
	err := poll(context.Background(), 10*time.Second, 50*time.Millisecond, "kube-apiserver stop", func() (bool, error) {
		last = cp.env.ControlPlane.APIServer.Stop()
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("stop kube-apiserver: %w", errors.Join(err, last))
	}
	return nil
}

func (cp *controlPlane) startAPIServer() error {
	if err := cp.env.ControlPlane.APIServer.Start(); err != nil {
		return fmt.Errorf("start kube-apiserver again: %w", err)
	}
	return nil
}
