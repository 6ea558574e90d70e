package localenv

import (
	"context"
	"fmt"
	"time"
)

// Replica is a manager process beside the one StartManager runs, as one pod
// of a Deployment with several replicas: started with --leader-elect=true,
// all but one stand by. Stop stops it with the environment.
type Replica struct {
	Name        string // also its log's name: logs/<Name>.log
	MetricsAddr string
	ProbeAddr   string
	p           *proc
}

// StartReplica starts a manager process named name with extraArgs after
// Options.ManagerArgs (e.g. --leader-elect=true), and waits until its
// readiness probe answers, which a standby's does too. A replica of that
// name that has exited is replaced, as a kubelet restarts a container; one
// still running is an error.
func (e *Env) StartReplica(ctx context.Context, name string, extraArgs ...string) (*Replica, error) {
	if name == "manager" {
		return nil, fmt.Errorf("replica name %q is the manager's", name)
	}
	if old := e.replicas[name]; old != nil && !old.p.exited() {
		return nil, fmt.Errorf("replica %s already running (pid %d)", name, old.p.pid())
	}
	var r *Replica
	err := retryPortRace(func() error {
		p, metrics, probe, err := e.launchManager(name, extraArgs)
		if err != nil {
			return err
		}
		r = &Replica{Name: name, MetricsAddr: metrics, ProbeAddr: probe, p: p}
		if e.replicas == nil {
			e.replicas = map[string]*Replica{}
		}
		e.replicas[name] = r
		return waitManagerReady(ctx, p, probe)
	})
	return r, err
}

// PID is the replica's process id, 0 once it has exited.
func (r *Replica) PID() int {
	if r == nil || r.p.exited() {
		return 0
	}
	return r.p.pid()
}

// Kill SIGKILLs the replica, as a node failure or OOM kill would.
func (r *Replica) Kill() error { return r.p.kill() }

// Stop stops the replica as a rollout would: SIGTERM, then its graceful
// shutdown, bounded.
func (r *Replica) Stop() error { return r.p.stop(15 * time.Second) }

// replicaProcs are the replicas' processes, for Stop and Processes.
func (e *Env) replicaProcs() []*proc {
	out := make([]*proc, 0, len(e.replicas))
	for _, r := range e.replicas {
		out = append(out, r.p)
	}
	return out
}
