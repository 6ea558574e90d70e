package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// results is every figure of one bench run.
type results struct {
	Machine struct {
		Cores     int    `json:"cores"`
		GoVersion string `json:"goVersion"`
		Date      string `json:"date"`
	} `json:"machine"`
	Settings struct {
		N                  int      `json:"n"`
		LatencySeconds     float64  `json:"upstreamLatencySeconds"`
		JitterSeconds      float64  `json:"upstreamJitterSeconds"`
		ManagerArgs        []string `json:"managerArgs"`
		UnrelatedSecrets   int      `json:"unrelatedSecrets"`
		SCPRegistrationSec float64  `json:"scpRegistrationDelaySeconds"`
	} `json:"settings"`
	Floor       floorResult      `json:"floor"`
	Create      createResult     `json:"create"`
	Ratio       float64          `json:"ratioToLargerFloor"`
	Restart     restartResult    `json:"restart"`
	Steady      steadyResult     `json:"steady"`
	Unrelated   restartResult    `json:"restartWithUnrelatedSecrets"`
	RSSGrowth   int64            `json:"peakRSSGrowthBytesFromUnrelatedSecrets"`
	PeakRSS     int64            `json:"managerPeakRSSBytes"`
	WriteCosts  *writeCostResult `json:"writeCosts,omitempty"`
	Curve       []curvePoint     `json:"curve"`
	Large       *largeResult     `json:"large,omitempty"`
	Targets     []target         `json:"targets"`
	WallSeconds float64          `json:"wallSeconds"`

	Fairness fairnessResult `json:"fairness"`
}

// curvePoint is the time to Ready for one N in a fresh environment.
type curvePoint struct {
	N                int     `json:"n"`
	Seconds          float64 `json:"secondsToAllReady"`
	SecondsPer1000   float64 `json:"secondsPer1000Accounts"`
	WritesPerAccount float64 `json:"apiWritesPerAccount"`
	Duplicates       int     `json:"duplicateUpstreamAccounts"`
}

func run(ctx context.Context, c config) (*results, error) {
	began := time.Now()
	res := &results{}
	res.Machine.Cores, res.Machine.GoVersion = runtime.NumCPU(), runtime.Version()
	res.Machine.Date = began.UTC().Format(time.RFC3339)
	res.Settings.N, res.Settings.LatencySeconds, res.Settings.JitterSeconds = c.n, c.latency.Seconds(), c.jitter.Seconds()
	res.Settings.ManagerArgs, res.Settings.UnrelatedSecrets = managerFlags(c), c.unrelated
	fmt.Printf("Main run: N=%d, upstream latency %s ± %s\n", c.n, c.latency, c.jitter)
	err := mainRun(ctx, c, res)
	if res.Floor.Writes == 0 { // nothing measured: no table of zeros
		return nil, err
	}
	if err == nil && c.fairnessN > 0 {
		err = fairness(ctx, c, res)
	}
	if err == nil {
		err = curve(ctx, c, res)
	}
	if err == nil {
		err = largeRun(ctx, c, res)
	}
	res.Targets = checkTargets(res, c)
	res.WallSeconds = time.Since(began).Seconds()
	return res, err
}

// mainRun is phases 1 to 6 in one environment.
func mainRun(ctx context.Context, c config, res *results) (err error) {
	s, err := startSession(ctx, c, filepath.Join(c.stateDir, "main"))
	if err != nil {
		return err
	}
	defer func() { err = s.close(err) }()
	fmt.Println("  Phase 1: the API server floor")
	if res.Floor, err = s.measureFloor(ctx, "bench-floor", c.n); err != nil {
		return err
	}
	if err := s.setupNamespace(ctx, "bench"); err != nil {
		return err
	}
	fmt.Println("  Phase 2-3: the operator creates N Accounts")
	if res.Create, err = s.measureCreate(ctx, "bench", c.n); err != nil {
		return err
	}
	res.Floor.setUpstreamFloor(res.Create.callsPerAccount(), c.latency.Seconds(), res.Create.Concurrency)
	res.Ratio = res.Create.Seconds / res.Floor.LargerSeconds
	if c.writeCostN >= 3 {
		fmt.Printf("  Phase 7: the API server's CPU per kind of write (%d Accounts per set)\n", c.writeCostN)
		wc, err := s.measureWriteCosts(ctx, "bench", c.writeCostN)
		if res.WriteCosts = &wc; err != nil {
			return err
		}
	}
	return laterPhases(ctx, s, c, res)
}

// laterPhases are the restart, steady state and memory phases.
func laterPhases(ctx context.Context, s *session, c config, res *results) (err error) {
	poll := "--default-poll-interval=" + c.pollInterval.String()
	fmt.Println("  Phase 5: restart with N Ready Accounts")
	if res.Restart, err = s.measureRestart(ctx, c.n, poll); err != nil {
		return err
	}
	fmt.Printf("  Phase 4: steady state over %d poll intervals of %s\n", c.steadyIntervals, c.pollInterval)
	if res.Steady, err = s.measureSteady(ctx, c.n, c.steadyIntervals, c.pollInterval); err != nil {
		return err
	}
	fmt.Printf("  Phase 6: %d unrelated Secrets, then restart again\n", c.unrelated)
	if err := s.createUnrelated(ctx, c.unrelated); err != nil {
		return err
	}
	if res.Unrelated, err = s.measureRestart(ctx, c.n, poll); err != nil {
		return err
	}
	res.RSSGrowth = res.Unrelated.Manager.PeakRSSBytes - res.Restart.Manager.PeakRSSBytes
	res.PeakRSS = max(res.Create.Manager.PeakRSSBytes, res.Restart.Manager.PeakRSSBytes, res.Unrelated.Manager.PeakRSSBytes)
	return nil
}

// createUnrelated creates n Secrets of 2 KiB each over ten namespaces.
func (s *session) createUnrelated(ctx context.Context, n int) error {
	const namespaces = 10
	for i := range namespaces {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("unrelated-%d", i)}}
		if err := s.c.Create(ctx, ns); err != nil {
			return err
		}
	}
	payload := make([]byte, 2048)
	_, _ = rand.Read(payload)
	objs := make([]client.Object, n)
	for i := range objs {
		objs[i] = unrelatedSecret(fmt.Sprintf("unrelated-%d", i%namespaces), i, payload)
	}
	return createAll(ctx, s.c, objs)
}

// curve measures the time to Ready for each N, each in a fresh environment.
func curve(ctx context.Context, c config, res *results) error {
	for _, n := range c.curve {
		fmt.Printf("Scale curve: N=%d\n", n)
		p, err := curvePointRun(ctx, c, n)
		res.Curve = append(res.Curve, p)
		if err != nil {
			return err
		}
	}
	return nil
}

func curvePointRun(ctx context.Context, c config, n int) (p curvePoint, err error) {
	p.N = n
	s, err := startSession(ctx, c, filepath.Join(c.stateDir, fmt.Sprintf("curve-%d", n)))
	if err != nil {
		return p, err
	}
	defer func() { err = s.close(err) }()
	if err := s.setupNamespace(ctx, "bench"); err != nil {
		return p, err
	}
	r, err := s.measureCreate(ctx, "bench", n)
	p.Seconds, p.WritesPerAccount, p.Duplicates = r.Seconds, r.WritesPerAccount, r.Duplicates
	p.SecondsPer1000 = r.Seconds / float64(n) * 1000
	return p, err
}
