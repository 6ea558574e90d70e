package vectorcharts

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// clock makes the adapter's time a variable the test moves.
func (e *env) clock() *time.Time {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	e.p.now = func() time.Time { return now }
	return &now
}

// observe runs Observe alone and applies its status.
func (e *env) observe(t *testing.T, req *adapter.Request) adapter.Observation {
	t.Helper()
	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	if obs.Status != nil {
		obs.Status(&req.Account.Status)
	}
	return obs
}

// noChecks turns the token checks off, so waits are the rotation's alone.
func noChecks(a *v1alpha1.Account) *v1alpha1.Account {
	a.Spec.VectorCharts.TokenCheckInterval = &metav1.Duration{}
	return a
}

func rotation(interval, overlap time.Duration) *v1alpha1.TokenRotation {
	r := &v1alpha1.TokenRotation{Overlap: &metav1.Duration{Duration: overlap}}
	if interval > 0 {
		r.Interval = &metav1.Duration{Duration: interval}
	}
	return r
}

// TestScheduledRotationWithOverlap: the token is rotated once it is
// tokenRotation.interval old; the previous one stays valid, as
// token.previous, for the overlap, and the operator asks to look again when
// the overlap ends, then revokes it. Passes in between make no token call.
func TestScheduledRotationWithOverlap(t *testing.T) {
	e := newEnv(t)
	now := e.clock()
	a := noChecks(newAccount("sched", "sched@x.io"))
	a.Spec.VectorCharts.TokenRotation = rotation(time.Hour, 10*time.Minute)
	req := newRequest(a, resolver{})
	c := e.created(t, req)
	id, initial := mustID(t, c.ID), c.Details[keyToken]

	*now = now.Add(30 * time.Minute)
	if obs := e.observe(t, req); !obs.UpToDate || obs.RecheckAfter != 30*time.Minute {
		t.Fatalf("half-way: up to date %v, recheck after %v, want true and 30m", obs.UpToDate, obs.RecheckAfter)
	}
	*now = now.Add(30 * time.Minute)
	u := e.pass(t, req)
	rotated := req.Connection[keyToken]
	if len(u.Notes) != 1 || u.Notes[0].Reason != "TokenRotated" || string(req.Connection[keyTokenPrevious]) != string(initial) {
		t.Fatalf("due: notes %+v; token.previous must hold the initial token", u.Notes)
	}
	st := req.Account.Status.VectorCharts
	if st.TokenIssuedAt.Time != *now || !st.PreviousTokenRevokeAt.Time.Equal(now.Add(10*time.Minute)) {
		t.Fatalf("status %+v", st)
	}

	*now = now.Add(4 * time.Minute)
	calls := e.calls("CreateApiToken") + e.calls("DeleteOwnApiToken") + e.calls("GetApiTokens")
	obs := e.observe(t, req)
	if !obs.UpToDate || obs.RecheckAfter != 6*time.Minute {
		t.Fatalf("in overlap: up to date %v, recheck after %v, want true and 6m", obs.UpToDate, obs.RecheckAfter)
	}
	if e.tokenAccount(t, initial) != id || e.tokenAccount(t, rotated) != id {
		t.Fatal("both tokens must work during the overlap")
	}
	if after := e.calls("CreateApiToken") + e.calls("DeleteOwnApiToken") + e.calls("GetApiTokens"); after != calls {
		t.Fatalf("a pass in the overlap made %d token calls", after-calls)
	}

	*now = now.Add(6 * time.Minute)
	u = e.pass(t, req)
	if e.tokenAccount(t, initial) != 0 || e.tokenAccount(t, rotated) != id {
		t.Fatal("after the overlap only the new token may work")
	}
	if _, ok := req.Connection[keyTokenPrevious]; ok || st.PreviousTokenFingerprint != "" || len(u.Notes) != 1 {
		t.Fatalf("after the overlap: notes %+v, status %+v", u.Notes, st)
	}
	if obs := e.observe(t, req); !obs.UpToDate || obs.RecheckAfter != 50*time.Minute {
		t.Fatalf("next rotation: recheck after %v, want 50m (an hour after the rotation)", obs.RecheckAfter)
	}
}

// TestRotationRequestedDuringOverlapWaits: a rotation asked for while the
// previous token is in its overlap starts once that one is revoked, so at
// most two operator tokens are ever valid.
func TestRotationRequestedDuringOverlapWaits(t *testing.T) {
	e := newEnv(t)
	now := e.clock()
	a := noChecks(newAccount("wait", "wait@x.io"))
	a.Spec.VectorCharts.TokenRotation = rotation(0, 5*time.Minute)
	req := newRequest(a, resolver{})
	c := e.created(t, req)
	a.Annotations = map[string]string{v1alpha1.AnnotationRotateRequestedAt: "1"}
	e.pass(t, req)
	a.Annotations[v1alpha1.AnnotationRotateRequestedAt] = "2"
	mints := e.calls("CreateApiToken")
	if obs := e.observe(t, req); !obs.UpToDate || obs.RecheckAfter != 5*time.Minute || e.calls("CreateApiToken") != mints {
		t.Fatalf("second request in the overlap: up to date %v, recheck %v", obs.UpToDate, obs.RecheckAfter)
	}
	*now = now.Add(5 * time.Minute)
	e.pass(t, req) // revoke the previous one
	e.pass(t, req) // then rotate again
	if got := req.Account.Status.VectorCharts.LastHandledRotateRequestedAt; got != "2" || e.calls("CreateApiToken") != mints+1 {
		t.Fatalf("handled %q after %d mints", got, e.calls("CreateApiToken")-mints)
	}
	if n := len(e.sb.TokensFor(mustID(t, c.ID))); n != 2 {
		t.Fatalf("%d valid tokens, want the current and the previous one", n)
	}
}

// TestRotationWhoseStatusWriteWasLost: a crash after the Secret stored the
// rotated token but before status recorded it: the next pass records the
// rotation from the Secret with no upstream call, keeps the overlap, then
// revokes the previous token. Which request the stored token answered is not
// known, so the request is answered by one more rotation.
func TestRotationWhoseStatusWriteWasLost(t *testing.T) {
	e := newEnv(t)
	now := e.clock()
	a := noChecks(newAccount("lost", "lost@x.io"))
	a.Spec.VectorCharts.TokenRotation = rotation(0, time.Minute)
	req := newRequest(a, resolver{})
	c := e.created(t, req)
	id, initial := mustID(t, c.ID), c.Details[keyToken]
	a.Annotations = map[string]string{v1alpha1.AnnotationRotateRequestedAt: "1"}
	obs := e.observe(t, req)
	u, err := e.p.Update(ctxT(t), req, obs)
	if err != nil {
		t.Fatal(err)
	}
	merge(req.Connection, u.Details) // the Secret write; its status write is lost

	calls := e.calls("CreateApiToken") + e.calls("DeleteOwnApiToken") + e.calls("GetApiTokens")
	obs = e.observe(t, req)
	st := req.Account.Status.VectorCharts
	if !obs.UpToDate || st.TokenFingerprint != fingerprint(req.Connection[keyToken]) ||
		st.PreviousTokenFingerprint != fingerprint(initial) || st.LastHandledRotateRequestedAt != "" {
		t.Fatalf("recorded %+v (up to date %v)", st, obs.UpToDate)
	}
	if after := e.calls("CreateApiToken") + e.calls("DeleteOwnApiToken") + e.calls("GetApiTokens"); after != calls {
		t.Fatalf("recording the rotation made %d token calls", after-calls)
	}
	*now = now.Add(time.Minute)
	e.pass(t, req)
	rotated := req.Connection[keyToken]
	if e.tokenAccount(t, initial) != 0 || e.tokenAccount(t, rotated) != id {
		t.Fatal("after the overlap only the rotated token may work")
	}
	e.pass(t, req) // the request, still open, rotates once more
	*now = now.Add(time.Minute)
	e.pass(t, req)
	if st.LastHandledRotateRequestedAt != "1" || e.tokenAccount(t, rotated) != 0 {
		t.Fatalf("the open request: handled %q", st.LastHandledRotateRequestedAt)
	}
	if n := len(e.sb.TokensFor(id)); n != 1 {
		t.Fatalf("%d valid tokens, want 1", n)
	}
}

// TestRevokedTokenIsReissued: a token revoked in the portal fails its check
// (401); the pass re-issues it, says why, and reports CredentialsValid; the
// next pass records the new token, and the old one is gone.
func TestRevokedTokenIsReissued(t *testing.T) {
	e := newEnv(t)
	a := newAccount("live", "live@x.io")
	a.Annotations = map[string]string{v1alpha1.AnnotationReconcileRequestedAt: "now"} // a requested check
	req := newRequest(a, resolver{})
	c := e.created(t, req)
	id, initial := mustID(t, c.ID), c.Details[keyToken]
	if obs := e.observe(t, req); obs.Credentials != tokenValid || e.calls("ListOwnApiTokens") != 1 {
		t.Fatalf("valid token: verdict %+v after %d checks", obs.Credentials, e.calls("ListOwnApiTokens"))
	}
	if !e.sb.RevokeToken(string(initial)) {
		t.Fatal("sandbox did not revoke the token")
	}
	obs := e.observe(t, req)
	if obs.UpToDate || obs.Credentials != tokenRevoked {
		t.Fatalf("revoked token: up to date %v, verdict %+v", obs.UpToDate, obs.Credentials)
	}
	u, err := e.p.Update(ctxT(t), req, obs)
	if err != nil {
		t.Fatal(err)
	}
	if u.Credentials != tokenReissued || len(u.Notes) != 1 || u.Notes[0] != noteTokenRevokedUpstream {
		t.Fatalf("re-issue: verdict %+v, notes %+v", u.Credentials, u.Notes)
	}
	merge(req.Connection, u.Details)
	a.Status.LastHandledReconcileAt = "now"
	e.pass(t, req)
	if heldOf(req) != fingerprint(req.Connection[keyToken]) || e.tokenAccount(t, req.Connection[keyToken]) != id {
		t.Fatal("the re-issued token is not recorded or does not work")
	}
	if n := len(e.sb.TokensFor(id)); n != 1 {
		t.Fatalf("%d valid tokens, want 1", n)
	}
}

// TestTokenChecksCostOneCallPerInterval: polls every 10 minutes for 5 hours
// with the default 1h check interval make 4 to 6 checks, not one per poll;
// 0s turns the checks off and removes the condition.
func TestTokenChecksCostOneCallPerInterval(t *testing.T) {
	e := newEnv(t)
	now := e.clock()
	a := newAccount("cost", "cost@x.io")
	req := newRequest(a, resolver{})
	e.created(t, req)
	for range 30 {
		*now = now.Add(10 * time.Minute)
		if obs := e.observe(t, req); obs.RecheckAfter <= 0 || obs.RecheckAfter > time.Hour {
			t.Fatalf("recheck after %v", obs.RecheckAfter)
		}
	}
	if n := e.calls("ListOwnApiTokens"); n < 4 || n > 6 {
		t.Fatalf("%d checks in 5h, want 4 to 6", n)
	}
	a.Spec.VectorCharts.TokenCheckInterval = &metav1.Duration{}
	before := e.calls("ListOwnApiTokens")
	for range 10 {
		*now = now.Add(time.Hour)
		if obs := e.observe(t, req); obs.Credentials != checksDisabled {
			t.Fatalf("disabled: verdict %+v", obs.Credentials)
		}
	}
	if e.calls("ListOwnApiTokens") != before {
		t.Fatal("a disabled check was made")
	}
}

// TestCheckSchedule: a first sight falls within the interval, a done check
// waits 90-100 % of it, a shrunk interval reschedules, dueNow and a request
// make it due, and entries of Accounts gone for two days are swept.
func TestCheckSchedule(t *testing.T) {
	s := newCheckSchedule()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range 50 {
		uid := types.UID(rune('a' + i%26))
		wait, due := s.due(uid+"x", time.Hour, now, false)
		if !due && (wait <= 0 || wait > time.Hour) {
			t.Fatalf("first sight waits %v", wait)
		}
		if w := s.done(uid, time.Hour, now); w < 54*time.Minute || w > time.Hour {
			t.Fatalf("done waits %v", w)
		}
	}
	if _, due := s.due("a", time.Hour, now.Add(time.Minute), false); due {
		t.Fatal("due a minute after a check")
	}
	if wait, _ := s.due("a", time.Minute, now.Add(time.Minute), false); wait > time.Minute {
		t.Fatalf("shrunk interval still waits %v", wait)
	}
	if _, due := s.due("b", time.Hour, now, true); !due {
		t.Fatal("a requested check is not due")
	}
	s.dueNow("c", now)
	if _, due := s.due("c", time.Hour, now, false); !due {
		t.Fatal("dueNow is not due")
	}
	s.done("z", time.Hour, now.Add(72*time.Hour))
	if _, ok := s.next["a"]; ok {
		t.Fatal("an entry unseen for three days was kept")
	}
}

// TestNewerRequestIsNeverAnsweredByAnOlderToken: a rotation requested after a
// token was minted is not marked handled by that token, whether the mint was
// a rotation whose status write was lost or a re-issue of a lost token: a
// new token is minted for it.
func TestNewerRequestIsNeverAnsweredByAnOlderToken(t *testing.T) {
	for _, lostStatus := range []bool{true, false} {
		e := newEnv(t)
		a := noChecks(newAccount("newer", "newer@x.io"))
		req := newRequest(a, resolver{})
		e.created(t, req)
		if lostStatus {
			a.Annotations = map[string]string{v1alpha1.AnnotationRotateRequestedAt: "1"}
			obs := e.observe(t, req)
			u, err := e.p.Update(ctxT(t), req, obs)
			if err != nil {
				t.Fatal(err)
			}
			merge(req.Connection, u.Details) // the Secret write; its status write is lost
		} else {
			delete(req.Connection, keyToken)
			e.pass(t, req) // re-issue
		}
		minted := string(req.Connection[keyToken])
		if a.Annotations == nil {
			a.Annotations = map[string]string{}
		}
		a.Annotations[v1alpha1.AnnotationRotateRequestedAt] = "2" // asked for after that mint
		for range 5 {
			e.pass(t, req)
		}
		if got := a.Status.VectorCharts.LastHandledRotateRequestedAt; got != "2" || string(req.Connection[keyToken]) == minted {
			t.Fatalf("lost status %v: handled %q; the token must be minted after the request", lostStatus, got)
		}
		if n := len(e.sb.TokensFor(mustID(t, a.Status.AccountID))); n != 1 {
			t.Fatalf("lost status %v: %d valid tokens, want 1", lostStatus, n)
		}
	}
}
