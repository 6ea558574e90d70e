package fault

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Wrap applies the injector to h, counting calls as op.
func (in *Injector) Wrap(op string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := in.decide(op)
		if d.delay > 0 {
			select {
			case <-time.After(d.delay):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case d.limited:
			in.recordCode(op, http.StatusTooManyRequests)
			w.Header().Set("Retry-After", "1")
			writeFault(w, http.StatusTooManyRequests)
		case d.rule == nil:
			rec := &recorder{ResponseWriter: w, code: http.StatusOK}
			h.ServeHTTP(rec, r)
			in.recordCode(op, rec.code)
		case d.rule.Mode == CommitThenFail || d.rule.Mode == CommitThenDrop:
			h.ServeHTTP(&discard{header: http.Header{}}, r)
			in.recordCode(op, 0)
			if d.rule.Mode == CommitThenDrop {
				drop(w)
				return
			}
			failWith(w, d.rule)
		default:
			in.recordCode(op, d.rule.Status)
			failWith(w, d.rule)
		}
	})
}

func failWith(w http.ResponseWriter, r *Rule) {
	if r.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(r.RetryAfterSeconds))
	}
	status := r.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	writeFault(w, status)
}

func writeFault(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("injected fault: " + http.StatusText(status)))
}

// drop closes the connection with no response, as a crash after commit would.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

type discard struct {
	header http.Header
	buf    bytes.Buffer
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return d.buf.Write(b) }
func (d *discard) WriteHeader(int)             {}

// AdminHandler serves the fault and counter endpoints under a prefix the caller
// mounts (e.g. /admin/): GET calls, GET writes (AccountWrites), GET codes, GET rate (peak requests in
// any one second, see Rates), POST faults (a Rule), POST latency
// {FixedMillis, JitterMillis, SpikeMillis, SpikeProbability}, POST ratelimit
// {rps, burst}, DELETE faults (faults, latency and rate limit, keeping the
// counters and peak rates), POST reset (faults, counters and peak rates).
func (in *Injector) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /calls", func(w http.ResponseWriter, _ *http.Request) { WriteJSON(w, 200, in.Calls()) })
	mux.HandleFunc("GET /writes", func(w http.ResponseWriter, _ *http.Request) { WriteJSON(w, 200, in.AccountWrites()) })
	mux.HandleFunc("GET /codes", func(w http.ResponseWriter, _ *http.Request) { WriteJSON(w, 200, in.Codes()) })
	mux.HandleFunc("GET /rate", func(w http.ResponseWriter, _ *http.Request) { WriteJSON(w, 200, in.Rates()) })
	mux.HandleFunc("POST /faults", func(w http.ResponseWriter, r *http.Request) {
		var rule Rule
		if !readJSON(w, r, &rule) {
			return
		}
		in.Add(rule)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /faults", func(w http.ResponseWriter, _ *http.Request) {
		in.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /latency", func(w http.ResponseWriter, r *http.Request) {
		var l struct {
			FixedMillis, JitterMillis, SpikeMillis int
			SpikeProbability                       float64
		}
		if !readJSON(w, r, &l) {
			return
		}
		if l.FixedMillis < 0 || l.JitterMillis < 0 || l.SpikeMillis < 0 || l.SpikeProbability < 0 || l.SpikeProbability > 1 {
			http.Error(w, "latencies must not be negative and SpikeProbability must be in [0,1]", http.StatusBadRequest)
			return
		}
		in.SetLatency(Latency{Fixed: time.Duration(l.FixedMillis) * time.Millisecond,
			Jitter: time.Duration(l.JitterMillis) * time.Millisecond, Spike: time.Duration(l.SpikeMillis) * time.Millisecond,
			SpikeProbability: l.SpikeProbability})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /ratelimit", func(w http.ResponseWriter, r *http.Request) {
		var l struct {
			RPS   float64 `json:"rps"`
			Burst int     `json:"burst"`
		}
		if !readJSON(w, r, &l) {
			return
		}
		in.SetRateLimit(l.RPS, l.Burst)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, _ *http.Request) {
		in.Reset()
		in.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

// HandleVariants serves a simulator's behaviour switches at run time: GET
// /variants answers the switches in force, POST /variants sets them (unknown
// names refused, so a typo never passes silently as the default).
func HandleVariants[V any](mux *http.ServeMux, get func() V, set func(V) error) {
	mux.HandleFunc("GET /variants", func(w http.ResponseWriter, _ *http.Request) {
		WriteJSON(w, http.StatusOK, get())
	})
	mux.HandleFunc("POST /variants", func(w http.ResponseWriter, r *http.Request) {
		var v V
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
			return
		}
		if err := set(v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
