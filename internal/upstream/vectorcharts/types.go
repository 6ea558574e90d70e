package vectorcharts

import (
	"encoding/json"
	"time"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// The types below hold only the fields the operator uses. encoding/json skips
// every other field, so an unknown field, or an unused field of a type other
// than the vendor documents, never fails a call.

// Account is what the operator reads of a portal account: its id, its name
// (the one editable field, compared with spec.displayName) and its plan,
// recorded in the Account's status.
type Account struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	PlanInstance string `json:"planInstance"`
}

// User is a portal user. Email doubles as the login username, the key an
// account is adopted by.
type User struct {
	ID        int64  `json:"id"`
	AccountID int64  `json:"accountId"`
	Email     string `json:"email"`
}

// Restrictions limit where a token may be used from: Hosts are matched exactly
// against the request Origin; none means any origin.
type Restrictions struct {
	Hosts []string `json:"hosts,omitempty"`
}

// ApiToken is an API token as the operator keeps it: only its id, which is the
// bearer string itself, held as a Secret so printing or JSON-encoding a token
// never shows it.
type ApiToken struct {
	ID   httpapi.Secret `json:"id"`
	Name string         `json:"name"`
	// CreatedAt is when the portal made the token, from getApiTokens (zero
	// when not known).
	CreatedAt time.Time `json:"-"`
}

// apiTokenWire is what the upstream sends; the id becomes a Secret at once so
// the bearer string only ever leaves a Go value through Reveal.
type apiTokenWire struct {
	ID string `json:"id"`
}

func (w apiTokenWire) token() ApiToken { return ApiToken{ID: httpapi.Secret(w.ID)} }

// apiTokenListWire is a token in getApiTokens, where the name is used (to
// tell the operator's tokens) and createdAt (epoch milliseconds: to tell the
// initial token of an interrupted create from an older one); a name that is
// not a string reads as "", a createdAt that is not a positive integer as
// unknown.
type apiTokenListWire struct {
	ID        string          `json:"id"`
	Name      json.RawMessage `json:"name"`
	CreatedAt json.RawMessage `json:"createdAt"`
}

func (w apiTokenListWire) token() ApiToken {
	var name string
	_ = json.Unmarshal(w.Name, &name)
	t := ApiToken{ID: httpapi.Secret(w.ID), Name: name}
	var ms int64
	if json.Unmarshal(w.CreatedAt, &ms) == nil && ms > 0 {
		t.CreatedAt = time.UnixMilli(ms)
	}
	return t
}

// CreateAccountRequest creates an account, its primary user and an initial token.
// Username is also the user's email; Password must be at least 4 characters.
type CreateAccountRequest struct {
	Name     string
	Username string
	Password httpapi.Secret
}

// createAccountWire is the request body; it exists only while being encoded.
type createAccountWire struct {
	Name     string `json:"name"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// CreateAccountResult is the one-time answer to CreateAccount: InitialToken.ID
// is the new user's bearer token.
type CreateAccountResult struct {
	Account      Account  `json:"account"`
	User         User     `json:"user"`
	InitialToken ApiToken `json:"initialToken"`
}

type createAccountResultWire struct {
	Account      Account      `json:"account"`
	User         User         `json:"user"`
	InitialToken apiTokenWire `json:"initialToken"`
}

// CreateApiTokenRequest mints a token for a user of an account.
type CreateApiTokenRequest struct {
	UserID       int64         `json:"userId"`
	AccountID    int64         `json:"accountId"`
	Name         string        `json:"name"`
	Restrictions *Restrictions `json:"restrictions,omitempty"`
}
