package fault

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// at is a time ms milliseconds after a fixed origin.
func at(ms int) time.Time {
	return time.Unix(1_700_000_000, 0).Add(time.Duration(ms) * time.Millisecond)
}

func TestWindowFindsTheBusiestSecond(t *testing.T) {
	var w window
	// Ten calls 100ms apart: all within one second.
	for i := range 10 {
		w.add(at(i * 100))
	}
	if w.peak != 10 {
		t.Fatalf("peak after 10 calls in 0.9s = %d, want 10", w.peak)
	}
	// Exactly one second after the first: the first drops out, (0, 1000].
	w.add(at(1000))
	if w.peak != 10 || len(w.times) != 10 {
		t.Fatalf("peak=%d held=%d, want 10 and 10", w.peak, len(w.times))
	}
	// A quiet spell empties the window; then a burst of 12 sets a new peak.
	for i := range 12 {
		w.add(at(5000 + i))
	}
	if w.peak != 12 || !w.peakAt.Equal(at(5011)) {
		t.Fatalf("peak=%d at %v, want 12 at %v", w.peak, w.peakAt, at(5011))
	}
	// A steady 5 per second never raises it.
	for i := range 50 {
		w.add(at(7000 + i*200))
	}
	if w.peak != 12 || len(w.times) != 5 {
		t.Fatalf("peak=%d held=%d, want 12 and 5", w.peak, len(w.times))
	}
}

// TestRateEndpoint drives calls through Wrap on a fake clock and reads the
// peaks from GET /rate, per sandbox and per operation; reset zeroes them.
func TestRateEndpoint(t *testing.T) {
	in := New()
	var clock atomic.Int64
	in.now = func() time.Time { return at(int(clock.Load())) }
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	mux := http.NewServeMux()
	mux.Handle("/create", in.Wrap("Create", ok))
	mux.Handle("/get", in.Wrap("Get", ok))
	mux.Handle("/admin/", http.StripPrefix("/admin", in.AdminHandler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	in.FailNext("*", 3, 500, 0) // faulted calls count: the client sent them
	for i := range 6 {          // 6 creates and 6 gets in the first second
		clock.Store(int64(i * 150))
		post(t, srv.URL+"/create")
		post(t, srv.URL+"/get")
	}
	for i := range 4 { // then 4 gets per second for 3 seconds
		clock.Store(int64(2000 + i*250))
		post(t, srv.URL+"/get")
	}
	r := readRates(t, srv.URL)
	if r.Peak != 12 || r.ByOperation["Create"] != 6 || r.ByOperation["Get"] != 6 || r.WindowMillis != 1000 {
		t.Fatalf("rates = %+v, want peak 12, Create 6, Get 6 over 1000ms", r)
	}
	if !r.PeakAt.Equal(at(750)) {
		t.Fatalf("peakAt = %v, want %v", r.PeakAt, at(750))
	}
	resp, err := http.Post(srv.URL+"/admin/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if r := readRates(t, srv.URL); r.Peak != 0 || len(r.ByOperation) != 0 {
		t.Fatalf("after reset: %+v", r)
	}
}

func post(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
}

func readRates(t *testing.T, base string) Rates {
	t.Helper()
	resp, err := http.Get(base + "/admin/rate")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r Rates
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLatencySpikes(t *testing.T) {
	in := New()
	srv := httptest.NewServer(http.StripPrefix("/admin", in.AdminHandler()))
	t.Cleanup(srv.Close)
	set := func(body string) int {
		resp, err := http.Post(srv.URL+"/admin/latency", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if code := set(`{"FixedMillis": 5, "SpikeMillis": 300, "SpikeProbability": 1}`); code != http.StatusNoContent {
		t.Fatalf("POST latency: %d", code)
	}
	if d := in.decide("Op").delay; d != 305*time.Millisecond {
		t.Fatalf("delay with a certain spike = %v, want 305ms", d)
	}
	set(`{"FixedMillis": 5, "SpikeMillis": 300, "SpikeProbability": 0}`)
	if d := in.decide("Op").delay; d != 5*time.Millisecond {
		t.Fatalf("delay with no spike = %v, want 5ms", d)
	}
	if code := set(`{"SpikeMillis": 300, "SpikeProbability": 1.5}`); code != http.StatusBadRequest {
		t.Fatalf("SpikeProbability 1.5 answered %d, want 400", code)
	}
}

// TestClearFaultsKeepsCounters: DELETE /faults ends the faults and the
// latency at once, and the counters and the peak rate of the calls before it
// stay (a chaos run stops its storm and still reports the whole run).
func TestClearFaultsKeepsCounters(t *testing.T) {
	in := New()
	in.now = func() time.Time { return at(0) } // both calls in one second
	mux := http.NewServeMux()
	var committed atomic.Int32
	mux.Handle("/create", in.Wrap("Create", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { committed.Add(1) })))
	mux.Handle("/admin/", http.StripPrefix("/admin", in.AdminHandler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	in.Add(Rule{Operation: "*", Mode: Fail, Status: 500})
	if code, _, err := get(t, srv.URL+"/create"); err != nil || code != 500 {
		t.Fatalf("with the fault: %d, %v; want 500", code, err)
	}
	in.SetLatency(Latency{Fixed: time.Hour})
	req, err := http.NewRequest(http.MethodDelete, srv.URL+"/admin/faults", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE /faults = %d", resp.StatusCode)
	}
	in.mu.Lock()
	lat := in.latency
	in.mu.Unlock()
	if lat != (Latency{}) {
		t.Fatalf("latency after DELETE /faults: %+v, want none", lat)
	}
	if code, _, err := get(t, srv.URL+"/create"); err != nil || code != 200 || committed.Load() != 1 {
		t.Fatalf("after DELETE /faults: %d, %v, %d committed; want 200 and 1", code, err, committed.Load())
	}
	if c := in.Calls()["Create"]; c != 2 {
		t.Fatalf("Create calls = %d, want 2 (the counters stay)", c)
	}
	if r := readRates(t, srv.URL); r.Peak != 2 {
		t.Fatalf("peak = %d, want 2 (the peak stays)", r.Peak)
	}
}
