package main

import (
	"context"
	"fmt"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// createResult is the operator's run: N Accounts applied at once until all
// are Ready, with what it cost per Account.
type createResult struct {
	N                 int                `json:"n"`
	Seconds           float64            `json:"secondsToAllReady"`
	ApplySeconds      float64            `json:"secondsToApplyAll"`
	UpstreamCalls     calls              `json:"upstreamCalls"`
	CallsPerAccount   map[string]float64 `json:"upstreamCallsPerAccountByUpstream"`
	CreatesPerAccount map[string]float64 `json:"createsPerAccountByUpstream"`
	APIRequests       apiRequests        `json:"apiRequestsByMethod"`
	WritesPerAccount  float64            `json:"apiWritesPerAccount"`
	Duplicates        int                `json:"duplicateUpstreamAccounts"`
	UpstreamAccounts  map[string]int     `json:"upstreamAccountsByUpstream"`
	Manager           localenv.Usage     `json:"manager"`
	Concurrency       int                `json:"maxConcurrentReconciles"`
}

// measureCreate applies n Accounts to ns at once and waits until all are Ready.
func (s *session) measureCreate(ctx context.Context, ns string, n int) (createResult, error) {
	r := createResult{N: n}
	before, err := takeSnapshot(ctx, s.env)
	if err != nil {
		return r, err
	}
	start := time.Now()
	if err := createAll(ctx, s.c, accounts(ns, n)); err != nil {
		return r, err
	}
	r.ApplySeconds = time.Since(start).Seconds()
	last, err := s.ready.wait(ctx, ns, n, s.cfg.timeout)
	if err != nil {
		return r, fmt.Errorf("%w (manager log: %s)", err, s.env.LogPath("manager"))
	}
	r.Seconds = last.Sub(start).Seconds()
	return r, s.accountCosts(ctx, &r, before)
}

// accountCosts fills in calls, writes, duplicates and usage since before.
func (s *session) accountCosts(ctx context.Context, r *createResult, before snapshot) error {
	after, err := takeSnapshot(ctx, s.env)
	if err != nil {
		return err
	}
	d := after.since(before)
	r.UpstreamCalls, r.APIRequests = d.calls, d.requests
	r.WritesPerAccount = r.APIRequests.writes() / float64(r.N)
	r.CallsPerAccount, r.CreatesPerAccount = map[string]float64{}, map[string]float64{}
	for i, u := range upstreams {
		per := float64(accountsOf(r.N, i))
		r.CallsPerAccount[u] = float64(r.UpstreamCalls.total(u, all)) / per
		r.CreatesPerAccount[u] = float64(r.UpstreamCalls.total(u, isCreate)) / per
	}
	if r.Duplicates, r.UpstreamAccounts, err = upstreamDuplicates(ctx, s.env); err != nil {
		return err
	}
	if r.Concurrency, err = managerConcurrency(ctx, s.env); err != nil {
		return err
	}
	r.Manager, err = s.env.ManagerUsage()
	return err
}

// accountsOf is how many of n Accounts go to the i-th upstream.
func accountsOf(n, i int) int {
	k := n / len(upstreams)
	if i < n%len(upstreams) {
		k++
	}
	return k
}

// callsPerAccount is the mean upstream calls per Account over all upstreams.
func (r createResult) callsPerAccount() float64 {
	total := 0
	for _, u := range upstreams {
		total += r.UpstreamCalls.total(u, all)
	}
	return float64(total) / float64(r.N)
}
