package vectorcharts

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// Account is the admin and test view of one account (never passwords or tokens).
type Account struct {
	ID           int64         `json:"id"`
	Name         string        `json:"name"`
	PlanInstance string        `json:"planInstance"`
	State        string        `json:"state"` // "active", or "deleting" while a delete job runs
	Users        []AccountUser `json:"users"`
	TokenCount   int           `json:"tokenCount"`
}

// AccountUser is a user in the Account view; Username is the email.
type AccountUser struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	IsAdmin  bool   `json:"isAdmin"`
}

// Token is the admin and test view of one API token that authenticates
// calls: never the bearer, only its SHA-256, which whoever holds the bearer
// can compute to tell whether the upstream still takes it.
type Token struct {
	AccountID int64  `json:"accountId"`
	Name      string `json:"name"`
	SHA256    string `json:"sha256"`    // hex
	Initial   bool   `json:"initial"`   // made by createAccount with the account
	CreatedAt int64  `json:"createdAt"` // Unix milliseconds
}

// Job is the admin and test view of a job. Deletes is the account a delete
// job removes (0 for other jobs), whatever its accountId says.
type Job struct {
	ID        string `json:"id"`
	Type      string `json:"jobType"`
	State     string `json:"jobState"`
	AccountID int64  `json:"accountId"`
	Deletes   int64  `json:"deletes"`
}

// AdminHandler serves GET /accounts, GET /tokens, GET /jobs, GET and POST /variants (a
// Variants object; zero fields mean defaults) plus the fault endpoints; mount
// it under /admin/ with the prefix stripped.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /accounts", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Accounts())
	})
	mux.HandleFunc("GET /tokens", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Tokens())
	})
	mux.HandleFunc("GET /jobs", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Jobs())
	})
	fault.HandleVariants(mux, s.Variants, s.SetVariants)
	mux.Handle("/", s.faults.AdminHandler())
	return mux
}

// Accounts lists every account, the seeded admin account included, by id.
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now()
	deleting := map[int64]bool{}
	for _, j := range s.st.jobs {
		if j.active() && j.target != 0 {
			deleting[j.target] = true
		}
	}
	out := []Account{}
	for _, a := range s.st.sortedAccounts() {
		v := Account{ID: a.ID, Name: a.Name, PlanInstance: a.PlanInstance, State: "active",
			Users: []AccountUser{}, TokenCount: len(s.st.apiTokens(a.ID))}
		if deleting[a.ID] {
			v.State = "deleting"
		}
		for _, u := range s.st.sortedUsers(a.ID) {
			v.Users = append(v.Users, AccountUser{ID: u.ID, Username: u.Email, IsAdmin: u.IsAdmin})
		}
		out = append(out, v)
	}
	return out
}

// AccountByUsername finds the account whose user has this username.
func (s *Server) AccountByUsername(username string) (Account, bool) {
	for _, a := range s.Accounts() {
		for _, u := range a.Users {
			if strings.EqualFold(u.Username, username) {
				return a, true
			}
		}
	}
	return Account{}, false
}

// Jobs lists every job, most recent first.
func (s *Server) Jobs() []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now()
	out := make([]Job, 0, len(s.st.jobs))
	for i := len(s.st.jobs) - 1; i >= 0; i-- {
		j := s.st.jobs[i]
		out = append(out, Job{ID: j.ID, Type: j.JobType, State: j.JobState, AccountID: j.AccountID, Deletes: j.target})
	}
	return out
}

// SetAccountName renames an account behind the operator's back (drift).
func (s *Server) SetAccountName(id int64, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.accounts[id]
	if a != nil {
		a.Name = name
	}
	return a != nil
}

// DeleteAccountDirect removes an account, its users and tokens at once, with
// no job (drift).
func (s *Server) DeleteAccountDirect(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.removeAccount(id)
}

// TokensFor returns the bearer strings of an account's API tokens, oldest first.
func (s *Server) TokensFor(accountID int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now()
	var out []string
	for _, t := range s.st.apiTokens(accountID) {
		out = append(out, t.ID)
	}
	return out
}

// Tokens lists every account's API tokens that authenticate a call (login
// sessions left out), by account id and then in creation order.
func (s *Server) Tokens() []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now()
	out := []Token{}
	for _, a := range s.st.sortedAccounts() {
		for _, t := range s.st.apiTokens(a.ID) {
			if s.st.users[t.UserID] == nil {
				continue
			}
			sum := sha256.Sum256([]byte(t.ID))
			out = append(out, Token{AccountID: a.ID, Name: t.Name, SHA256: hex.EncodeToString(sum[:]),
				Initial: t.initial, CreatedAt: t.CreatedAt})
		}
	}
	return out
}

// RevokeToken deletes one bearer, as a user revoking it would.
func (s *Server) RevokeToken(bearer string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.st.tokens[bearer]
	delete(s.st.tokens, bearer)
	return ok
}

// FailNextDeleteJob makes the next delete job end "failed", keeping the account.
func (s *Server) FailNextDeleteJob() { s.EndDeleteJobs(1, JobFailed) }

// EndDeleteJobs makes the next n delete jobs end in state (failed or
// cancelled) instead of completing, keeping the account.
func (s *Server) EndDeleteJobs(n int, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.jobEnds = append(s.jobEnds, state)
	}
}

// SetJobDurations changes how long jobs started from now on (and running
// ones, which are timed from their start) stay pending and then running; zero
// keeps a value.
func (s *Server) SetJobDurations(pending, running time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pending > 0 {
		s.opts.JobPendingFor = pending
	}
	if running > 0 {
		s.opts.JobRunningFor = running
	}
}

// StartJob queues a job of an account that is not a deletion (say, a chart
// import): it runs like a delete job and completes, changing nothing. It
// names the account in its accountId. It returns the job id.
func (s *Server) StartJob(accountID int64, jobType string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newJob(jobType, accountID, s.now()).ID
}
