package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// rateBoundNote explains the storm's rate check; the table and the JSON file
// both carry it.
const rateBoundNote = "peak = most requests the sandbox received within any sliding 1 s window " +
	"(every call counted, faulted ones too). A token bucket of rate r and burst b lets at most " +
	"b + r requests through in any 1 s (a full bucket plus 1 s of refill), so the storm checks " +
	"peak <= requestsPerSecond + burst per provider. The bucket lives in the manager process " +
	"(a restart refills it), so the storm does not kill the manager."

// report is the JSON file: every scenario's result.
type report struct {
	StartedAt     time.Time      `json:"startedAt"`
	WallSeconds   float64        `json:"wallSeconds"`
	Config        map[string]any `json:"config"`
	Scenarios     []*Result      `json:"scenarios"`
	RateBoundNote string         `json:"rateBoundNote"`
	Pass          bool           `json:"pass"`
}

func (rep *report) finish(wall time.Duration) {
	rep.WallSeconds = seconds(wall)
	rep.Pass = len(rep.Scenarios) > 0 && len(rep.failed()) == 0
}

// failed lists each failed scenario with its reasons.
func (rep *report) failed() []string {
	var out []string
	for _, r := range rep.Scenarios {
		if !r.Pass {
			out = append(out, r.Scenario+": "+strings.Join(r.Failed, ", "))
		}
	}
	return out
}

func writeJSON(path string, rep *report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// row is one line of the table: a label and a cell per scenario.
type row struct {
	label string
	cell  func(*Result) string
}

// perUpstream joins one figure of each upstream as ccm/scp/vectorcharts.
func perUpstream(f func(*UpstreamStats) string) func(*Result) string {
	return func(r *Result) string {
		if r.Upstreams == nil {
			return "-"
		}
		var parts []string
		for _, u := range upstreams {
			parts = append(parts, f(r.Upstreams[u]))
		}
		return strings.Join(parts, "/")
	}
}

func outage(f func(*APIServerStats) string) func(*Result) string {
	return func(r *Result) string {
		if r.APIServer == nil {
			return "-"
		}
		return f(r.APIServer)
	}
}

func failedOver(f func(*HAStats) string) func(*Result) string {
	return func(r *Result) string {
		if r.HA == nil {
			return "-"
		}
		return f(r.HA)
	}
}

func rotated(f func(*RotationStats) string) func(*Result) string {
	return func(r *Result) string {
		if r.Rotation == nil {
			return "-"
		}
		return f(r.Rotation)
	}
}

var tableRows = []row{
	{"Accounts", func(r *Result) string { return fmt.Sprint(r.Accounts) }},
	{"time to all Ready (s)", func(r *Result) string { return secs(r.Converged, r.ConvergeSeconds) }},
	{"time to all deleted (s)", func(r *Result) string { return secs(r.Deleted, r.DeleteSeconds) }},
	{"duplicates upstream (must be 0)", func(r *Result) string { return fmt.Sprint(r.Duplicates) }},
	{"status.accountID not its upstream account (must be 0)", func(r *Result) string { return fmt.Sprint(r.Unmatched) }},
	{"upstream accounts no Account asked for (must be 0)", func(r *Result) string { return fmt.Sprint(r.Strays) }},
	{"connection Secret lacks keys/token (must be 0)", func(r *Result) string { return fmt.Sprint(r.BadSecrets) }},
	{"upstream accounts left after deletion (must be 0)", func(r *Result) string { return fmt.Sprint(r.LeftAfterDelete) }},
	{"VectorCharts API tokens beyond one per account", func(r *Result) string { return fmt.Sprint(r.ExtraTokens) }},
	{"manager SIGKILLs", func(r *Result) string { return fmt.Sprint(r.ManagerKills) }},
	{"manager exits not caused by the harness", func(r *Result) string { return fmt.Sprint(r.ManagerExits) }},
	{"manager starts retried: listener port taken", func(r *Result) string { return fmt.Sprint(r.PortRaces) }},
	{"upstream calls ccm/scp/vectorcharts", perUpstream(func(s *UpstreamStats) string { return fmt.Sprint(s.TotalCalls) })},
	{"  answered 5xx", perUpstream(func(s *UpstreamStats) string { return fmt.Sprint(s.Answered5xx) })},
	{"  answered 429", perUpstream(func(s *UpstreamStats) string { return fmt.Sprint(s.Answered429) })},
	{"  committed, connection dropped", perUpstream(func(s *UpstreamStats) string { return fmt.Sprint(s.CommittedNoAnswer) })},
	{"CreateAccount calls per Account", perUpstream(func(s *UpstreamStats) string { return fmt.Sprintf("%.2f", s.CreateCallsPerAccount) })},
	{"peak requests in 1 s", perUpstream(func(s *UpstreamStats) string { return fmt.Sprint(s.PeakRequestsPerSecond) })},
	{"  bound rps+burst (storm)", func(r *Result) string {
		if r.RateLimit == nil {
			return "-"
		}
		return fmt.Sprintf("%d (%d+%d)", r.RateLimit.RequestsPerSecond+r.RateLimit.Burst, r.RateLimit.RequestsPerSecond, r.RateLimit.Burst)
	}},
	{"kube-apiserver down, of which starting (s)", outage(func(a *APIServerStats) string {
		return fmt.Sprintf("%s, %.1f", secs(a.Stopped, a.DownSeconds), a.StartSeconds)
	})},
	{"  upstream created / Ready at stop", outage(func(a *APIServerStats) string {
		return fmt.Sprintf("%d/%d", a.UpstreamCreatedAtStop, a.ReadyAtStop)
	})},
	{"  manager exited", outage(func(a *APIServerStats) string { return fmt.Sprint(a.ManagerExited) })},
	{"  all Ready after its return (s)", outage(func(a *APIServerStats) string { return fmt.Sprintf("%.1f", a.RecoverySeconds) })},
	{"token rotations requested (rounds x Accounts)", rotated(func(s *RotationStats) string {
		return fmt.Sprintf("%d (%d x %d)", s.Requested, s.Rounds, s.Requested/max(1, s.Rounds))
	})},
	{"  handled before the next round", rotated(func(s *RotationStats) string { return fmt.Sprint(s.HandledBeforeNext) })},
	{"  settled after the last round (s)", rotated(func(s *RotationStats) string { return secs(s.Settled, s.SettledSeconds) })},
	{"  last rotation not handled (must be 0)", rotated(func(s *RotationStats) string { return fmt.Sprint(s.NotHandled) })},
	{"  token older than the last rotation (must be 0)", rotated(func(s *RotationStats) string { return fmt.Sprint(s.TokenTooOld) })},
	{"leader SIGKILLed: created upstream / Ready at the kill", failedOver(func(s *HAStats) string {
		return fmt.Sprintf("%d/%d", s.UpstreamCreatedAtKill, s.ReadyAtKill)
	})},
	{"  standby idle before the kill", failedOver(func(s *HAStats) string { return fmt.Sprint(s.StandbyIdleBeforeKill) })},
	{"  standby acquired the lease after (s)", failedOver(func(s *HAStats) string { return secs(s.TookOver, s.TakeoverSeconds) })},
	{"    bound lease+2x(2.2xretry+1s) (s)", failedOver(func(s *HAStats) string { return fmt.Sprintf("%.1f", s.TakeoverBoundSeconds) })},
	{"  first progress after (s)", failedOver(func(s *HAStats) string { return secs(s.ProgressAfterTakeover, s.FirstProgressSeconds) })},
	{"  killed replica back as standby", failedOver(func(s *HAStats) string { return fmt.Sprint(s.RestartedStayedStandby) })},
	{"leader stopped (SIGTERM): exited / lease taken after (s)", failedOver(func(s *HAStats) string {
		return fmt.Sprintf("%.1f / %s", s.ShutdownSeconds, secs(s.HandedOver, s.HandoverSeconds))
	})},
	{"  bound exit+2.2xretry+1s (s)", failedOver(func(s *HAStats) string { return fmt.Sprintf("%.1f", s.HandoverBoundSeconds) })},
	{"lost tokens: Secret's token not valid upstream (must be 0)", func(r *Result) string {
		switch {
		case r.Rotation != nil:
			return fmt.Sprint(r.Rotation.LostTokens)
		case r.HA != nil:
			return fmt.Sprint(r.HA.LostTokens)
		}
		return "-"
	}},
	{"stray valid tokens, minted by the operator (must be 0)", rotated(func(s *RotationStats) string { return fmt.Sprint(s.StrayMinted) })},
	{"stray valid tokens, initial ones of creates (must be 0)", rotated(func(s *RotationStats) string { return fmt.Sprint(s.StrayInitial) })},
	{"stray valid tokens, other names (must be 0)", rotated(func(s *RotationStats) string { return fmt.Sprint(s.StrayOther) })},
	{"result", func(r *Result) string {
		if r.Pass {
			return "PASS"
		}
		return "FAIL"
	}},
}

func secs(ok bool, s float64) string {
	if !ok {
		return "not done"
	}
	return fmt.Sprintf("%.1f", s)
}

// printTable prints the summary table, the calls by operation and what
// made any scenario fail.
func printTable(w io.Writer, rep *report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "\nfigure")
	for _, r := range rep.Scenarios {
		fmt.Fprint(tw, "\t"+r.Scenario)
	}
	fmt.Fprintln(tw)
	for _, row := range tableRows {
		fmt.Fprint(tw, row.label)
		for _, r := range rep.Scenarios {
			fmt.Fprint(tw, "\t"+row.cell(r))
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nwall time %.1fs. %s\n", rep.WallSeconds, rateBoundNote)
	for _, r := range rep.Scenarios {
		printCalls(w, r)
		for _, f := range r.Failed {
			fmt.Fprintf(w, "%s FAILED: %s\n", r.Scenario, f)
		}
		for _, d := range r.Details {
			fmt.Fprintf(w, "%s: %s\n", r.Scenario, d)
		}
	}
}

func printCalls(w io.Writer, r *Result) {
	for _, u := range upstreams {
		s := r.Upstreams[u]
		if s == nil {
			continue
		}
		ops := make([]string, 0, len(s.Calls))
		for op := range s.Calls {
			ops = append(ops, op)
		}
		slices.Sort(ops)
		var parts []string
		for _, op := range ops {
			parts = append(parts, fmt.Sprintf("%s=%d", op, s.Calls[op]))
		}
		fmt.Fprintf(w, "%s calls to %s: %s\n", r.Scenario, u, strings.Join(parts, " "))
	}
}
