package main

import (
	"context"
	"time"
)

// crashLatency: 100–300 ms per upstream call, as a real upstream might take;
// with none, the Accounts are Ready before more than a kill or two.
var crashLatency = latency{FixedMillis: 100, JitterMillis: 200}

// crash SIGKILLs the manager and starts it again: first as soon as the
// first upstream account of the scenario appears (so at least one kill
// lands mid-create however fast the run), then after a random time in the
// -kill-interval range from each restart, until every Account is Ready.
type crash struct {
	h        *harness
	r        *Result
	nextKill time.Time // zero: waiting for the first upstream create
}

func (c *crash) setup(ctx context.Context) error { return c.h.setLatency(ctx, crashLatency) }

func (c *crash) tick(ctx context.Context, _ bool) bool {
	if c.h.ensureManager(ctx, c.r) {
		return c.r.ManagerKills > 0 // it exited on its own: counted, not a kill
	}
	if c.nextKill.IsZero() {
		if n, err := c.h.countCreated(ctx, c.r.Scenario); err != nil || n == 0 {
			return false
		}
	} else if time.Now().Before(c.nextKill) {
		return true
	}
	if err := c.h.env.KillManager(); err != nil {
		c.r.note("kill: %v", err)
		return c.r.ManagerKills > 0
	}
	c.r.ManagerKills++
	c.h.startManager(ctx, c.r)
	c.nextKill = time.Now().Add(between(c.h.cfg.killMin, c.h.cfg.killMax))
	return true
}
