// Package fault is the fault-injection and call-counting layer every sandbox
// wraps its routes in: fail the next N calls of an operation, add latency
// (with occasional spikes), commit a call then fail or drop its response,
// answer 429 above a rate, and record the highest request rate seen.
package fault

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Rule is one injected fault for an operation ("*" matches every operation).
type Rule struct {
	Operation string `json:"operation"`
	// Count is how many calls the rule applies to; 0 means until cleared.
	Count int `json:"count"`
	// Status is the HTTP status to answer with (Fail, CommitThenFail).
	Status int `json:"status,omitempty"`
	// RetryAfterSeconds, when set, is sent as Retry-After.
	RetryAfterSeconds int `json:"retryAfterSeconds,omitempty"`
	// Mode: Fail (answer Status without doing anything), CommitThenFail (do the
	// work, then answer Status), CommitThenDrop (do the work, then close the
	// connection without a response).
	Mode Mode `json:"mode"`
	// Probability in (0,1] applies the rule to that share of calls; 0 means 1.
	Probability float64 `json:"probability,omitempty"`
}

// Mode says what a rule does.
type Mode string

// Modes.
const (
	Fail           Mode = "Fail"
	CommitThenFail Mode = "CommitThenFail"
	CommitThenDrop Mode = "CommitThenDrop"
)

// Latency is added to every call: Fixed plus a uniform random part up to
// Jitter, plus Spike for a SpikeProbability share of calls.
type Latency struct {
	Fixed            time.Duration `json:"fixed"`
	Jitter           time.Duration `json:"jitter"`
	Spike            time.Duration `json:"spike,omitempty"`
	SpikeProbability float64       `json:"spikeProbability,omitempty"`
}

// Injector holds the faults and counters of one sandbox. Safe for concurrent use.
type Injector struct {
	mu      sync.Mutex
	rules   []*Rule
	latency Latency
	limiter *limiter
	calls   map[string]int
	writes  map[string]int // by account id: calls that change an existing account
	codes   map[string]map[int]int
	rates   *rates
	now     func() time.Time // the clock; tests replace it
}

// New returns an injector with no faults.
func New() *Injector {
	return &Injector{calls: map[string]int{}, writes: map[string]int{}, codes: map[string]map[int]int{},
		rates: newRates(), now: time.Now}
}

// Add appends a rule.
func (in *Injector) Add(r Rule) {
	in.mu.Lock()
	defer in.mu.Unlock()
	rc := r
	in.rules = append(in.rules, &rc)
}

// FailNext makes the next n calls of op answer status (with Retry-After seconds if > 0).
func (in *Injector) FailNext(op string, n, status, retryAfter int) {
	in.Add(Rule{Operation: op, Count: n, Status: status, RetryAfterSeconds: retryAfter, Mode: Fail})
}

// SetLatency sets the latency added to every call.
func (in *Injector) SetLatency(l Latency) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.latency = l
}

// SetRateLimit answers 429 above rps requests per second (burst allowed); 0 disables.
func (in *Injector) SetRateLimit(rps float64, burst int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.limiter = nil
	if rps > 0 {
		in.limiter = newLimiter(rps, burst, in.now())
	}
}

// Reset clears every fault, the latency and the rate limit (not the counters).
func (in *Injector) Reset() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules, in.latency, in.limiter = nil, Latency{}, nil
}

// Calls returns a copy of the per-operation call counts.
func (in *Injector) Calls() map[string]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make(map[string]int, len(in.calls))
	for k, v := range in.calls {
		out[k] = v
	}
	return out
}

// Codes returns a copy of the per-operation counts of answered status codes.
func (in *Injector) Codes() map[string]map[int]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make(map[string]map[int]int, len(in.codes))
	for op, m := range in.codes {
		out[op] = make(map[int]int, len(m))
		for c, n := range m {
			out[op][c] = n
		}
	}
	return out
}

// ResetCalls zeroes the counters and the peak rates.
func (in *Injector) ResetCalls() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.calls, in.writes, in.codes, in.rates = map[string]int{}, map[string]int{}, map[string]map[int]int{}, newRates()
}

// AccountWrite counts a call that would change the existing upstream account
// id (an update, a move, a rename, a token issued for it, a delete), whatever
// its answer: tests count one account's writes on a sandbox that other
// accounts share. The sandboxes call it from their handlers, so a call failed
// by an injected fault before its handler is not counted.
func (in *Injector) AccountWrite(id string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.writes[id]++
}

// AccountWrites returns a copy of the counts of AccountWrite, by account id.
func (in *Injector) AccountWrites() map[string]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make(map[string]int, len(in.writes))
	for k, v := range in.writes {
		out[k] = v
	}
	return out
}

// decision is what happens to one call.
type decision struct {
	rule    *Rule // nil: no fault
	limited bool
	delay   time.Duration
}

func (in *Injector) decide(op string) decision {
	in.mu.Lock()
	defer in.mu.Unlock()
	now := in.now()
	in.calls[op]++
	in.rates.add(op, now)
	d := decision{delay: in.latency.Fixed}
	if in.latency.Jitter > 0 {
		d.delay += time.Duration(rand.Int64N(int64(in.latency.Jitter)))
	}
	if in.latency.Spike > 0 && rand.Float64() < in.latency.SpikeProbability {
		d.delay += in.latency.Spike
	}
	if in.limiter != nil && !in.limiter.allow(now) {
		d.limited = true
		return d
	}
	for i, r := range in.rules {
		if r.Operation != "*" && r.Operation != op {
			continue
		}
		if r.Probability > 0 && rand.Float64() >= r.Probability {
			continue
		}
		d.rule = r
		if r.Count > 0 {
			r.Count--
			if r.Count == 0 {
				in.rules = append(in.rules[:i:i], in.rules[i+1:]...)
			}
		}
		break
	}
	return d
}

func (in *Injector) recordCode(op string, code int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.codes[op] == nil {
		in.codes[op] = map[int]int{}
	}
	in.codes[op][code]++
}

// limiter is a token bucket.
type limiter struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newLimiter(rps float64, burst int, now time.Time) *limiter {
	b := float64(max(burst, 1))
	return &limiter{rate: rps, burst: b, tokens: b, last: now}
}

func (l *limiter) allow(now time.Time) bool {
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}
