package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/account-operator/account-operator/internal/localenv"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// upstreamAccount is an account as the sandbox holds it.
type upstreamAccount = localenv.UpstreamAccount

// upstreamAccounts lists each upstream's accounts by upstream name.
func (h *harness) upstreamAccounts(ctx context.Context) (map[string][]upstreamAccount, error) {
	out := map[string][]upstreamAccount{}
	for _, u := range localenv.Upstreams {
		l, err := h.env.UpstreamAccounts(ctx, u)
		if err != nil {
			return nil, err
		}
		out[u] = l
	}
	return out, nil
}

// byKey groups a scenario's upstream accounts by key; keys start with the
// scenario's name, so other scenarios' accounts and the sandbox's seeded
// ones are left out.
func byKey(up map[string][]upstreamAccount, scenario string) map[string][]upstreamAccount {
	out := map[string][]upstreamAccount{}
	for u, l := range up {
		for _, a := range l {
			if strings.HasPrefix(a.Key, scenario+"-") {
				out[u+"/"+a.Key] = append(out[u+"/"+a.Key], a)
			}
		}
	}
	return out
}

// countCreated counts a scenario's upstream accounts.
func (h *harness) countCreated(ctx context.Context, scenario string) (int, error) {
	up, err := h.upstreamAccounts(ctx)
	n := 0
	for _, l := range byKey(up, scenario) {
		n += len(l)
	}
	return n, err
}

// collectCounters reads each upstream's call counts, answered codes and peak
// request rate into r.
func (h *harness) collectCounters(ctx context.Context, r *Result, n int) error {
	r.Upstreams = map[string]*UpstreamStats{}
	for _, u := range upstreams {
		s := &UpstreamStats{}
		var codes map[string]map[string]int
		var rates fault.Rates
		if err := h.env.AdminGet(ctx, "/"+u+"/calls", &s.Calls); err != nil {
			return err
		}
		if err := h.env.AdminGet(ctx, "/"+u+"/codes", &codes); err != nil {
			return err
		}
		if err := h.env.AdminGet(ctx, "/"+u+"/rate", &rates); err != nil {
			return err
		}
		for _, c := range s.Calls {
			s.TotalCalls += c
		}
		for _, byCode := range codes {
			for code, c := range byCode {
				switch v, _ := strconv.Atoi(code); {
				case v == 0:
					s.CommittedNoAnswer += c
				case v == 429:
					s.Answered429 += c
				case v >= 500:
					s.Answered5xx += c
				}
			}
		}
		s.CreateCalls = s.Calls["CreateAccount"]
		s.CreateCallsPerAccount = float64(s.CreateCalls) / float64(n)
		s.PeakRequestsPerSecond, s.PeakAt, s.PeakByOperation = rates.Peak, rates.PeakAt, rates.ByOperation
		if r.RateLimit != nil {
			s.RateBound = r.RateLimit.RequestsPerSecond + r.RateLimit.Burst
		}
		r.Upstreams[u] = s
	}
	return nil
}

// resetSandbox clears every upstream's faults, latency, counters and peak
// rates; the accounts stay.
func (h *harness) resetSandbox(ctx context.Context) error {
	for _, u := range upstreams {
		if err := h.env.AdminPost(ctx, "/"+u+"/reset", struct{}{}); err != nil {
			return fmt.Errorf("reset the %s sandbox: %w", u, err)
		}
	}
	return nil
}

// latency is the body of POST /<upstream>/latency.
type latency struct {
	FixedMillis, JitterMillis, SpikeMillis int
	SpikeProbability                       float64
}

func (h *harness) setLatency(ctx context.Context, l latency) error {
	for _, u := range upstreams {
		if err := h.env.AdminPost(ctx, "/"+u+"/latency", l); err != nil {
			return err
		}
	}
	return nil
}
