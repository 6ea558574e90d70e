package vectorcharts

import (
	"encoding/json"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Account is a VectorCharts account. Timestamps are Unix milliseconds.
type Account struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	PlanInstance string         `json:"planInstance"`
	Metadata     map[string]any `json:"metadata,omitempty"`
	CreatedAt    int64          `json:"createdAt"`
}

// User is a portal user. Email doubles as the login username.
type User struct {
	ID         int64  `json:"id"`
	AccountID  int64  `json:"accountId"`
	Email      string `json:"email"`
	IsAdmin    bool   `json:"isAdmin"`
	CreatedAt  int64  `json:"createdAt"`
	ModifiedAt *int64 `json:"modifiedAt,omitempty"`
}

// Restrictions limit where a token may be used from: Hosts are matched exactly
// against the request Origin; none means any origin.
type Restrictions struct {
	Hosts []string `json:"hosts,omitempty"`
}

// ApiToken is a long-lived API token. Its ID is the bearer string itself, so
// it is held as a Secret: printing or JSON-encoding a token never shows it.
type ApiToken struct {
	ID           httpapi.Secret `json:"id"`
	Name         string         `json:"name"`
	UserID       int64          `json:"userId"`
	AccountID    int64          `json:"accountId"`
	UserEmail    string         `json:"userEmail"`
	CreatedAt    int64          `json:"createdAt"`
	LastUsedAt   *int64         `json:"lastUsedAt"`
	Restrictions *Restrictions  `json:"restrictions"`
}

// apiTokenWire is what the upstream sends; the id becomes a Secret at once so
// the bearer string only ever leaves a Go value through Reveal.
type apiTokenWire struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	UserID       int64         `json:"userId"`
	AccountID    int64         `json:"accountId"`
	UserEmail    string        `json:"userEmail"`
	CreatedAt    int64         `json:"createdAt"`
	LastUsedAt   *int64        `json:"lastUsedAt"`
	Restrictions *Restrictions `json:"restrictions"`
}

func (w apiTokenWire) token() ApiToken {
	return ApiToken{ID: httpapi.Secret(w.ID), Name: w.Name, UserID: w.UserID, AccountID: w.AccountID,
		UserEmail: w.UserEmail, CreatedAt: w.CreatedAt, LastUsedAt: w.LastUsedAt, Restrictions: w.Restrictions}
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

// Job states.
const (
	JobPending   = "pending"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// Job is a background job, such as the one deleteAccount starts.
type Job struct {
	ID              string          `json:"id"`
	ParentJobID     string          `json:"parentJobId,omitempty"`
	JobType         string          `json:"jobType"`
	JobState        string          `json:"jobState"`
	AccountID       int64           `json:"accountId,omitempty"`
	Parameters      json.RawMessage `json:"parameters,omitempty"`
	Result          json.RawMessage `json:"result,omitempty"`
	Logs            []JobLog        `json:"logs,omitempty"`
	PercentComplete float64         `json:"percentComplete"`
	Priority        int             `json:"priority"`
	CreatedAt       int64           `json:"createdAt,omitempty"`
}

// Finished reports whether the job reached a final state.
func (j Job) Finished() bool {
	return j.JobState == JobCompleted || j.JobState == JobFailed || j.JobState == JobCancelled
}

// JobLog is one log line of a job.
type JobLog struct {
	Timestamp int64  `json:"timestamp"`
	Type      string `json:"type"`
	Message   string `json:"message"`
}

// ListJobsOptions pages through jobs, most recent first. Limit 0 lets the
// upstream choose; values above MaxJobsLimit are lowered to it.
type ListJobsOptions struct {
	ActiveOnly bool
	Limit      int
	Offset     int
}

// MaxJobsLimit is the largest page the jobs endpoint serves.
const MaxJobsLimit = 200
