package main

import (
	"context"
	"fmt"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// restartResult is a manager restart with every Account Ready: how long the
// new process takes to reconcile (re-verify upstream) each once, and what it
// costs.
type restartResult struct {
	N             int     `json:"n"`
	Seconds       float64 `json:"secondsToReverifyAll"`
	UpstreamCalls calls   `json:"upstreamCalls"`
	Creates       int     `json:"creates"`
	Writes        float64 `json:"apiWrites"`
	// InventoryWrites are providers whose status.inventory the restart's
	// first listing brought up to date with the creates (one write each).
	InventoryWrites int            `json:"providerInventoryWrites"`
	APIRequests     apiRequests    `json:"apiRequestsByMethod"`
	Manager         localenv.Usage `json:"manager"`
}

// settle is how long after the last reconcile the bench waits before it reads
// memory, so two restarts are compared at the same point.
const settle = 3 * time.Second

// measureRestart kills the manager and starts a new one with args, then waits
// until it has reconciled n Accounts.
func (s *session) measureRestart(ctx context.Context, n int, args ...string) (restartResult, error) {
	r := restartResult{N: n}
	invBefore, err := s.inventoryTimes(ctx)
	if err != nil {
		return r, err
	}
	if err := s.env.KillManager(); err != nil {
		return r, err
	}
	before, err := sandboxCalls(ctx, s.env)
	if err != nil {
		return r, err
	}
	start := time.Now()
	if err := s.env.StartManager(ctx, args...); err != nil {
		return r, err
	}
	if err := s.waitReconciles(ctx, n); err != nil {
		return r, err
	}
	r.Seconds = time.Since(start).Seconds()
	time.Sleep(settle)
	after, err := sandboxCalls(ctx, s.env)
	if err != nil {
		return r, err
	}
	r.UpstreamCalls = after.minus(before)
	for _, u := range upstreams {
		r.Creates += r.UpstreamCalls.total(u, isCreate)
	}
	if r.APIRequests, err = managerRequests(ctx, s.env); err != nil {
		return r, err
	}
	r.Writes = r.APIRequests.writes()
	invAfter, err := s.inventoryTimes(ctx)
	if err != nil {
		return r, err
	}
	r.InventoryWrites = changedInventories(invBefore, invAfter)
	r.Manager, err = s.env.ManagerUsage()
	return r, err
}

// waitReconciles waits until the manager has finished n Account reconciles.
func (s *session) waitReconciles(ctx context.Context, n int) error {
	deadline := time.Now().Add(s.cfg.timeout)
	for {
		got, err := accountReconciles(ctx, s.env)
		if err != nil {
			return err
		}
		if got >= float64(n) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("manager reconciled %v of %d Accounts within %s", got, n, s.cfg.timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// steadyResult is the steady state: nothing changes for a few poll intervals.
type steadyResult struct {
	Intervals           int     `json:"pollIntervals"`
	PollSeconds         float64 `json:"pollIntervalSeconds"`
	UpstreamCalls       calls   `json:"upstreamCalls"`
	ReadsPerAccountPoll float64 `json:"upstreamReadsPerAccountPerInterval"`
	CallsPerAccountPoll float64 `json:"upstreamCallsPerAccountPerInterval"`
	Writes              float64 `json:"apiWrites"`
	ReconcilesPerPoll   float64 `json:"reconcilesPerAccountPerInterval"`
	ReadsPerReconcile   float64 `json:"upstreamReadsPerPoll"`
	// TokenChecks are the VectorCharts token liveness checks in the phase,
	// not counted in the reads and calls above.
	TokenChecks int `json:"tokenChecks"`
}

// measureSteady watches k poll intervals of an idle manager.
func (s *session) measureSteady(ctx context.Context, n, k int, poll time.Duration) (steadyResult, error) {
	r := steadyResult{Intervals: k, PollSeconds: poll.Seconds()}
	before, err := takeSnapshot(ctx, s.env)
	if err != nil {
		return r, err
	}
	select {
	case <-ctx.Done():
		return r, ctx.Err()
	case <-time.After(time.Duration(k) * poll):
	}
	after, err := takeSnapshot(ctx, s.env)
	if err != nil {
		return r, err
	}
	d := after.since(before)
	r.UpstreamCalls, r.Writes = d.calls, d.requests.writes()
	r.ReconcilesPerPoll = d.reconciles / float64(n*k)
	reads, total := 0, 0
	for _, u := range upstreams {
		reads += r.UpstreamCalls.total(u, isRead)
		total += r.UpstreamCalls.total(u, notTokenCheck)
		r.TokenChecks += r.UpstreamCalls.total(u, isTokenCheck)
	}
	r.ReadsPerAccountPoll = float64(reads) / float64(n*k)
	r.CallsPerAccountPoll = float64(total) / float64(n*k)
	if d.reconciles > 0 {
		r.ReadsPerReconcile = float64(reads) / d.reconciles
	}
	return r, nil
}
