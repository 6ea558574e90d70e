package vectorcharts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// account, user, token and job are the sandbox's own records; their JSON is
// written from the vendor reference, independently of any client.
type account struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	PlanInstance string         `json:"planInstance"`
	Metadata     map[string]any `json:"metadata"`
	CreatedAt    int64          `json:"createdAt"`
}

type user struct {
	ID         int64  `json:"id"`
	AccountID  int64  `json:"accountId"`
	Email      string `json:"email"`
	IsAdmin    bool   `json:"isAdmin"`
	CreatedAt  int64  `json:"createdAt"`
	ModifiedAt int64  `json:"modifiedAt"`
	pwHash     [32]byte
}

type restrictions struct {
	Hosts []string `json:"hosts"`
}

type token struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	UserID       int64         `json:"userId"`
	AccountID    int64         `json:"accountId"`
	UserEmail    string        `json:"userEmail"`
	CreatedAt    int64         `json:"createdAt"`
	LastUsedAt   *int64        `json:"lastUsedAt"`
	Restrictions *restrictions `json:"restrictions"`
	session      bool          // login session: a bearer, but not an API token
	initial      bool          // made by createAccount with the account
	seq          int64
}

// state is everything the sandbox holds; guarded by Server.mu.
type state struct {
	accounts map[int64]*account
	users    map[int64]*user
	tokens   map[string]*token
	jobs     []*job // in creation order; listed most recent first
	nextID   int64  // shared by accounts and users: ids are positive integers
	tokenSeq int64
}

func newState() *state {
	return &state{accounts: map[int64]*account{}, users: map[int64]*user{}, tokens: map[string]*token{}}
}

func (st *state) allocID() int64 {
	st.nextID++
	return st.nextID
}

func hashPassword(pw string) [32]byte { return sha256.Sum256([]byte(pw)) }

func millis(t time.Time) int64 { return t.UnixMilli() }

// randomHex returns n random bytes hex-encoded: bearer strings look like the
// vendor's 32-hex-digit ids.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (st *state) userByEmail(email string) *user {
	for _, u := range st.users {
		if strings.EqualFold(u.Email, email) {
			return u
		}
	}
	return nil
}

// newToken registers a bearer for u; an empty id gets a random one. seq keeps
// listings in creation order.
func (st *state) newToken(u *user, id, name string, r *restrictions, now time.Time, session bool) *token {
	if id == "" {
		id = randomHex(16)
	}
	st.tokenSeq++
	t := &token{ID: id, Name: name, UserID: u.ID, AccountID: u.AccountID, UserEmail: u.Email,
		CreatedAt: millis(now), Restrictions: r, session: session, seq: st.tokenSeq}
	st.tokens[t.ID] = t
	return t
}

// createAccount builds the account, its owner and the initial token, then
// commits all three at once: nothing is visible unless everything succeeded,
// which is the vendor's documented rollback guarantee.
func (st *state) createAccount(name, username, password, plan string, now time.Time) (*account, *user, *token) {
	a := &account{ID: st.allocID(), Name: name, PlanInstance: plan, Metadata: map[string]any{}, CreatedAt: millis(now)}
	u := &user{ID: st.allocID(), AccountID: a.ID, Email: username, CreatedAt: millis(now),
		ModifiedAt: millis(now), pwHash: hashPassword(password)}
	st.accounts[a.ID] = a
	st.users[u.ID] = u
	t := st.newToken(u, "", "Default", nil, now, false)
	t.initial = true
	return a, u, t
}

// removeAccount drops an account with its users and every bearer they hold.
func (st *state) removeAccount(id int64) bool {
	if _, ok := st.accounts[id]; !ok {
		return false
	}
	delete(st.accounts, id)
	for uid, u := range st.users {
		if u.AccountID == id {
			delete(st.users, uid)
		}
	}
	for tid, t := range st.tokens {
		if t.AccountID == id {
			delete(st.tokens, tid)
		}
	}
	return true
}

func (st *state) sortedAccounts() []*account {
	out := make([]*account, 0, len(st.accounts))
	for _, a := range st.accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (st *state) sortedUsers(accountID int64) []*user {
	out := make([]*user, 0, len(st.users))
	for _, u := range st.users {
		if accountID == 0 || u.AccountID == accountID {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// apiTokens lists an account's API tokens (never login sessions) in creation order.
func (st *state) apiTokens(accountID int64) []*token {
	var out []*token
	for _, t := range st.tokens {
		if t.AccountID == accountID && !t.session {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}
