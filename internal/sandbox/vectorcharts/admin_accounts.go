package vectorcharts

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// createAccount: POST /admin/createAccount {name, username, password}.
// Missing fields, a short password or a username in use are all 400.
func (s *Server) createAccount(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		Name     string `json:"name"`
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !s.readBody(w, r, &in) {
		return
	}
	in.Name, in.Username = strings.TrimSpace(in.Name), strings.TrimSpace(in.Username)
	switch {
	case in.Name == "" || in.Username == "" || in.Password == "":
		s.writeError(w, http.StatusBadRequest, "name, username and password are required")
		return
	case utf8.RuneCountInString(in.Password) < 4:
		s.writeError(w, http.StatusBadRequest, "password must be at least 4 characters")
		return
	}
	out, ok := s.commitCreate(in.Name, in.Username, in.Password, c)
	if !ok {
		s.writeError(w, http.StatusBadRequest, "username already in use")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// commitCreate checks the username and creates all three records in one
// critical section, so concurrent creates cannot both take a username.
func (s *Server) commitCreate(name, username, password string, c caller) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.st.userByEmail(username) != nil {
		return nil, false
	}
	plan := s.opts.PlanInstance
	if own := s.st.accounts[c.AccountID]; own != nil {
		plan = own.PlanInstance // the new account inherits the caller's plan
	}
	a, u, t := s.st.createAccount(name, username, password, plan, now)
	return map[string]any{"account": *a, "user": *u, "initialToken": *t}, true
}

// getAccount: GET /admin/getAccount?id=N.
func (s *Server) getAccount(w http.ResponseWriter, r *http.Request, _ caller) {
	id, ok := s.queryID(w, r, "id")
	if !ok {
		return
	}
	s.mu.Lock()
	s.now()
	a, found := s.st.accounts[id]
	var out account
	if found {
		out = *a
	}
	s.mu.Unlock()
	if !found {
		s.writeError(w, http.StatusNotFound, "account not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// getAllAccounts: GET /admin/getAllAccounts, a plain array.
func (s *Server) getAllAccounts(w http.ResponseWriter, _ *http.Request, _ caller) {
	s.mu.Lock()
	s.now()
	out := []account{}
	for _, a := range s.st.sortedAccounts() {
		out = append(out, *a)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// editAccount: POST /admin/editAccount {id, name}; it only renames.
func (s *Server) editAccount(w http.ResponseWriter, r *http.Request, _ caller) {
	var in struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if !s.readBody(w, r, &in) {
		return
	}
	s.faults.AccountWrite(strconv.FormatInt(in.ID, 10))
	in.Name = strings.TrimSpace(in.Name)
	if in.ID <= 0 || in.Name == "" {
		s.writeError(w, http.StatusBadRequest, "id and name are required")
		return
	}
	s.mu.Lock()
	s.now()
	a, found := s.st.accounts[in.ID]
	var out account
	if found {
		a.Name = in.Name
		out = *a
	}
	s.mu.Unlock()
	if !found {
		s.writeError(w, http.StatusNotFound, "account not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// deleteAccount: POST /admin/deleteAccount {id} starts a job; 404 when the
// account is gone, 400 for the caller's own account. A second delete while
// one runs is answered as the RepeatDelete variant says.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		ID int64 `json:"id"`
	}
	if !s.readBody(w, r, &in) {
		return
	}
	s.faults.AccountWrite(strconv.FormatInt(in.ID, 10))
	if in.ID <= 0 {
		s.writeError(w, http.StatusBadRequest, "id must be a positive integer")
		return
	}
	if in.ID == c.AccountID {
		s.writeError(w, http.StatusBadRequest, "cannot delete your own account")
		return
	}
	s.mu.Lock()
	now := s.now()
	jobID, status := "", http.StatusNotFound
	if _, found := s.st.accounts[in.ID]; found {
		jobID, status = s.deleteJob(c, in.ID, now)
	}
	s.mu.Unlock()
	switch status {
	case http.StatusOK:
		writeJSON(w, http.StatusOK, map[string]string{"jobId": jobID})
	case http.StatusBadRequest:
		s.writeError(w, status, "the account is already being deleted")
	default:
		s.writeError(w, http.StatusNotFound, "account not found")
	}
}
