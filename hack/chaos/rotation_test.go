package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// TestJudgeTokens: the Secret's token is lost unless a valid upstream token
// has its hash; every other valid token is stray, sorted by who made it; a
// held token made before the last request is too old to be its rotation.
func TestJudgeTokens(t *testing.T) {
	held := []byte("0123456789abcdef0123456789abcdef")
	requested := time.UnixMilli(10_000)
	tok := func(bearer, name string, initial bool, at int64) upstreamToken {
		return upstreamToken{AccountID: 7, Name: name, SHA256: sha256Hex([]byte(bearer)), Initial: initial, CreatedAt: at}
	}
	current := tok(string(held), "account-operator-uid", false, 10_500)
	for _, tt := range []struct {
		name string
		held []byte
		toks []upstreamToken
		want tokenFigures
	}{
		{"only the held one", held, []upstreamToken{current}, tokenFigures{}},
		{"held is the initial one, made before", held, []upstreamToken{tok(string(held), "Default", true, 9_000)},
			tokenFigures{tooOld: time.Second}},
		{"made in the millisecond of the request", held, []upstreamToken{tok(string(held), "account-operator-uid", false, 10_000)},
			tokenFigures{}},
		{"revoked: lost", held, []upstreamToken{tok("other", "account-operator-uid", false, 10_600)},
			tokenFigures{lost: true, strayMinted: 1}},
		{"no token in the Secret", nil, []upstreamToken{tok("x", "Default", true, 1)}, tokenFigures{lost: true, strayInit: 1}},
		{"empty token in the Secret", []byte{}, nil, tokenFigures{lost: true}},
		{"strays of each kind", held, []upstreamToken{
			tok("a", "Default", true, 1), current, tok("b", "account-operator-uid", false, 2),
			tok("c", "account-operator", false, 3), tok("d", "ci", false, 4),
		}, tokenFigures{strayInit: 1, strayMinted: 2, strayOther: 1}},
	} {
		if got := judgeTokens(tt.held, tt.toks, requested); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestRotationPending: a rotation has settled only when the Account is
// Ready, has handled the value, and status records the Secret's one token
// as held with token.previous gone.
func TestRotationPending(t *testing.T) {
	type state struct {
		a *v1alpha1.Account
		s *corev1.Secret
	}
	tok := []byte("new-token")
	settled := func() *state {
		a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Generation: 2}}
		a.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, ObservedGeneration: 2}}
		a.Status.VectorCharts = &v1alpha1.VectorChartsAccountStatus{LastHandledRotateRequestedAt: "v2",
			TokenFingerprint: fingerprint(tok)}
		return &state{a, &corev1.Secret{Data: map[string][]byte{keyToken: tok}}}
	}
	if st := settled(); rotationPending(st.a, st.s, "v2") != "" {
		t.Fatalf("a settled rotation pending: %s", rotationPending(st.a, st.s, "v2"))
	}
	for name, spoil := range map[string]func(*state){
		"not Ready":       func(st *state) { st.a.Generation = 3 },
		"not handled":     func(st *state) { st.a.Status.VectorCharts.LastHandledRotateRequestedAt = "v1" },
		"no status":       func(st *state) { st.a.Status.VectorCharts = nil },
		"no Secret":       func(st *state) { st.s = nil },
		"no token":        func(st *state) { delete(st.s.Data, keyToken) },
		"previous kept":   func(st *state) { st.s.Data[keyTokenPrevious] = []byte("old") },
		"old fingerprint": func(st *state) { st.a.Status.VectorCharts.TokenFingerprint = fingerprint([]byte("old")) },
	} {
		st := settled()
		spoil(st)
		if why := rotationPending(st.a, st.s, "v2"); why == "" {
			t.Errorf("%s: settled", name)
		}
	}
}

// TestFingerprintIsTheDocumentedOne: 8 hex digits of the SHA-256, as
// status.vectorCharts.tokenFingerprint documents.
func TestFingerprintIsTheDocumentedOne(t *testing.T) {
	if got := fingerprint([]byte("abc")); got != "ba7816bf" {
		t.Fatalf("fingerprint(abc) = %s, want ba7816bf (SHA-256 of abc begins so)", got)
	}
}

// TestJudgeRotation: a rotation scenario fails on any of its must-be-zero
// figures, on rotations that did not settle, and when none was requested;
// its kills are judged as the crash's.
func TestJudgeRotation(t *testing.T) {
	good := func() *Result {
		return &Result{Scenario: "rotation-crash", Converged: true, Deleted: true, ManagerKills: 3,
			Rotation: &RotationStats{Rounds: 5, Requested: 500, Settled: true}}
	}
	clean := good()
	if clean.judge(); !clean.Pass {
		t.Fatalf("a clean rotation result failed: %v", clean.Failed)
	}
	for name, spoil := range map[string]func(*Result){
		"not settled":   func(r *Result) { r.Rotation.Settled = false },
		"not handled":   func(r *Result) { r.Rotation.NotHandled = 1 },
		"too old":       func(r *Result) { r.Rotation.TokenTooOld = 1 },
		"lost":          func(r *Result) { r.Rotation.LostTokens = 1 },
		"stray minted":  func(r *Result) { r.Rotation.StrayMinted = 1 },
		"stray initial": func(r *Result) { r.Rotation.StrayInitial = 1 },
		"stray other":   func(r *Result) { r.Rotation.StrayOther = 1 },
		"none asked":    func(r *Result) { r.Rotation.Requested = 0 },
		"no stats":      func(r *Result) { r.Rotation = nil },
		"never killed":  func(r *Result) { r.ManagerKills = 0 },
		"storm peak": func(r *Result) {
			r.Scenario = "rotation-storm"
			r.Upstreams = map[string]*UpstreamStats{"vectorcharts": {PeakRequestsPerSecond: 41, RateBound: 40}}
		},
	} {
		r := good()
		spoil(r)
		if r.judge(); r.Pass {
			t.Errorf("%s: passed", name)
		}
	}
}

// TestRotationScenarios: the rotation scenarios run on VectorCharts only,
// under the crash's and the storm's disruption, and no scenario's Accounts
// are taken for another's (their upstream keys start with the scenario's
// name and a dash).
func TestRotationScenarios(t *testing.T) {
	if a := accountsFor("rotation-storm", "ns", 3); len(a) != 3 || a[0].Upstream != "vectorcharts" {
		t.Fatalf("rotation-storm Accounts: %+v", a)
	}
	if a := accountsFor("crash", "ns", 3); len(a) != 9 {
		t.Fatalf("crash Accounts: %d, want 9", len(a))
	}
	if disruptionOf("rotation-crash") != "crash" || disruptionOf("storm") != "storm" || isRotation("storm") {
		t.Fatal("disruptionOf/isRotation")
	}
	for _, a := range scenarioNames {
		for _, b := range scenarioNames {
			if a != b && strings.HasPrefix(b+"-", a+"-") {
				t.Errorf("scenario %s's accounts would count as %s's", b, a)
			}
		}
	}
}

// tickCounter is a disruption that counts its ticks and tells work about them.
type tickCounter struct {
	n       int
	twoDone chan struct{}
}

func (c *tickCounter) setup(context.Context) error { return nil }

func (c *tickCounter) tick(context.Context, bool) bool {
	if c.n++; c.n == 2 {
		close(c.twoDone)
	}
	return true
}

// TestDisturbWhile: the disruption goes on while the work runs (the kills
// do not wait for kubectl), and the work's error is returned.
func TestDisturbWhile(t *testing.T) {
	d := &tickCounter{twoDone: make(chan struct{})}
	err := disturbWhile(context.Background(), d, time.Now(), func() error {
		<-d.twoDone // ends only once the disruption has ticked twice meanwhile
		return nil
	})
	if err != nil || d.n < 2 {
		t.Fatalf("got %v after %d ticks, want no error after 2", err, d.n)
	}
	boom := errors.New("kubectl failed")
	if err := disturbWhile(context.Background(), &tickCounter{twoDone: make(chan struct{})}, time.Now().Add(time.Hour),
		func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the work's error at once", err)
	}
}
