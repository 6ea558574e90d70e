package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// haLatency: 300–600 ms per upstream call, so that most of the creates are
// still to come when the leader is killed and the lease takes seconds to
// pass on.
var haLatency = latency{FixedMillis: 300, JitterMillis: 300}

// replicaNames are the ha scenario's two manager processes, as two pods of a
// Deployment with replicaCount 2.
var replicaNames = [2]string{"manager-a", "manager-b"}

// Log lines of a manager: controller-runtime's when a controller's workers
// start (only the leader's do), client-go's when the lease is acquired.
const (
	workersStarted = `"Starting workers"`
	leaseAcquired  = "Successfully acquired lease"
)

// failover replaces the one manager with two replicas under leader election
// (lease in the scenario's namespace): the first started leads, the second
// stands by. Once a quarter of the Accounts' upstream accounts exist, the
// leader is SIGKILLed. The standby must take the lease over within
// takeoverBound and carry on; the killed replica is then started again, as a
// kubelet would, and must stay standby. Once every Account is Ready, the new
// leader is stopped as a rollout stops a pod, and the other must take the
// released lease at its next try. The harness reads the lease to tell who
// leads, and the replicas' logs to check that a standby starts no controller.
type failover struct {
	h        *harness
	r        *Result
	ns       string
	replicas [2]*localenv.Replica
	leader   int // index of the replica that led at the kill
	leaderID string
	killedAt time.Time // zero: not yet
	took     bool      // the standby has acquired the lease
	progress bool      // and Accounts moved on since
}

func (f *failover) setup(ctx context.Context) error {
	c := f.h.cfg
	f.r.HA = &HAStats{Replicas: len(replicaNames), LeaseDurationSeconds: c.leaseDuration.Seconds(),
		RenewDeadlineSeconds: c.renewDeadline.Seconds(), RetryPeriodSeconds: c.retryPeriod.Seconds(),
		TakeoverBoundSeconds: seconds(takeoverBound(c.leaseDuration, c.retryPeriod))}
	f.h.ha = f
	if err := f.h.env.StopManager(); err != nil {
		return fmt.Errorf("stop the single manager: %w", err)
	}
	// The first replica alone, until it holds the lease: then the holder
	// identity is known to be its own.
	if err := f.start(ctx, 0); err != nil {
		return err
	}
	err := poll(ctx, 2*c.leaseDuration+time.Minute, "the first replica holding the lease", func(ctx context.Context) (bool, string) {
		l, err := f.h.readLease(ctx, f.ns)
		f.leaderID = l.Holder
		return err == nil && l.Holder != "", fmt.Sprintf("lease %+v, %v", l, err)
	})
	if err != nil {
		return err
	}
	if err := f.start(ctx, 1); err != nil {
		return err
	}
	f.h.say("[%s] %s leads (lease holder %s), %s stands by", f.r.Scenario, replicaNames[0], f.leaderID, replicaNames[1])
	return f.h.setLatency(ctx, haLatency)
}

// start starts replica i with leader election on.
func (f *failover) start(ctx context.Context, i int) error {
	c := f.h.cfg
	f.r.ManagerStarts++
	r, err := f.h.env.StartReplica(ctx, replicaNames[i], "--leader-elect=true", "--leader-election-namespace="+f.ns,
		"--leader-election-lease-duration="+c.leaseDuration.String(), "--leader-election-renew-deadline="+c.renewDeadline.String(),
		"--leader-election-retry-period="+c.retryPeriod.String())
	f.replicas[i] = r
	f.h.recordProcesses()
	if err != nil {
		return fmt.Errorf("start %s: %w", replicaNames[i], err)
	}
	return nil
}

// tick kills the leader as soon as a quarter of the upstream accounts exist,
// kubectl apply or not (the manager is at work either way), then watches
// the lease until the standby has it, then the Accounts until they move on.
func (f *failover) tick(ctx context.Context, _ bool) bool {
	f.ensure(ctx)
	switch {
	case f.killedAt.IsZero():
		f.kill(ctx)
	case !f.took:
		f.watchLease(ctx)
	case !f.progress:
		f.watchProgress(ctx)
	}
	return f.progress
}

// ensure starts again a replica that exited on its own, as a kubelet would,
// and the killed leader once the standby has taken over; it reports whether
// one had exited on its own.
func (f *failover) ensure(ctx context.Context) bool {
	exited := false
	for i, r := range f.replicas {
		if r == nil || r.PID() != 0 {
			continue
		}
		killed := i == f.leader && !f.killedAt.IsZero()
		if killed && !f.took {
			continue // down until the standby has the lease: the takeover is the standby's
		}
		if !killed || f.r.HA.RestartedAfterTakeover {
			exited = true
			f.r.ManagerExits++
			f.h.say("[%s] %s exited; starting it again (last lines of its log:\n%s)", f.r.Scenario, r.Name, f.h.env.LogTail(r.Name, 5))
		}
		if err := f.start(ctx, i); err != nil {
			f.r.note("%v", err)
			continue
		}
		if killed {
			f.r.HA.RestartedAfterTakeover = true
		}
	}
	return exited
}

// kill SIGKILLs the leader once a quarter of the upstream accounts exist.
// The counts at the kill are read once the leader is gone: all that the
// standby may do shows above them.
func (f *failover) kill(ctx context.Context) {
	st := f.r.HA
	if n, err := f.h.countCreated(ctx, f.r.Scenario); err != nil || n < max(1, f.r.Accounts/4) {
		return
	}
	standby := replicaNames[1-f.leader]
	st.StandbyIdleBeforeKill = !strings.Contains(currentRun(f.h.env.LogPath(standby)), workersStarted)
	killedAt := time.Now()
	if err := f.replicas[f.leader].Kill(); err != nil {
		f.r.note("kill %s: %v", replicaNames[f.leader], err)
		return
	}
	f.killedAt, st.LeaderKilled, st.KilledLeader, st.KilledHolderIdentity = killedAt, true, replicaNames[f.leader], f.leaderID
	f.r.ManagerKills++
	st.UpstreamCreatedAtKill, _ = f.h.countCreated(ctx, f.r.Scenario)
	st.ReadyAtKill, _, _ = f.h.countReady(ctx, f.ns)
	f.h.say("[%s] SIGKILLed the leader %s (%d upstream accounts created, %d Accounts Ready)",
		f.r.Scenario, replicaNames[f.leader], st.UpstreamCreatedAtKill, st.ReadyAtKill)
}

// watchLease records the takeover once the lease has a new holder. Only the
// standby runs meanwhile, so the new holder is the standby; its log must say
// it acquired the lease.
func (f *failover) watchLease(ctx context.Context) {
	l, err := f.h.readLease(ctx, f.ns)
	if err != nil {
		return
	}
	d, ok := takeover(f.leaderID, f.killedAt, l)
	if !ok {
		return
	}
	st, standby := f.r.HA, replicaNames[1-f.leader]
	f.took = true
	st.TookOver, st.NewLeader, st.NewHolderIdentity = true, standby, l.Holder
	st.TakeoverSeconds, st.LeaseTransitions = seconds(d), l.Transitions
	st.TakeoverObservedSeconds = seconds(time.Since(f.killedAt))
	st.NewLeaderLogged = strings.Contains(currentRun(f.h.env.LogPath(standby)), leaseAcquired)
	f.h.say("[%s] %s acquired the lease %.1fs after the SIGKILL (bound %.1fs)", f.r.Scenario, standby,
		st.TakeoverSeconds, st.TakeoverBoundSeconds)
}

// watchProgress records the first progress after the takeover: an Account
// more Ready, or an upstream account more created, than at the kill.
func (f *failover) watchProgress(ctx context.Context) {
	st := f.r.HA
	n, total, err := f.h.countReady(ctx, f.ns)
	if err != nil {
		return
	}
	created, err := f.h.countCreated(ctx, f.r.Scenario)
	if err != nil {
		return
	}
	if n == total && st.ReadyAtKill == total {
		f.progress = true // nothing was left to do at the kill
		return
	}
	if n > st.ReadyAtKill || created > st.UpstreamCreatedAtKill {
		f.progress = true
		st.ProgressAfterTakeover, st.FirstProgressSeconds = true, seconds(time.Since(f.killedAt))
		f.h.say("[%s] first progress %.1fs after the SIGKILL (%d Ready, %d created upstream)",
			f.r.Scenario, st.FirstProgressSeconds, n, created)
	}
}

// rollout stops the leader as a rolling update would (SIGTERM, graceful
// shutdown) once the Accounts are Ready, and records how soon the other
// replica leads: the manager releases the lease on its way out, so the
// other takes it at its next try instead of waiting out the lease. First it
// checks that the killed replica, started again, has stood by.
func (f *failover) rollout(ctx context.Context) error {
	st := f.r.HA
	leader := 1 - f.leader
	l, err := f.h.readLease(ctx, f.ns)
	if err != nil {
		return err
	}
	st.RestartedStayedStandby = st.RestartedAfterTakeover && l.Holder == st.NewHolderIdentity &&
		!strings.Contains(currentRun(f.h.env.LogPath(replicaNames[f.leader])), workersStarted)
	if l.Holder != st.NewHolderIdentity {
		return fmt.Errorf("lease held by %q, not by the new leader %s", l.Holder, replicaNames[leader])
	}
	f.h.say("[%s] stopping the leader %s as a rollout would (SIGTERM)", f.r.Scenario, replicaNames[leader])
	stopping := time.Now()
	if err := f.replicas[leader].Stop(); err != nil {
		return fmt.Errorf("stop %s: %w", replicaNames[leader], err)
	}
	st.ShutdownSeconds = seconds(time.Since(stopping))
	err = poll(ctx, 2*f.h.cfg.leaseDuration+time.Minute, "a new holder after the leader's stop", func(ctx context.Context) (bool, string) {
		l, err := f.h.readLease(ctx, f.ns)
		d, ok := takeover(st.NewHolderIdentity, stopping, l)
		if ok {
			st.HandedOver, st.HandoverSeconds = true, seconds(d)
		}
		return ok, fmt.Sprintf("lease %+v, %v", l, err)
	})
	if err != nil {
		return err
	}
	st.HandoverBoundSeconds = st.ShutdownSeconds + seconds(standbyTry(f.h.cfg.retryPeriod))
	f.h.say("[%s] %s took the lease %.1fs after the SIGTERM (shutdown %.1fs, bound %.1fs)", f.r.Scenario,
		replicaNames[f.leader], st.HandoverSeconds, st.ShutdownSeconds, st.HandoverBoundSeconds)
	return f.start(ctx, leader) // the rollout's new pod
}

// endFailover stops both replicas and starts the single manager again for
// the scenarios after this one.
func (h *harness) endFailover(ctx context.Context, r *Result) {
	f := h.ha
	if f == nil {
		return
	}
	h.ha = nil
	var errs []error
	for _, rep := range f.replicas {
		if rep != nil {
			errs = append(errs, rep.Stop())
		}
	}
	if err := errors.Join(errs...); err != nil {
		r.note("stop the replicas: %v", err)
	}
	h.startManager(ctx, r)
}

// currentRun is a process log from its last start on (localenv writes a
// "=== " line at each start).
func currentRun(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s := string(b)
	if i := strings.LastIndex(s, "\n=== "); i >= 0 {
		return s[i:]
	}
	return s
}
