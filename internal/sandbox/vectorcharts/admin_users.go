package vectorcharts

import (
	"net/http"
	"strconv"
	"strings"
)

// getUser: GET /admin/getUser?id=N.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request, _ caller) {
	id, ok := s.queryID(w, r, "id")
	if !ok {
		return
	}
	s.mu.Lock()
	s.now()
	u, found := s.st.users[id]
	var out user
	if found {
		out = *u
	}
	s.mu.Unlock()
	if !found {
		s.writeError(w, http.StatusNotFound, "user not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// userSummary is the getAllUsers element: no modifiedAt.
type userSummary struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	AccountID int64  `json:"accountId"`
	IsAdmin   bool   `json:"isAdmin"`
	CreatedAt int64  `json:"createdAt"`
}

// getAllUsers: GET /admin/getAllUsers, a plain array across all accounts.
func (s *Server) getAllUsers(w http.ResponseWriter, _ *http.Request, _ caller) {
	s.mu.Lock()
	s.now()
	out := []userSummary{}
	for _, u := range s.st.sortedUsers(0) {
		out = append(out, userSummary{ID: u.ID, Email: u.Email, AccountID: u.AccountID, IsAdmin: u.IsAdmin, CreatedAt: u.CreatedAt})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// getApiTokens: GET /admin/getApiTokens?accountId=N; bearer ids included.
func (s *Server) getApiTokens(w http.ResponseWriter, r *http.Request, _ caller) {
	id, ok := s.queryID(w, r, "accountId")
	if !ok {
		return
	}
	s.mu.Lock()
	s.now()
	_, found := s.st.accounts[id]
	out := copyTokens(s.st.apiTokens(id))
	s.mu.Unlock()
	if !found {
		s.writeError(w, http.StatusNotFound, "account not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func copyTokens(ts []*token) []token {
	out := make([]token, 0, len(ts))
	for _, t := range ts {
		out = append(out, *t)
	}
	return out
}

// createApiToken: POST /admin/createApiToken {userId, accountId, name,
// restrictions?}. Unknown account 404; user not in the account 400.
func (s *Server) createApiToken(w http.ResponseWriter, r *http.Request, _ caller) {
	var in struct {
		UserID       int64         `json:"userId"`
		AccountID    int64         `json:"accountId"`
		Name         string        `json:"name"`
		Restrictions *restrictions `json:"restrictions"`
	}
	if !s.readBody(w, r, &in) {
		return
	}
	s.faults.AccountWrite(strconv.FormatInt(in.AccountID, 10))
	in.Name = strings.TrimSpace(in.Name)
	if in.UserID <= 0 || in.AccountID <= 0 || in.Name == "" {
		s.writeError(w, http.StatusBadRequest, "userId, accountId and name are required")
		return
	}
	status, msg, t := s.mintToken(in.UserID, in.AccountID, in.Name, in.Restrictions)
	if status != http.StatusOK {
		s.writeError(w, status, msg)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) mintToken(userID, accountID int64, name string, r *restrictions) (int, string, token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if _, ok := s.st.accounts[accountID]; !ok {
		return http.StatusNotFound, "account not found", token{}
	}
	u := s.st.users[userID]
	if u == nil || u.AccountID != accountID {
		return http.StatusBadRequest, "user is not a member of the account", token{}
	}
	return http.StatusOK, "", *s.st.newToken(u, "", name, r, now, false)
}
