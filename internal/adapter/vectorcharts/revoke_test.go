package vectorcharts

import (
	"net/http"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// pass runs Observe and, when out of date, Update, applying statuses and the
// Secret's new data as the controller does (Secret first, then status).
func (e *env) pass(t *testing.T, req *adapter.Request) adapter.Update {
	t.Helper()
	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	if obs.Status != nil {
		obs.Status(&req.Account.Status)
	}
	if obs.UpToDate {
		return adapter.Update{}
	}
	u, err := e.p.Update(ctxT(t), req, obs)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	merge(req.Connection, u.Details)
	for _, k := range u.Drop {
		delete(req.Connection, k)
	}
	if u.Status != nil {
		u.Status(&req.Account.Status)
	}
	return u
}

func heldOf(req *adapter.Request) string { return req.Account.Status.VectorCharts.TokenFingerprint }

// TestReissueRevokesTheLostToken: the create records the initial token's
// fingerprint; a re-issue keeps it until the new token is stored; the next
// pass revokes the lost token with the new one and records the new one; then
// a poll makes no token call.
func TestReissueRevokesTheLostToken(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("rev", "rev@x.io"), resolver{})
	c := e.created(t, req)
	initial := c.Details[keyToken]
	if heldOf(req) != fingerprint(initial) || req.Account.Status.VectorCharts.TokenIssuedAt == nil {
		t.Fatalf("create recorded %+v", req.Account.Status.VectorCharts)
	}
	if len(heldOf(req)) != 8 || strings.Contains(string(initial), heldOf(req)) {
		t.Fatalf("fingerprint %q", heldOf(req))
	}
	delete(req.Connection, keyToken)

	u := e.pass(t, req)
	reissued := req.Connection[keyToken]
	if len(reissued) == 0 || heldOf(req) != fingerprint(initial) || len(u.Notes) != 1 || u.Notes[0].Reason != "TokenReissued" {
		t.Fatalf("re-issue: fingerprint %q, notes %+v", heldOf(req), u.Notes)
	}
	if e.tokenAccount(t, initial) == 0 {
		t.Fatal("the lost token was revoked before the new one was stored")
	}

	u = e.pass(t, req)
	if e.tokenAccount(t, initial) != 0 {
		t.Fatal("the lost token still works")
	}
	if e.tokenAccount(t, reissued) != mustID(t, c.ID) {
		t.Fatal("the re-issued token does not work")
	}
	if heldOf(req) != fingerprint(reissued) || len(u.Notes) != 1 || u.Notes[0].Reason != "TokenRevoked" {
		t.Fatalf("revoke: fingerprint %q, notes %+v", heldOf(req), u.Notes)
	}
	if got := e.sb.TokensFor(mustID(t, c.ID)); len(got) != 1 || got[0] != string(reissued) {
		t.Fatalf("account has %d tokens, want only the held one", len(got))
	}

	before := e.calls("GetApiTokens") + e.calls("DeleteOwnApiToken") + e.calls("CreateApiToken")
	if u := e.pass(t, req); len(u.Notes) != 0 {
		t.Fatalf("steady pass: %+v", u.Notes)
	}
	if after := e.calls("GetApiTokens") + e.calls("DeleteOwnApiToken") + e.calls("CreateApiToken"); after != before {
		t.Fatalf("a steady poll made %d token calls", after-before)
	}
}

// TestRevokeFailureIsRetried: a failed revocation is a transient
// TokenRevokeFailed (never NotFound, which would mean the account is gone),
// keeps the old fingerprint, and the next try revokes. An operator-named
// token a crashed pass minted but never stored is revoked too; a user's own
// token is not.
func TestRevokeFailureIsRetried(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("retry", "retry@x.io"), resolver{})
	c := e.created(t, req)
	id := mustID(t, c.ID)
	initial := c.Details[keyToken]
	userID := mustID(t, req.Account.Status.VectorCharts.UserID)
	stray, err := e.p.client.CreateApiToken(ctxT(t), vcapi.CreateApiTokenRequest{UserID: userID, AccountID: id, Name: tokenName(req.Account)})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := e.p.client.CreateApiToken(ctxT(t), vcapi.CreateApiTokenRequest{UserID: userID, AccountID: id, Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	delete(req.Connection, keyToken)
	e.pass(t, req)

	e.sb.Faults().FailNext("DeleteOwnApiToken", 1, http.StatusBadRequest, 0)
	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.p.Update(ctxT(t), req, obs)
	if f := adapter.Failure(err); f == nil || f.Class != adapter.ClassTransient || f.Reason != v1alpha1.ReasonTokenRevokeFailed {
		t.Fatalf("failed revoke = %v", err)
	}
	if heldOf(req) != fingerprint(initial) {
		t.Fatal("a failed revocation moved the fingerprint")
	}
	e.sb.Faults().Reset()
	e.pass(t, req)
	for name, tok := range map[string][]byte{"lost": initial, "stray": []byte(stray.ID.Reveal())} {
		if e.tokenAccount(t, tok) != 0 {
			t.Errorf("the %s token still works", name)
		}
	}
	if e.tokenAccount(t, []byte(mine.ID.Reveal())) != id {
		t.Error("a token the user made was revoked")
	}
}

// TestRevocationSparesOtherAccountsTokens: two Accounts over one upstream
// account (one adopted it) name their tokens apart, so a revocation by one
// never revokes the token the other holds.
func TestRevocationSparesOtherAccountsTokens(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("one", "one@x.io"), resolver{})
	req.Account.UID = "uid-one"
	c := e.created(t, req)
	id := mustID(t, c.ID)
	other := newAccount("other", "one@x.io")
	other.UID = "uid-other"
	userID := mustID(t, req.Account.Status.VectorCharts.UserID)
	theirs, err := e.p.client.CreateApiToken(ctxT(t), vcapi.CreateApiTokenRequest{UserID: userID, AccountID: id,
		Name: tokenName(other)})
	if err != nil {
		t.Fatal(err)
	}
	delete(req.Connection, keyToken)
	e.pass(t, req) // re-issue
	e.pass(t, req) // revoke what it no longer holds
	if e.tokenAccount(t, c.Details[keyToken]) != 0 {
		t.Error("the lost token still works")
	}
	if e.tokenAccount(t, []byte(theirs.ID.Reveal())) != id {
		t.Error("the other Account's token was revoked")
	}
}

// TestRequestedRotation: a new rotate-requested-at value mints a new token
// with the previous one kept as token.previous, and status names the new one
// (and the previous one until it is revoked); with no overlap the next pass
// revokes the previous one and drops the key; the same value never rotates
// again.
func TestRequestedRotation(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("rot", "rot@x.io"), resolver{})
	c := e.created(t, req)
	id, initial := mustID(t, c.ID), c.Details[keyToken]
	req.Account.Annotations = map[string]string{v1alpha1.AnnotationRotateRequestedAt: "1"}

	u := e.pass(t, req)
	rotated := req.Connection[keyToken]
	if string(rotated) == string(initial) || string(req.Connection[keyTokenPrevious]) != string(initial) {
		t.Fatal("rotation must hold the new token as token and the previous one as token.previous")
	}
	st := req.Account.Status.VectorCharts
	if len(u.Notes) != 1 || u.Notes[0].Reason != "TokenRotated" || heldOf(req) != fingerprint(rotated) ||
		st.PreviousTokenFingerprint != fingerprint(initial) || st.PreviousTokenRevokeAt == nil {
		t.Fatalf("rotate: notes %+v, status %+v", u.Notes, st)
	}
	if e.tokenAccount(t, initial) != id {
		t.Fatal("the previous token was revoked before the new one was stored")
	}

	u = e.pass(t, req)
	if e.tokenAccount(t, initial) != 0 || e.tokenAccount(t, rotated) != id {
		t.Fatal("after the revoke pass only the rotated token may work")
	}
	if len(u.Notes) != 1 || u.Notes[0].Reason != "TokenRevoked" || heldOf(req) != fingerprint(rotated) ||
		st.PreviousTokenFingerprint != "" || st.PreviousTokenRevokeAt != nil {
		t.Fatalf("revoke: notes %+v, status %+v", u.Notes, st)
	}
	if _, ok := req.Connection[keyTokenPrevious]; ok {
		t.Fatal("token.previous kept after the revocation")
	}
	if got := req.Account.Status.VectorCharts.LastHandledRotateRequestedAt; got != "1" {
		t.Fatalf("handled value %q", got)
	}
	before := e.calls("CreateApiToken")
	if u := e.pass(t, req); len(u.Notes) != 0 || e.calls("CreateApiToken") != before {
		t.Fatal("the same annotation value rotated twice")
	}
}
