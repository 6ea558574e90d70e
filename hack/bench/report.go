package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

// target is one of the targets and whether the run met it.
type target struct {
	Name     string `json:"name"`
	Measured string `json:"measured"`
	Met      bool   `json:"met"`
}

const mib = 1 << 20

func checkTargets(r *results, c config) []target {
	var t []target
	add := func(name string, met bool, format string, args ...any) {
		t = append(t, target{Name: name, Met: met, Measured: fmt.Sprintf(format, args...)})
	}
	if r.Create.N > 0 {
		add("all Ready within 2x the larger floor", r.Ratio <= 2, "%.2fx", r.Ratio)
		add("all Ready under 20 s (N=1000)", r.Create.Seconds < 20 || c.n != 1000, "%.1f s", r.Create.Seconds)
		ones := true
		for _, v := range r.Create.CreatesPerAccount {
			ones = ones && v == 1
		}
		add("exactly 1 create per Account, 0 duplicates", ones && r.Create.Duplicates == 0,
			"%s, %d duplicates", fmtPerUpstream(r.Create.CreatesPerAccount), r.Create.Duplicates)
		add("at most 5 API writes per Account during creation", r.Create.WritesPerAccount <= 5, "%.2f", r.Create.WritesPerAccount)
	}
	if r.Steady.Intervals > 0 {
		add("steady state: 0 API writes", r.Steady.Writes == 0, "%.0f", r.Steady.Writes)
		// Polls are jittered by ±10 %, so a window of whole intervals can hold
		// up to 10 % more polls than intervals: reads are judged per poll.
		add("steady state: at most 0.05 upstream calls per Account per poll (the token checks apart)",
			r.Steady.CallsPerAccountPoll <= 0.05, "%.3f", r.Steady.CallsPerAccountPoll)
		add("steady state: at most 1 upstream read per Account per poll", r.Steady.ReadsPerReconcile <= 1 &&
			r.Steady.ReconcilesPerPoll <= 1.1, "%.2f reads per poll, %.2f polls per Account per interval",
			r.Steady.ReadsPerReconcile, r.Steady.ReconcilesPerPoll)
	}
	if r.Restart.N > 0 {
		add("restart: 0 creates, 0 API writes (provider inventories catching up with the creates apart)",
			r.Restart.Creates == 0 && r.Restart.Writes <= float64(r.Restart.InventoryWrites),
			"%d creates, %.0f writes (%d inventories)", r.Restart.Creates, r.Restart.Writes, r.Restart.InventoryWrites)
	}
	if r.Unrelated.N > 0 {
		add("manager peak RSS under 150 MiB", r.PeakRSS < 150*mib, "%.1f MiB", float64(r.PeakRSS)/mib)
		add("RSS growth from unrelated Secrets under 10 MiB", r.RSSGrowth < 10*mib, "%.1f MiB", float64(r.RSSGrowth)/mib)
	}
	if f := r.Fairness; f.N > 0 {
		add("fairness: one Account of namespace B Ready under 5 s while A's are created", f.BSeconds < 5,
			"%.1f s", f.BSeconds)
		limit := float64(f.RequestsPerSecond)
		add("fairness: namespace A's run keeps the provider's rate (at least 90 % of it)",
			f.CallsPerSecond >= 0.9*limit, "%.1f of %.0f calls/s", f.CallsPerSecond, limit)
	}
	if l := r.Large; l != nil {
		base := r.Create.Seconds / float64(max(r.Create.N, 1)) * 1000
		add(fmt.Sprintf("N=%d: all Ready, time per 1000 within 1.25x of N=%d's", l.N, r.Create.N),
			l.Seconds > 0 && l.SecondsPer1000 <= 1.25*base, "%.2f s per 1000 against %.2f", l.SecondsPer1000, base)
		add(fmt.Sprintf("N=%d: manager peak RSS under 300 MiB", l.N), l.PeakRSSBytes > 0 && l.PeakRSSBytes < 300*mib,
			"%.1f MiB", float64(l.PeakRSSBytes)/mib)
		add(fmt.Sprintf("N=%d: steady state at most 0.05 calls per Account per poll, 0 API writes", l.N),
			l.Steady.Intervals > 0 && l.Steady.CallsPerAccountPoll <= 0.05 && l.Steady.Writes == 0,
			"%.3f calls, %.0f writes", l.Steady.CallsPerAccountPoll, l.Steady.Writes)
	}
	if len(r.Curve) >= 2 {
		first, last := r.Curve[0], r.Curve[len(r.Curve)-1]
		add("scale curve: linear, not worse", last.SecondsPer1000 <= 1.5*first.SecondsPer1000,
			"%.2f s per 1000 at N=%d, %.2f at N=%d", first.SecondsPer1000, first.N, last.SecondsPer1000, last.N)
	}
	return t
}

func fmtPerUpstream(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.2f", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func fmtCalls(c calls) string {
	var parts []string
	for _, u := range upstreams {
		ops := make([]string, 0, len(c[u]))
		for op := range c[u] {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			parts = append(parts, fmt.Sprintf("%s.%s=%d", u, op, c[u][op]))
		}
	}
	return strings.Join(parts, " ")
}

func printTable(out io.Writer, r *results) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "\nMachine\t%d cores, %s\n", r.Machine.Cores, r.Machine.GoVersion)
	fmt.Fprintf(w, "Manager flags\t%s\n", strings.Join(r.Settings.ManagerArgs, " "))
	f, cr := r.Floor, r.Create
	fmt.Fprintf(w, "API server floor (%d writes)\t%.2f s (%.0f writes/s)\n", f.Writes, f.Seconds, f.WritesPerSecond)
	fmt.Fprintf(w, "Upstream floor\t%.2f s (%d x %.2f calls x %.0f ms / %d workers)\n",
		f.UpstreamSeconds, f.N, f.UpstreamCalls, f.UpstreamLatency*1000, f.Concurrency)
	fmt.Fprintf(w, "Operator: N=%d all Ready\t%.2f s (applied in %.2f s), %.2fx the larger floor\n", cr.N, cr.Seconds, cr.ApplySeconds, r.Ratio)
	fmt.Fprintf(w, "  upstream calls per Account\t%s\n", fmtPerUpstream(cr.CallsPerAccount))
	fmt.Fprintf(w, "  creates per Account\t%s; duplicates %d\n", fmtPerUpstream(cr.CreatesPerAccount), cr.Duplicates)
	fmt.Fprintf(w, "  API writes per Account\t%.2f (%s)\n", cr.WritesPerAccount, fmtRequests(cr.APIRequests))
	fmt.Fprintf(w, "  upstream calls\t%s\n", fmtCalls(cr.UpstreamCalls))
	fmt.Fprintf(w, "  manager\tpeak RSS %.1f MiB, CPU %.1f s\n", float64(cr.Manager.PeakRSSBytes)/mib, cr.Manager.CPUSeconds)
	st := r.Steady
	fmt.Fprintf(w, "Steady state (%d x %.0f s)\t%.2f reconciles, %.2f reads and %.2f calls per Account per interval, %.0f API writes\n",
		st.Intervals, st.PollSeconds, st.ReconcilesPerPoll, st.ReadsPerAccountPoll, st.CallsPerAccountPoll, st.Writes)
	fmt.Fprintf(w, "  token checks (apart)\t%d in the phase (VectorCharts tokenCheckInterval, 1h by default: about %.1f expected)\n",
		st.TokenChecks, float64(st.Intervals)*st.PollSeconds/3600*float64(r.Settings.N/3))
	printRestart(w, "Restart", r.Restart)
	printRestart(w, fmt.Sprintf("Restart with %d unrelated Secrets", r.Settings.UnrelatedSecrets), r.Unrelated)
	fmt.Fprintf(w, "Manager peak RSS (all phases)\t%.1f MiB; growth from unrelated Secrets %.1f MiB\n",
		float64(r.PeakRSS)/mib, float64(r.RSSGrowth)/mib)
	printWriteCosts(w, r.WriteCosts)
	printFairness(w, r.Fairness)
	for _, p := range r.Curve {
		fmt.Fprintf(w, "Scale curve N=%d\t%.2f s (%.2f s per 1000), %.2f writes per Account, %d duplicates\n",
			p.N, p.Seconds, p.SecondsPer1000, p.WritesPerAccount, p.Duplicates)
	}
	if l := r.Large; l != nil {
		fmt.Fprintf(w, "Large N=%d\t%.2f s to all Ready (%.2f s per 1000), peak RSS %.1f MiB; steady %.3f calls per Account per interval, %.0f API writes\n",
			l.N, l.Seconds, l.SecondsPer1000, float64(l.PeakRSSBytes)/mib, l.Steady.CallsPerAccountPoll, l.Steady.Writes)
	}
	fmt.Fprintf(w, "Wall time\t%.0f s\n\nTargets\n", r.WallSeconds)
	for _, t := range r.Targets {
		mark := "MET"
		if !t.Met {
			mark = "NOT MET"
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\n", t.Name, t.Measured, mark)
	}
	_ = w.Flush()
}

func printRestart(w io.Writer, name string, r restartResult) {
	fmt.Fprintf(w, "%s\t%.2f s to re-verify %d, %d creates, %.0f API writes, peak RSS %.1f MiB, CPU %.1f s\n",
		name, r.Seconds, r.N, r.Creates, r.Writes, float64(r.Manager.PeakRSSBytes)/mib, r.Manager.CPUSeconds)
	fmt.Fprintf(w, "  upstream calls\t%s\n", fmtCalls(r.UpstreamCalls))
}

func fmtRequests(r apiRequests) string {
	methods := make([]string, 0, len(r))
	for m := range r {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	parts := make([]string, 0, len(methods))
	for _, m := range methods {
		parts = append(parts, fmt.Sprintf("%s %.0f", m, r[m]))
	}
	return strings.Join(parts, ", ")
}

func writeJSON(path string, r *results) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func printFairness(w io.Writer, f fairnessResult) {
	if f.N == 0 {
		return
	}
	fmt.Fprintf(w, "Fairness (%s, %d/s, burst %d)\tnamespace B's Account Ready in %.2f s (applied with %d of A's %d Ready; %d Ready when B was)\n",
		f.Upstream, f.RequestsPerSecond, f.Burst, f.BSeconds, f.AReadyAtBApply, f.N, f.AReadyAtBReady)
	fmt.Fprintf(w, "  namespace A\tall %d Ready in %.2f s, %d upstream calls (%.1f/s from B's apply on), %d duplicates\n",
		f.N, f.ASeconds, f.UpstreamCalls, f.CallsPerSecond, f.Duplicates)
}

// printWriteCosts prints the API server's CPU per kind of write and what the
// writes of one Account cost against the floor's.
func printWriteCosts(w io.Writer, wc *writeCostResult) {
	if wc == nil || wc.FloorMillis == 0 {
		return
	}
	fmt.Fprintf(w, "API server CPU per write (%d Accounts per set)\t", wc.N)
	var parts []string
	for _, k := range writeCostOrder {
		parts = append(parts, fmt.Sprintf("%s %.2f ms", k, wc.MillisPerWrite[k]))
	}
	fmt.Fprintf(w, "%s\n", strings.Join(parts, "; "))
	fmt.Fprintf(w, "  per Account\tfloor's writes %.2f ms, operator's writes %.2f ms: %.2fx (the ratio its writes alone give at the floor's throughput)\n",
		wc.FloorMillis, wc.OperatorMillis, wc.Ratio)
}
