package main

import (
	"context"
	"fmt"
	"path/filepath"
)

// largeResult is the run at -large N (10,000 in the issue): N Accounts to
// Ready in a fresh environment, a restart and a steady interval of that
// manager, and its peak RSS over all three.
type largeResult struct {
	curvePoint
	Restart      restartResult `json:"restart"`
	Steady       steadyResult  `json:"steady"`
	PeakRSSBytes int64         `json:"managerPeakRSSBytes"`
}

// largeRun measures -large N; skipped when the flag is 0.
func largeRun(ctx context.Context, c config, res *results) (err error) {
	if c.large == 0 {
		return nil
	}
	fmt.Printf("Large run: N=%d\n", c.large)
	r := &largeResult{}
	res.Large = r
	r.N = c.large
	s, err := startSession(ctx, c, filepath.Join(c.stateDir, fmt.Sprintf("large-%d", c.large)))
	if err != nil {
		return err
	}
	defer func() { err = s.close(err) }()
	if err := s.setupNamespace(ctx, "bench"); err != nil {
		return err
	}
	cr, err := s.measureCreate(ctx, "bench", c.large)
	r.Seconds, r.WritesPerAccount, r.Duplicates = cr.Seconds, cr.WritesPerAccount, cr.Duplicates
	r.SecondsPer1000 = cr.Seconds / float64(c.large) * 1000
	if err != nil {
		return err
	}
	poll := "--default-poll-interval=" + c.pollInterval.String()
	fmt.Println("  restart with N Ready Accounts")
	if r.Restart, err = s.measureRestart(ctx, c.large, poll); err != nil {
		return err
	}
	fmt.Printf("  steady state over one poll interval of %s\n", c.pollInterval)
	if r.Steady, err = s.measureSteady(ctx, c.large, 1, c.pollInterval); err != nil {
		return err
	}
	r.PeakRSSBytes = max(cr.Manager.PeakRSSBytes, r.Restart.Manager.PeakRSSBytes)
	return nil
}
