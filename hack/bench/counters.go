package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/account-operator/account-operator/internal/localenv"
)

// calls are upstream calls by upstream and operation, from the sandbox.
type calls map[string]map[string]int

func sandboxCalls(ctx context.Context, env *localenv.Env) (calls, error) {
	out := calls{}
	for _, u := range upstreams {
		m := map[string]int{}
		if err := env.AdminGet(ctx, "/"+u+"/calls", &m); err != nil {
			return nil, err
		}
		out[u] = m
	}
	return out, nil
}

// minus is c - before, per operation.
func (c calls) minus(before calls) calls {
	out := calls{}
	for u, ops := range c {
		out[u] = map[string]int{}
		for op, n := range ops {
			if d := n - before[u][op]; d != 0 {
				out[u][op] = d
			}
		}
	}
	return out
}

// total sums the operations of one upstream whose name passes keep.
func (c calls) total(u string, keep func(op string) bool) int {
	n := 0
	for op, v := range c[u] {
		if keep(op) {
			n += v
		}
	}
	return n
}

func all(string) bool { return true }

func isCreate(op string) bool { return op == "CreateAccount" }

// isRead is an operation that only looks at one Account's upstream account:
// the drift check's calls. Provider checks are not counted.
func isRead(op string) bool {
	return (strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "List")) && !isProviderCheck(op) && !isTokenCheck(op)
}

// isTokenCheck is the liveness check of an issued VectorCharts token (once per
// spec.vectorCharts.tokenCheckInterval, 1h by default): a price the user
// chooses, counted apart from polling.
func isTokenCheck(op string) bool { return op == "ListOwnApiTokens" }

func notTokenCheck(op string) bool { return !isTokenCheck(op) }

// isProviderCheck is a call a provider makes for itself, not for an Account:
// the login and the credential check each provider poll makes.
func isProviderCheck(op string) bool {
	switch op {
	case "Login", "ListAccounts", "GetAllAccounts", "Version":
		return true
	}
	return false
}

// apiRequests are the manager's requests to the API server by HTTP method,
// from client-go's rest_client_requests_total on its metrics endpoint.
type apiRequests map[string]float64

func managerRequests(ctx context.Context, env *localenv.Env) (apiRequests, error) {
	samples, err := scrape(ctx, env)
	return requestsOf(samples), err
}

func requestsOf(samples []sample) apiRequests {
	out := apiRequests{}
	for _, s := range samples {
		if s.name == "rest_client_requests_total" {
			out[s.labels["method"]] += s.value
		}
	}
	return out
}

// managerConcurrency is the Account controller's worker count.
func managerConcurrency(ctx context.Context, env *localenv.Env) (int, error) {
	samples, err := scrape(ctx, env)
	return int(accountSum(samples, "controller_runtime_max_concurrent_reconciles")), err
}

// accountReconciles is how many reconciles of Accounts the manager finished.
func accountReconciles(ctx context.Context, env *localenv.Env) (float64, error) {
	samples, err := scrape(ctx, env)
	return accountSum(samples, "controller_runtime_reconcile_total"), err
}

// accountSum sums a metric's samples for the Account controller.
func accountSum(samples []sample, name string) float64 {
	v := 0.0
	for _, s := range samples {
		if s.name == name && s.labels["controller"] == "account" {
			v += s.value
		}
	}
	return v
}

// snapshot is every counter the bench compares, read at one moment: the
// sandbox's calls and the manager's API requests and Account reconciles.
type snapshot struct {
	calls      calls
	requests   apiRequests
	reconciles float64
}

func takeSnapshot(ctx context.Context, env *localenv.Env) (snapshot, error) {
	c, err := sandboxCalls(ctx, env)
	if err != nil {
		return snapshot{}, err
	}
	samples, err := scrape(ctx, env)
	if err != nil {
		return snapshot{}, err
	}
	return snapshot{calls: c, requests: requestsOf(samples), reconciles: accountSum(samples, "controller_runtime_reconcile_total")}, nil
}

// since is what happened between before and s.
func (s snapshot) since(before snapshot) snapshot {
	return snapshot{calls: s.calls.minus(before.calls), requests: s.requests.minus(before.requests),
		reconciles: s.reconciles - before.reconciles}
}

// sample is one sample of the manager's metrics.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// scrape reads the manager's metrics endpoint (counters and gauges).
func scrape(ctx context.Context, env *localenv.Env) ([]sample, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+env.MetricsAddr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("manager metrics: %s", resp.Status)
	}
	out, err := parseSamples(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("manager metrics: %w", err)
	}
	return out, nil
}

// parseSamples reads metrics in the text format (counters and gauges).
func parseSamples(r io.Reader) ([]sample, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	var out []sample
	for name, f := range families {
		for _, m := range f.GetMetric() {
			s := sample{name: name, labels: map[string]string{}, value: m.GetCounter().GetValue() + m.GetGauge().GetValue()}
			for _, l := range m.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// writes counts the mutating requests.
func (r apiRequests) writes() float64 {
	return r["POST"] + r["PUT"] + r["PATCH"] + r["DELETE"]
}

func (r apiRequests) minus(before apiRequests) apiRequests {
	out := apiRequests{}
	for m, v := range r {
		out[m] = v - before[m]
	}
	return out
}
