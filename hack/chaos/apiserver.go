package main

import (
	"context"
	"time"
)

// apiserverOutage stops kube-apiserver once the Accounts are applied and a
// quarter of the scenario's upstream accounts exist (creates in flight, status writes pending), keeps
// it down for -apiserver-down, and starts it again. The manager is left
// alone unless it exits, in which case it is started again as a kubelet
// would (once there is an API server to reach). Upstream calls are slowed
// so that the creates spread over the outage.
type apiserverOutage struct {
	h         *harness
	r         *Result
	ns        string
	stopped   time.Time // zero: not yet
	restarted time.Time // zero: not yet
}

// outageLatency: 0.5–1 s per upstream call, so that the creates are far
// from done when kubectl apply has finished and the outage may begin.
var outageLatency = latency{FixedMillis: 500, JitterMillis: 500}

func (a *apiserverOutage) setup(ctx context.Context) error {
	a.r.APIServer = &APIServerStats{}
	return a.h.setLatency(ctx, outageLatency)
}

func (a *apiserverOutage) tick(ctx context.Context, applied bool) bool {
	st := a.r.APIServer
	switch {
	case a.stopped.IsZero():
		if applied { // else kubectl apply would fail
			a.stop(ctx)
		}
		return false
	case a.restarted.IsZero():
		if a.h.env.ManagerPID() == 0 {
			st.ManagerExited = true
		}
		if time.Since(a.stopped) < a.h.cfg.apiserverDown {
			return false
		}
		starting := time.Now()
		if err := a.h.env.StartAPIServer(); err != nil {
			a.r.note("start kube-apiserver (tried again at the next poll): %v", err)
			return false
		}
		a.restarted = time.Now()
		st.DownSeconds, st.StartSeconds = seconds(a.restarted.Sub(a.stopped)), seconds(a.restarted.Sub(starting))
		a.h.recordProcesses()
		a.h.say("[%s] kube-apiserver is back after %.1fs", a.r.Scenario, st.DownSeconds)
	}
	if a.h.ensureManager(ctx, a.r) {
		st.ManagerExited = true
	}
	return true
}

// stop stops kube-apiserver once enough upstream accounts exist.
func (a *apiserverOutage) stop(ctx context.Context) {
	n, err := a.h.countCreated(ctx, a.r.Scenario)
	if err != nil || n < max(1, a.r.Accounts/4) {
		return
	}
	st := a.r.APIServer
	st.UpstreamCreatedAtStop = n
	st.ReadyAtStop, _, _ = a.h.countReady(ctx, a.ns)
	a.h.say("[%s] stopping kube-apiserver for %s (%d upstream accounts created, %d Accounts Ready)",
		a.r.Scenario, a.h.cfg.apiserverDown, n, st.ReadyAtStop)
	stopped := time.Now()
	if err := a.h.env.StopAPIServer(); err != nil {
		a.r.note("stop kube-apiserver (tried again at the next poll): %v", err)
		return
	}
	a.stopped, st.Stopped = stopped, true
}

// recovered records the time from kube-apiserver's return to convergence.
func (a *apiserverOutage) recovered() {
	if !a.restarted.IsZero() {
		a.r.APIServer.RecoverySeconds = seconds(time.Since(a.restarted))
	}
}
