package main

import (
	"context"
	"fmt"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// Rules are tried in order and the first that matches a call applies, so
// each probability is conditional on the rules before it not applying: 20 %
// of all calls fail with 500, 0.05/0.8 of the rest (5 % of all) with 429
// and Retry-After, and 0.1/0.75 of the creates left (10 % of all creates)
// are done and then answered by a dropped connection.
var stormRules = []fault.Rule{
	{Operation: "*", Mode: fault.Fail, Status: 500, Probability: 0.2},
	{Operation: "*", Mode: fault.Fail, Status: 429, RetryAfterSeconds: 1, Probability: 0.05 / 0.8},
}

// stormDropP is the conditional drop probability of a create.
const stormDropP = 0.1 / 0.75

// createOps are the calls that create something upstream: an account in
// each, and an API token in VectorCharts (a dropped one is re-issued).
var createOps = map[string][]string{
	"ccm":          {"CreateAccount"},
	"scp":          {"CreateAccount"},
	"vectorcharts": {"CreateAccount", "CreateApiToken"},
}

// stormLatency is 10–100 ms per call, and a 3 s spike on 3 % of calls: long
// enough that calls pile up behind it and then go together, which is when a
// rate limit is most likely to be overrun.
var stormLatency = latency{FixedMillis: 10, JitterMillis: 90, SpikeMillis: 3000, SpikeProbability: 0.03}

// storm injects the faults; the manager is not killed, since its rate
// limiter lives in the process and a restart would refill the bucket.
type storm struct {
	h *harness
	r *Result
}

func (s *storm) setup(ctx context.Context) error {
	for _, u := range upstreams {
		rules := append([]fault.Rule{}, stormRules...)
		for _, op := range createOps[u] {
			rules = append(rules, fault.Rule{Operation: op, Mode: fault.CommitThenDrop, Probability: stormDropP})
		}
		for _, rule := range rules {
			if err := s.h.env.AdminPost(ctx, "/"+u+"/faults", rule); err != nil {
				return fmt.Errorf("storm: %w", err)
			}
		}
	}
	return s.h.setLatency(ctx, stormLatency)
}

func (s *storm) tick(ctx context.Context, _ bool) bool {
	s.h.ensureManager(ctx, s.r)
	return true
}
