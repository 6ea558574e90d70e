package main

import (
	"fmt"
	"strings"
	"time"
)

// Result is one scenario's outcome; the JSON file holds one per scenario.
type Result struct {
	Scenario        string  `json:"scenario"`
	Accounts        int     `json:"accounts"`
	Converged       bool    `json:"converged"`
	ConvergeSeconds float64 `json:"convergeSeconds"`
	Deleted         bool    `json:"deleted"`
	DeleteSeconds   float64 `json:"deleteSeconds"`

	// Must be zero.
	Duplicates      int `json:"duplicatesUpstream"`
	Unmatched       int `json:"accountsNotMatchingTheirUpstreamAccount"`
	Strays          int `json:"upstreamAccountsNoAccountAskedFor"`
	BadSecrets      int `json:"accountsWithABadConnectionSecret"`
	LeftAfterDelete int `json:"upstreamAccountsLeftAfterDelete"`

	// Informational: API tokens beyond the one each VectorCharts account
	// needs, left upstream when a token was re-issued.
	ExtraTokens int `json:"vectorChartsExtraAPITokens"`

	ManagerKills  int `json:"managerKills"`
	ManagerExits  int `json:"managerExitsNotCausedByTheHarness"`
	ManagerStarts int `json:"managerStartsByTheHarness"`
	// Starts that failed because another process took the manager's
	// freshly picked listener port first; started again at once.
	PortRaces int `json:"managerStartsRetriedForAPortTaken"`

	RateLimit *rateLimit                `json:"rateLimit,omitempty"`
	Upstreams map[string]*UpstreamStats `json:"upstreams"`
	APIServer *APIServerStats           `json:"apiserver,omitempty"`
	Rotation  *RotationStats            `json:"rotation,omitempty"`
	HA        *HAStats                  `json:"ha,omitempty"`

	Details []string `json:"details,omitempty"` // what each non-zero figure is made of
	Errors  []string `json:"errors,omitempty"`
	Failed  []string `json:"failed,omitempty"`
	Pass    bool     `json:"pass"`
}

// UpstreamStats are one upstream's counters over a scenario.
type UpstreamStats struct {
	Calls                 map[string]int `json:"callsByOperation"`
	TotalCalls            int            `json:"totalCalls"`
	Answered5xx           int            `json:"answered5xx"`
	Answered429           int            `json:"answered429"`
	CommittedNoAnswer     int            `json:"committedThenDropped"`
	CreateCalls           int            `json:"createAccountCalls"`
	CreateCallsPerAccount float64        `json:"createAccountCallsPerAccount"`
	PeakRequestsPerSecond int            `json:"peakRequestsPerSecond"`
	PeakAt                time.Time      `json:"peakAt,omitzero"`
	PeakByOperation       map[string]int `json:"peakRequestsPerSecondByOperation"`
	RateBound             int            `json:"rateBound,omitempty"` // requestsPerSecond + burst, when a rateLimit is set
}

// APIServerStats describe the kube-apiserver outage.
type APIServerStats struct {
	Stopped               bool    `json:"stopped"`
	DownSeconds           float64 `json:"downSeconds"`  // from the stop until it serves again
	StartSeconds          float64 `json:"startSeconds"` // of which its start took this long
	UpstreamCreatedAtStop int     `json:"upstreamAccountsCreatedAtStop"`
	ReadyAtStop           int     `json:"accountsReadyAtStop"`
	ManagerExited         bool    `json:"managerExited"`
	RecoverySeconds       float64 `json:"recoverySeconds"` // from kube-apiserver's return to every Account Ready
}

// HAStats describe the ha scenario: two replicas under leader election, the
// leader SIGKILLed mid-create.
type HAStats struct {
	Replicas             int     `json:"replicas"`
	LeaseDurationSeconds float64 `json:"leaseDurationSeconds"`
	RenewDeadlineSeconds float64 `json:"renewDeadlineSeconds"`
	RetryPeriodSeconds   float64 `json:"retryPeriodSeconds"`

	LeaderKilled          bool   `json:"leaderKilled"`
	KilledLeader          string `json:"killedLeader"`
	KilledHolderIdentity  string `json:"killedHolderIdentity"`
	UpstreamCreatedAtKill int    `json:"upstreamAccountsCreatedAtKill"`
	ReadyAtKill           int    `json:"accountsReadyAtKill"`
	// The standby's log showed no controller started before the kill.
	StandbyIdleBeforeKill bool `json:"standbyIdleBeforeKill"`

	TookOver          bool   `json:"tookOver"`
	NewLeader         string `json:"newLeader"`
	NewHolderIdentity string `json:"newHolderIdentity"`
	NewLeaderLogged   bool   `json:"newLeaderLoggedTheAcquisition"`
	LeaseTransitions  int    `json:"leaseTransitions"`
	// From the SIGKILL to the lease's acquireTime as the new holder wrote it.
	TakeoverSeconds float64 `json:"takeoverSeconds"`
	// Its bound: leaseDuration + 2 x ((1 + 1.2) x retryPeriod + 1 s) (lease.go).
	TakeoverBoundSeconds float64 `json:"takeoverBoundSeconds"`
	// From the SIGKILL to the harness's poll that saw the new holder.
	TakeoverObservedSeconds float64 `json:"takeoverObservedSeconds"`
	// From the SIGKILL to the harness's poll that saw one more Account Ready
	// or upstream account created than at the kill.
	ProgressAfterTakeover bool    `json:"progressAfterTakeover"`
	FirstProgressSeconds  float64 `json:"firstProgressSeconds"`

	// The killed replica, started again after the takeover, stood by: the
	// lease stayed with the new leader and it started no controller.
	RestartedAfterTakeover bool `json:"restartedAfterTakeover"`
	RestartedStayedStandby bool `json:"restartedStayedStandby"`

	// The new leader stopped as a rollout stops a pod (SIGTERM), once every
	// Account was Ready: from the SIGTERM to its exit, and to the other
	// replica's acquireTime; the bound is the shutdown plus one standby try.
	ShutdownSeconds      float64 `json:"rolloutShutdownSeconds"`
	HandedOver           bool    `json:"rolloutHandedOver"`
	HandoverSeconds      float64 `json:"rolloutHandoverSeconds"`
	HandoverBoundSeconds float64 `json:"rolloutHandoverBoundSeconds"`

	LostTokens    int `json:"lostTokens"` // must be zero
	TokensChecked int `json:"upstreamTokensChecked"`
}

// maxDetails bounds the details kept per scenario.
const maxDetails = 20

func (r *Result) note(format string, args ...any) {
	if len(r.Details) < maxDetails {
		r.Details = append(r.Details, fmt.Sprintf(format, args...))
	}
}

// judge decides Pass: converged and deleted, every must-be-zero figure zero
// (a rotation scenario's too), the disruption really happened, and in the
// storm every upstream's peak rate within its provider's bound.
func (r *Result) judge() {
	check := func(bad bool, what string) {
		if bad {
			r.Failed = append(r.Failed, what)
		}
	}
	check(len(r.Errors) > 0, "error: "+strings.Join(r.Errors, "; "))
	check(!r.Converged, "did not converge")
	check(!r.Deleted, "Accounts not all deleted")
	check(r.Duplicates != 0, fmt.Sprintf("%d duplicates upstream", r.Duplicates))
	check(r.Unmatched != 0, fmt.Sprintf("%d Accounts not matching their upstream account", r.Unmatched))
	check(r.Strays != 0, fmt.Sprintf("%d upstream accounts no Account asked for", r.Strays))
	check(r.BadSecrets != 0, fmt.Sprintf("%d Accounts with a bad connection Secret", r.BadSecrets))
	check(r.LeftAfterDelete != 0, fmt.Sprintf("%d upstream accounts left after deletion", r.LeftAfterDelete))
	r.judgeRotation(check)
	switch disruptionOf(r.Scenario) {
	case "crash":
		check(r.ManagerKills == 0, "the manager was never killed")
		check(r.ManagerExits != 0, fmt.Sprintf("the manager exited %d times by itself", r.ManagerExits))
	case "storm":
		check(r.ManagerExits != 0, fmt.Sprintf("the manager exited %d times by itself (its rate limiter restarted)", r.ManagerExits))
		for _, u := range upstreams {
			if s := r.Upstreams[u]; s != nil && s.PeakRequestsPerSecond > s.RateBound {
				check(true, fmt.Sprintf("%s: peak %d requests in 1s above the bound %d", u, s.PeakRequestsPerSecond, s.RateBound))
			}
		}
	case "apiserver":
		check(r.APIServer == nil || !r.APIServer.Stopped, "kube-apiserver was never stopped")
	case "ha":
		r.judgeHA(check)
	}
	r.Pass = len(r.Failed) == 0
}

// judgeHA fails the ha scenario unless the leader was killed while the
// standby stood idle, the standby took the lease within its bound (and not
// before the kill) and carried on, the killed replica came back as a
// standby and took the lease released by the next leader's stop within one
// try, and no token was lost.
func (r *Result) judgeHA(check func(bool, string)) {
	st := r.HA
	if st == nil || !st.LeaderKilled {
		check(true, "the leader was never killed")
		return
	}
	check(r.ManagerExits != 0, fmt.Sprintf("a replica exited %d times by itself", r.ManagerExits))
	check(!st.StandbyIdleBeforeKill, "the standby had started its controllers before the leader was killed")
	check(!st.TookOver, "the standby never took the lease over")
	check(st.TookOver && st.TakeoverSeconds < 0, "the new holder acquired the lease before the leader was killed")
	check(st.TakeoverSeconds > st.TakeoverBoundSeconds, fmt.Sprintf("takeover took %.1fs, above its bound %.1fs",
		st.TakeoverSeconds, st.TakeoverBoundSeconds))
	check(st.TookOver && !st.NewLeaderLogged, "the new holder's log does not say it acquired the lease")
	check(st.TookOver && st.ReadyAtKill < r.Accounts && !st.ProgressAfterTakeover, "no progress after the takeover")
	check(!st.RestartedAfterTakeover || !st.RestartedStayedStandby, "the killed replica did not come back as a standby")
	check(!st.HandedOver, "no replica took the lease after the leader's stop")
	check(st.HandoverSeconds > st.HandoverBoundSeconds, fmt.Sprintf("the lease passed %.1fs after the leader's stop, "+
		"above its bound %.1fs: not released?", st.HandoverSeconds, st.HandoverBoundSeconds))
	check(st.LostTokens != 0, fmt.Sprintf("%d lost tokens", st.LostTokens))
}

// judgeRotation fails a rotation scenario whose rotations did not settle or
// left a must-be-zero figure above zero.
func (r *Result) judgeRotation(check func(bool, string)) {
	if !isRotation(r.Scenario) {
		return
	}
	st := r.Rotation
	if st == nil {
		check(true, "no rotation was requested")
		return
	}
	check(st.Requested == 0, "no rotation was requested")
	check(!st.Settled, "rotations did not settle")
	check(st.NotHandled != 0, fmt.Sprintf("%d Accounts with the last rotation not handled", st.NotHandled))
	check(st.TokenTooOld != 0, fmt.Sprintf("%d Accounts whose token predates the last rotation", st.TokenTooOld))
	check(st.LostTokens != 0, fmt.Sprintf("%d lost tokens", st.LostTokens))
	check(st.StrayMinted != 0, fmt.Sprintf("%d stray valid tokens the operator minted", st.StrayMinted))
	check(st.StrayInitial != 0, fmt.Sprintf("%d stray valid initial tokens of creates", st.StrayInitial))
	check(st.StrayOther != 0, fmt.Sprintf("%d stray valid tokens of other names", st.StrayOther))
}

func (r *Result) verdict() string {
	if r.Pass {
		return "PASS"
	}
	return "FAIL: " + strings.Join(r.Failed, "; ")
}
