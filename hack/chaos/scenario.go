package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// disruption is what a scenario does to the system while its Accounts
// converge. tick runs before every readiness poll, applied saying whether
// kubectl apply has finished; it reports whether the disruption has
// happened, and the wait ends only once it has and every Account is Ready.
type disruption interface {
	setup(ctx context.Context) error
	tick(ctx context.Context, applied bool) (done bool)
}

func (h *harness) disruptionFor(name, ns string, r *Result) disruption {
	switch disruptionOf(name) {
	case "crash":
		return &crash{h: h, r: r}
	case "storm":
		return &storm{h: h, r: r}
	case "ha":
		return &failover{h: h, r: r, ns: ns}
	default:
		return &apiserverOutage{h: h, r: r, ns: ns}
	}
}

// runScenario runs one scenario in its own namespace and returns its result;
// a failure is recorded in the result, not returned.
func (h *harness) runScenario(ctx context.Context, name string) *Result {
	r := &Result{Scenario: name, Accounts: len(scenarioUpstreams(name)) * h.cfg.perUpstream}
	ns := "chaos-" + name
	if disruptionOf(name) == "storm" {
		r.RateLimit = &rateLimit{RequestsPerSecond: h.cfg.stormRPS, Burst: h.cfg.stormBurst}
	}
	err := h.scenario(ctx, ns, r)
	if err != nil {
		r.Errors = append(r.Errors, err.Error())
		h.say("[%s] %v", name, err)
	}
	h.endFailover(ctx, r)
	h.cleanup(ctx, ns, r, err == nil)
	r.judge()
	h.say("[%s] %s", name, r.verdict())
	return r
}

func (h *harness) scenario(ctx context.Context, ns string, r *Result) error {
	if err := h.kubectl(ctx, providersYAML(h.env, ns, r.RateLimit), "apply", "-f", "-"); err != nil {
		return err
	}
	if err := h.waitProvidersReady(ctx, ns); err != nil {
		return err
	}
	// Counters and peaks from here on: this scenario's calls only.
	if err := h.resetSandbox(ctx); err != nil {
		return err
	}
	d := h.disruptionFor(r.Scenario, ns, r)
	if err := d.setup(ctx); err != nil {
		return err
	}
	accts := accountsFor(r.Scenario, ns, h.cfg.perUpstream)
	start := time.Now()
	h.say("[%s] applying %d Accounts", r.Scenario, len(accts))
	// The disruption starts while kubectl apply still runs: with hundreds of
	// Accounts the apply takes seconds, and the manager is at work meanwhile.
	applied := make(chan error, 1)
	go func() { applied <- h.kubectl(ctx, accountsYAML(accts), "apply", "-f", "-") }()
	if err := h.converge(ctx, ns, len(accts), d, applied); err != nil {
		return err
	}
	r.Converged, r.ConvergeSeconds = true, seconds(time.Since(start))
	if o, ok := d.(*apiserverOutage); ok {
		o.recovered()
	}
	h.say("[%s] all %d Accounts Ready in %.1fs", r.Scenario, len(accts), r.ConvergeSeconds)
	if isRotation(r.Scenario) {
		if err := h.rotations(ctx, ns, accts, d, r); err != nil {
			return err
		}
	}
	h.say("[%s] checking upstream and Secrets", r.Scenario)
	if err := h.checkConverged(ctx, ns, accts, r); err != nil {
		return err
	}
	if h.ha != nil {
		if err := h.checkTokens(ctx, ns, accts, r); err != nil {
			return err
		}
		if err := h.ha.rollout(ctx); err != nil {
			return err
		}
	}
	if err := h.deleteAll(ctx, ns, r); err != nil {
		return err
	}
	if err := h.countLeft(ctx, r); err != nil {
		return err
	}
	return h.collectCounters(ctx, r, h.cfg.perUpstream)
}

// converge waits until the apply has finished, the disruption has happened
// and every Account is Ready. It returns early if the apply fails.
func (h *harness) converge(ctx context.Context, ns string, want int, d disruption, applied <-chan error) error {
	last, isApplied := time.Now(), false
	var applyErr error
	err := poll(ctx, h.cfg.phaseTimeout, "every Account Ready", func(ctx context.Context) (bool, string) {
		if !isApplied {
			select {
			case applyErr = <-applied:
				isApplied = true
			default:
			}
		}
		if applyErr != nil {
			return true, ""
		}
		done := d.tick(ctx, isApplied) && isApplied
		n, total, err := h.countReady(ctx, ns)
		status := fmt.Sprintf("%d of %d Accounts Ready", n, want)
		if err != nil {
			status += fmt.Sprintf(" (last read failed: %v)", err)
		}
		if time.Since(last) > 15*time.Second {
			h.say("%s", status)
			last = time.Now()
		}
		return done && err == nil && n == want && total == want, status
	})
	if !isApplied {
		applyErr = errors.Join(applyErr, <-applied) // the poll's end cancels nothing: wait for kubectl
	}
	return errors.Join(applyErr, err)
}

// deleteAll deletes every Account (deletionPolicy Delete) and waits until
// they are gone, which the finalizer holds until the upstream account is.
// The manager is restarted if it exits, as a kubelet would.
func (h *harness) deleteAll(ctx context.Context, ns string, r *Result) error {
	start := time.Now()
	if err := h.kubectl(ctx, "", "delete", "accounts", "--all", "-n", ns, "--wait=false"); err != nil {
		return err
	}
	err := poll(ctx, h.cfg.phaseTimeout, "every Account gone", func(ctx context.Context) (bool, string) {
		h.ensureManager(ctx, r)
		l, err := h.accounts(ctx, ns)
		if err != nil {
			return false, err.Error()
		}
		return len(l) == 0, fmt.Sprintf("%d Accounts left", len(l))
	})
	if err != nil {
		return err
	}
	r.Deleted, r.DeleteSeconds = true, seconds(time.Since(start))
	h.say("[%s] all Accounts gone in %.1fs", r.Scenario, r.DeleteSeconds)
	return nil
}

// cleanup leaves the environment ready for the next scenario: no faults in
// the sandbox, and no provider or Account of this one calling upstream (a
// failed scenario's Accounts are paused rather than deleted, to keep what
// they show).
func (h *harness) cleanup(ctx context.Context, ns string, r *Result, ok bool) {
	if ctx.Err() != nil {
		return // the environment is about to stop
	}
	if r.Upstreams == nil {
		if err := h.collectCounters(ctx, r, h.cfg.perUpstream); err != nil {
			r.note("read counters: %v", err)
		}
	}
	if err := h.resetSandbox(ctx); err != nil {
		r.note("cleanup: %v", err)
	}
	h.ensureManager(ctx, r)
	if !ok {
		if err := h.kubectl(ctx, "", "annotate", "accounts", "--all", "-n", ns, "--overwrite",
			"accounts.operator.dev/paused=true"); err != nil {
			r.note("cleanup: %v", err)
		}
		return
	}
	if err := h.kubectl(ctx, "", "delete", "accountproviders", "--all", "-n", ns, "--timeout=60s"); err != nil {
		r.note("cleanup: %v", err)
	}
}

func seconds(d time.Duration) float64 {
	return float64(d.Round(100*time.Millisecond)) / float64(time.Second)
}
