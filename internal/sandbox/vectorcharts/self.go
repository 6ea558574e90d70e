package vectorcharts

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// login: POST /auth/login {username, password} returns a session bearer that
// lives until logout. 400 for a bad body, 401 for bad credentials.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !s.readBody(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Username) == "" || in.Password == "" {
		s.writeError(w, http.StatusBadRequest, "username and password are required")
		return
	}
	out, ok := s.startSession(strings.TrimSpace(in.Username), in.Password)
	if !ok {
		s.writeError(w, http.StatusUnauthorized, "invalid username or password")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) startSession(username, password string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	u := s.st.userByEmail(username)
	if u == nil {
		return nil, false
	}
	want, got := u.pwHash, hashPassword(password)
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
		return nil, false
	}
	t := s.st.newToken(u, "", "Session", nil, now, true)
	a := s.st.accounts[u.AccountID]
	owner := s.st.sortedUsers(u.AccountID)[0].ID == u.ID
	return map[string]any{
		"token": map[string]any{"id": t.ID, "userId": u.ID},
		"user": map[string]any{"userId": u.ID, "username": u.Email, "isAdmin": u.IsAdmin, "isAccountOwner": owner,
			"account": map[string]any{"id": a.ID, "name": a.Name}},
	}, true
}

// listOwnTokens: GET /apiTokens, the caller's account's API tokens (vendor
// page api-tokens/list); a self-scoped read that proves a bearer works.
func (s *Server) listOwnTokens(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.now()
	out := copyTokens(s.st.apiTokens(c.AccountID))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// createOwnToken: POST /apiTokens {name, restrictions?} for the caller.
func (s *Server) createOwnToken(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	var in struct {
		Name         string        `json:"name"`
		Restrictions *restrictions `json:"restrictions"`
	}
	if !s.readBody(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Name) == "" {
		s.writeError(w, http.StatusBadRequest, "name is required")
		return
	}
	status, msg, t := s.mintToken(c.UserID, c.AccountID, strings.TrimSpace(in.Name), in.Restrictions)
	if status != http.StatusOK {
		s.writeError(w, status, msg)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// deleteOwnToken: DELETE /apiTokens/{id}: 204, or 404 if the token is not on
// the caller's account. The deleted bearer gets 401 from then on.
func (s *Server) deleteOwnToken(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	t := s.st.tokens[id]
	found := t != nil && !t.session && t.AccountID == c.AccountID
	if found {
		delete(s.st.tokens, id)
	}
	s.mu.Unlock()
	if !found {
		s.writeError(w, http.StatusNotFound, "token not found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
