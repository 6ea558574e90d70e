package fault

import "time"

// RateWindow is the span over which request rates are measured.
const RateWindow = time.Second

// Rates is the highest number of requests that arrived within any one
// RateWindow, over the whole sandbox and per operation, since the last
// reset. Every call counts, including those answered with an injected fault
// or a 429: the client sent them all.
type Rates struct {
	WindowMillis int64          `json:"windowMillis"`
	Peak         int            `json:"peak"`
	PeakAt       time.Time      `json:"peakAt,omitzero"`
	ByOperation  map[string]int `json:"byOperation"`
}

// rates tracks the sliding windows of one injector; the injector's mutex
// guards it.
type rates struct {
	all  window
	byOp map[string]*window
}

func newRates() *rates { return &rates{byOp: map[string]*window{}} }

func (r *rates) add(op string, now time.Time) {
	r.all.add(now)
	w := r.byOp[op]
	if w == nil {
		w = &window{}
		r.byOp[op] = w
	}
	w.add(now)
}

func (r *rates) snapshot() Rates {
	out := Rates{WindowMillis: RateWindow.Milliseconds(), Peak: r.all.peak, PeakAt: r.all.peakAt,
		ByOperation: make(map[string]int, len(r.byOp))}
	for op, w := range r.byOp {
		out.ByOperation[op] = w.peak
	}
	return out
}

// window holds the arrival times within the last RateWindow, oldest first,
// and the most it ever held. The most requests in any window of that length
// is always reached by a window that ends at an arrival, so checking at
// each arrival finds the true peak.
type window struct {
	times  []time.Time
	peak   int
	peakAt time.Time
}

// add records an arrival at now; arrivals at or before now-RateWindow drop
// out, so the window is the half-open interval (now-RateWindow, now].
func (w *window) add(now time.Time) {
	cut := now.Add(-RateWindow)
	i := 0
	for i < len(w.times) && !w.times[i].After(cut) {
		i++
	}
	w.times = append(w.times[i:], now)
	if n := len(w.times); n > w.peak {
		w.peak, w.peakAt = n, now
	}
}

// Rates returns the peak request rates since the last reset.
func (in *Injector) Rates() Rates {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rates.snapshot()
}
