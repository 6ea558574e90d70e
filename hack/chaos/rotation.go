package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// rotationPrefix starts the name of each rotation scenario; the rest of the
// name is its disruption (rotation-crash, rotation-storm).
const rotationPrefix = "rotation-"

func isRotation(scenario string) bool { return strings.HasPrefix(scenario, rotationPrefix) }

// disruptionOf is the disruption a scenario runs under: crash, storm,
// apiserver or ha.
func disruptionOf(scenario string) string { return strings.TrimPrefix(scenario, rotationPrefix) }

// scenarioUpstreams are the upstreams a scenario has Accounts on: a rotation
// scenario's are VectorCharts only, whose API tokens the operator rotates.
func scenarioUpstreams(scenario string) []string {
	if isRotation(scenario) {
		return []string{"vectorcharts"}
	}
	return upstreams
}

// RotationStats are a rotation scenario's figures.
type RotationStats struct {
	Rounds       int     `json:"rounds"`
	EverySeconds float64 `json:"secondsBetweenRounds"`
	// Requested is rounds x Accounts; a value that comes while the one before
	// it is still being handled may be handled with it.
	Requested int `json:"rotationsRequested"`
	// HandledBeforeNext counts the rounds' values each Account had handled
	// when the next round came (informational: under a fault a rotation
	// takes longer than the rounds are apart).
	HandledBeforeNext int `json:"rotationsHandledBeforeTheNextRound"`
	// Settled: after the last round, every Account's last value handled, its
	// token recorded and token.previous revoked, within -phase-timeout.
	Settled        bool    `json:"settled"`
	SettledSeconds float64 `json:"secondsFromLastRoundToSettled"`

	// Must be zero.
	NotHandled    int `json:"accountsWithTheLastRotationNotHandled"`
	TokenTooOld   int `json:"accountsWhoseTokenPredatesTheLastRotation"`
	LostTokens    int `json:"lostTokens"`
	StrayMinted   int `json:"strayValidTokensMintedByTheOperator"`
	StrayInitial  int `json:"strayValidInitialTokensOfCreates"`
	StrayOther    int `json:"strayValidTokensOfOtherNames"`
	TokensChecked int `json:"upstreamTokensChecked"` // informational: how many the check looked at
}

// rotations requests a rotation of every Account's token rounds times,
// -rotate-every apart, while the disruption goes on (kills, the storm); then
// it stops disturbing, waits until every rotation has settled and checks
// every Account's tokens upstream. A rotation that does not settle is
// recorded, and the tokens are checked all the same.
func (h *harness) rotations(ctx context.Context, ns string, accts []account, d disruption, r *Result) error {
	st := &RotationStats{Rounds: h.cfg.rotateRounds, EverySeconds: h.cfg.rotateEvery.Seconds()}
	r.Rotation = st
	var last string
	for k := 1; k <= st.Rounds; k++ {
		if k > 1 {
			st.HandledBeforeNext += h.countHandled(ctx, ns, last)
		}
		start := time.Now()
		// The value says when it was asked for: a token minted before it
		// cannot be its rotation.
		last = start.UTC().Format(time.RFC3339Nano)
		h.say("[%s] round %d of %d: rotation requested on %d Accounts", r.Scenario, k, st.Rounds, len(accts))
		err := disturbWhile(ctx, d, start.Add(h.cfg.rotateEvery), func() error {
			return h.kubectl(ctx, "", "annotate", "accounts", "--all", "-n", ns, "--overwrite",
				v1alpha1.AnnotationRotateRequestedAt+"="+last)
		})
		if err != nil {
			return err
		}
		st.Requested += len(accts)
	}
	if err := h.stopDisturbing(ctx, r); err != nil {
		return err
	}
	start := time.Now()
	err := poll(ctx, h.cfg.phaseTimeout, "every rotation settled", func(ctx context.Context) (bool, string) {
		h.ensureManager(ctx, r)
		n, why, err := h.unsettled(ctx, ns, last)
		if err != nil {
			return false, err.Error()
		}
		return n == 0, fmt.Sprintf("%d Accounts not settled (one: %s)", n, why)
	})
	if err == nil {
		st.Settled, st.SettledSeconds = true, seconds(time.Since(start))
		h.say("[%s] every rotation settled %.1fs after the last round; checking tokens upstream", r.Scenario, st.SettledSeconds)
	}
	if cerr := h.checkRotation(ctx, ns, accts, last, r); cerr != nil {
		return cerr
	}
	return err
}

// disturbWhile runs work (kubectl, which takes seconds for a hundred
// Accounts) while the disruption goes on, ticking it every half second until
// work is done and until has passed; it returns work's error.
func disturbWhile(ctx context.Context, d disruption, until time.Time, work func() error) error {
	done := make(chan error, 1)
	go func() { done <- work() }()
	var err error
	finished := false
	for !finished || time.Now().Before(until) {
		select {
		case err = <-done:
			finished = true
			if err != nil {
				return err
			}
		case <-time.After(500 * time.Millisecond):
			d.tick(ctx, true)
		case <-ctx.Done():
			if !finished {
				err = <-done // kubectl ends with ctx
			}
			return errors.Join(ctx.Err(), err)
		}
	}
	return nil
}

// stopDisturbing ends the scenario's disruption: the kills stop with the
// ticks, the storm's faults and latency are cleared (its counters stay).
func (h *harness) stopDisturbing(ctx context.Context, r *Result) error {
	if disruptionOf(r.Scenario) != "storm" {
		return nil
	}
	for _, u := range upstreams {
		if err := h.env.AdminDelete(ctx, "/"+u+"/faults"); err != nil {
			return fmt.Errorf("stop the storm: %w", err)
		}
	}
	return nil
}

// countHandled counts the Accounts that have handled value; a failed read
// counts none.
func (h *harness) countHandled(ctx context.Context, ns, value string) int {
	l, err := h.accounts(ctx, ns)
	if err != nil {
		return 0
	}
	n := 0
	for i := range l {
		if handledRotation(&l[i]) == value {
			n++
		}
	}
	return n
}

// unsettled counts the Accounts whose rotation to value has not settled,
// with the reason of one of them.
func (h *harness) unsettled(ctx context.Context, ns, value string) (int, string, error) {
	l, err := h.accounts(ctx, ns)
	if err != nil {
		return 0, "", err
	}
	secrets, err := h.secrets(ctx, ns)
	if err != nil {
		return 0, "", err
	}
	n, one := 0, ""
	for i := range l {
		a := &l[i]
		if why := rotationPending(a, secrets[a.ConnectionSecretName()], value); why != "" {
			n++
			one = a.Name + ": " + why
		}
	}
	return n, one, nil
}

// secrets maps the Secrets in ns by name.
func (h *harness) secrets(ctx context.Context, ns string) (map[string]*corev1.Secret, error) {
	var l corev1.SecretList
	if err := h.kube.List(ctx, &l, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	out := make(map[string]*corev1.Secret, len(l.Items))
	for i := range l.Items {
		out[l.Items[i].Name] = &l.Items[i]
	}
	return out, nil
}
