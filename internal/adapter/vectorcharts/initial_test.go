package vectorcharts

import (
	"testing"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// mark writes the create marker as the controller's claim does, at.
func mark(req *adapter.Request, at time.Time) {
	if req.Account.Annotations == nil {
		req.Account.Annotations = map[string]string{}
	}
	req.Account.Annotations[v1alpha1.AnnotationCreatePending] = at.UTC().Format(time.RFC3339)
}

// interrupted marks the Account and runs Prepare and a create whose answer is
// dropped after it committed, as the controller does; the Secret keeps only
// the password.
func (e *env) interrupted(t *testing.T, req *adapter.Request) {
	t.Helper()
	mark(req, time.Now())
	data, err := e.p.Prepare(ctxT(t), req)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	merge(req.Connection, data)
	e.sb.Faults().Add(fault.Rule{Operation: "CreateAccount", Count: 1, Mode: fault.CommitThenDrop})
	if _, err := e.p.Create(ctxT(t), req); err == nil {
		t.Fatal("Create succeeded although its answer was dropped")
	}
}

// found runs the create marker's path as the controller does: Find, then,
// for an upstream that recovers from an interrupted create, Recover before
// the id is recorded, applying the status it returns.
func (e *env) found(t *testing.T, req *adapter.Request) int64 {
	t.Helper()
	id, err := e.p.Find(ctxT(t), req)
	if err != nil || id == "" {
		t.Fatalf("Find = %q, %v", id, err)
	}
	if r, ok := any(e.p).(adapter.Recoverer); ok {
		st, err := r.Recover(ctxT(t), req, id)
		if err != nil {
			t.Fatalf("Recover: %v", err)
		}
		if st != nil {
			st(&req.Account.Status)
		}
	}
	req.Account.Status.AccountID = id
	return mustID(t, id)
}

// TestInterruptedCreateRevokesTheInitialToken: a create whose answer was lost
// leaves the initial token unseen; the account found by username gets a new
// token, and once it is stored the initial one is revoked, so the Secret's
// token is the account's only valid one.
func TestInterruptedCreateRevokesTheInitialToken(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("lost", "lost@x.io"), resolver{})
	req.Account.UID = "uid-lost"
	e.interrupted(t, req)
	id := e.found(t, req)
	initial := e.sb.TokensFor(id)
	if len(initial) != 1 {
		t.Fatalf("the create made %d tokens, want 1", len(initial))
	}

	e.pass(t, req) // re-issue
	if e.tokenAccount(t, []byte(initial[0])) != id {
		t.Fatal("the initial token was revoked before the new one was stored")
	}
	u := e.pass(t, req) // revoke
	tok := req.Connection[keyToken]
	if got := e.sb.TokensFor(id); len(got) != 1 || got[0] != string(tok) {
		t.Fatalf("account has %d valid tokens after convergence, want only the Secret's", len(got))
	}
	if heldOf(req) != fingerprint(tok) || len(u.Notes) != 1 || u.Notes[0].Reason != "TokenRevoked" {
		t.Fatalf("revoke: fingerprint %q, notes %+v", heldOf(req), u.Notes)
	}
	before := e.calls("GetApiTokens") + e.calls("CreateApiToken") + e.calls("DeleteOwnApiToken")
	e.pass(t, req)
	if after := e.calls("GetApiTokens") + e.calls("CreateApiToken") + e.calls("DeleteOwnApiToken"); after != before {
		t.Fatalf("a steady poll made %d token calls", after-before)
	}
}

// TestInterruptedCreateCrashes: a pass that crashed after it issued a token
// (stored in the Secret or not) but before status was stored runs Find again:
// the initial token and the unstored one are revoked, the stored one kept.
func TestInterruptedCreateCrashes(t *testing.T) {
	for _, stored := range []bool{false, true} {
		e := newEnv(t)
		req := newRequest(newAccount("crash", "crash@x.io"), resolver{})
		req.Account.UID = "uid-crash"
		e.interrupted(t, req)
		before := req.Account.Status.DeepCopy()
		conn := map[string][]byte{keyPassword: req.Connection[keyPassword]}
		id := e.found(t, req)
		e.pass(t, req) // re-issue, then the crash: status is lost
		if stored {
			conn[keyToken] = req.Connection[keyToken]
		}
		req.Account.Status, req.Connection = *before, conn

		id2 := e.found(t, req)
		if id2 != id {
			t.Fatalf("found %d, then %d", id, id2)
		}
		for range 3 {
			e.pass(t, req)
		}
		tok := req.Connection[keyToken]
		if got := e.sb.TokensFor(id); len(got) != 1 || got[0] != string(tok) {
			t.Errorf("stored %v: %d valid tokens after convergence, want only the Secret's", stored, len(got))
		}
	}
}

// TestInterruptedCreateWithTheTokenStored: the create's answer arrived and the
// Secret stored its token, but status was lost: the token is kept, nothing is
// issued or revoked.
func TestInterruptedCreateWithTheTokenStored(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("kept", "kept@x.io"), resolver{})
	mark(req, time.Now())
	c := e.created(t, req)
	req.Account.Status = v1alpha1.AccountStatus{} // the status write was lost
	id := e.found(t, req)
	e.pass(t, req)
	e.pass(t, req)
	if got := e.sb.TokensFor(id); len(got) != 1 || got[0] != string(c.Details[keyToken]) ||
		string(req.Connection[keyToken]) != got[0] {
		t.Fatal("the initial token the Secret held was replaced")
	}
	if n := e.calls("CreateApiToken") + e.calls("DeleteOwnApiToken"); n != 0 {
		t.Fatalf("%d token writes", n)
	}
}

// TestInterruptedCreateSparesUserTokens: when a user made a token in the
// portal before the account was found (with the password the Secret holds),
// the create's token cannot be told from it: neither is revoked.
func TestInterruptedCreateSparesUserTokens(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("busy", "busy@x.io"), resolver{})
	e.interrupted(t, req)
	u, found, err := e.p.client.FindUserByUsername(ctxT(t), "busy@x.io")
	if err != nil || !found {
		t.Fatalf("user: %v %v", found, err)
	}
	mine, err := e.p.client.CreateApiToken(ctxT(t), vcapi.CreateApiTokenRequest{UserID: u.ID, AccountID: u.AccountID, Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	id := e.found(t, req)
	for range 3 {
		e.pass(t, req)
	}
	if e.tokenAccount(t, []byte(mine.ID.Reveal())) != id {
		t.Fatal("a token the user made was revoked")
	}
	if got := e.sb.TokensFor(id); len(got) != 3 {
		t.Fatalf("%d tokens, want the initial, the user's and the Secret's", len(got))
	}
}

// TestAdoptedAccountKeepsItsTokens: an account adopted by spec.externalID
// never goes through Find, and every token it had (its initial one, a user's)
// stays valid next to the one the operator issues.
func TestAdoptedAccountKeepsItsTokens(t *testing.T) {
	e := newEnv(t)
	c := e.created(t, newRequest(newAccount("orig", "keep@x.io"), resolver{}))
	id := mustID(t, c.ID)
	userID := mustID(t, string(c.Details[keyUserID]))
	mine, err := e.p.client.CreateApiToken(ctxT(t), vcapi.CreateApiTokenRequest{UserID: userID, AccountID: id, Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	req := existing(c.ID, "keep@x.io")
	req.Account.Name, req.Account.UID, req.Account.Spec.ExternalID = "orig", "uid-adopter", c.ID
	req.Connection = map[string][]byte{}
	if st, err := e.p.Recover(ctxT(t), req, c.ID); st != nil || err != nil {
		t.Fatalf("Recover without a create marker: %v", err)
	}
	for range 3 {
		e.pass(t, req)
	}
	for name, tok := range map[string][]byte{"initial": c.Details[keyToken], "user's": []byte(mine.ID.Reveal()),
		"issued": req.Connection[keyToken]} {
		if e.tokenAccount(t, tok) != id {
			t.Errorf("the %s token does not work", name)
		}
	}
}

// TestFoundAccountOlderThanTheMarker: an account that was there before this
// Account's create (its create never reached the portal, and another one holds
// the username) is found by username, but its token is older than the create
// marker: it is not the create's, and is never revoked.
func TestFoundAccountOlderThanTheMarker(t *testing.T) {
	e := newEnv(t)
	c := e.created(t, newRequest(newAccount("theirs", "older@x.io"), resolver{}))
	req := newRequest(newAccount("mine", "older@x.io"), resolver{})
	req.Account.UID = "uid-mine"
	mark(req, time.Now().Add(time.Hour))
	id := e.found(t, req)
	if id != mustID(t, c.ID) || req.Account.Status.VectorCharts != nil {
		t.Fatalf("found %d, status %+v", id, req.Account.Status.VectorCharts)
	}
	for range 3 {
		e.pass(t, req)
	}
	if e.tokenAccount(t, c.Details[keyToken]) != id {
		t.Fatal("the older account's token was revoked")
	}
	req.Account.Annotations[v1alpha1.AnnotationCreatePending] = "not a time"
	if st, err := e.p.Recover(ctxT(t), req, c.ID); st != nil || err != nil {
		t.Fatalf("Recover with an unreadable marker: %v", err)
	}
}

// TestFoundAccountGoneBeforeRecover: an account gone between Find and the
// token listing is a transient failure, never NotFound or terminal (which
// would stall an Account whose next pass simply creates).
func TestFoundAccountGoneBeforeRecover(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("gone", "gone@x.io"), resolver{})
	e.interrupted(t, req)
	id, err := e.p.Find(ctxT(t), req)
	if err != nil || id == "" {
		t.Fatalf("Find = %q, %v", id, err)
	}
	e.sb.DeleteAccountDirect(mustID(t, id))
	st, err := e.p.Recover(ctxT(t), req, id)
	if f := adapter.Failure(err); st != nil || f == nil || f.Class != adapter.ClassTransient {
		t.Fatalf("Recover of a gone account = %v", err)
	}
}
