package ccm

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// session is one login. The bearer token expires at tokenExpires; refresh
// extends it, never past sessionExpires.
type session struct {
	user           User
	subjectID      string
	tokenExpires   time.Time
	sessionExpires time.Time
	selected       string // acct_id chosen with select_account
}

type ctxKey struct{}

// caller returns the session of an authenticated request.
func caller(r *http.Request) *session { return r.Context().Value(ctxKey{}).(*session) }

// login checks Basic credentials and opens a session. The optional body (OAuth
// code exchange) is not simulated and is ignored.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	email, password, ok := r.BasicAuth()
	s.mu.Lock()
	u, known := s.users[email]
	if !ok || !known || u.Password != password {
		s.mu.Unlock()
		textError(w, http.StatusUnauthorized, "invalid username or password")
		return
	}
	now := s.opts.Now()
	token := newToken()
	ss := &session{user: u, subjectID: subjectID(email), tokenExpires: now.Add(s.opts.TokenTTL),
		sessionExpires: now.Add(s.opts.SessionTTL)}
	s.sessions[token] = ss
	info := s.info(ss)
	s.mu.Unlock()
	fault.WriteJSON(w, http.StatusOK, map[string]any{"access_token": token, "session_info": info})
}

// authed resolves the bearer token; missing, unknown or expired tokens get 401.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		ss, known := s.sessions[token]
		valid := ok && known && s.opts.Now().Before(ss.tokenExpires)
		s.mu.Unlock()
		if !valid {
			textError(w, http.StatusUnauthorized, "missing, unknown or expired bearer token")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ss)))
	}
}

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	ss := caller(r)
	s.mu.Lock()
	now := s.opts.Now()
	if !now.Before(ss.sessionExpires) {
		s.mu.Unlock()
		textError(w, http.StatusUnauthorized, "session expired")
		return
	}
	ss.tokenExpires = now.Add(s.opts.TokenTTL)
	if ss.tokenExpires.After(ss.sessionExpires) {
		ss.tokenExpires = ss.sessionExpires
	}
	info := s.info(ss)
	s.mu.Unlock()
	fault.WriteJSON(w, http.StatusOK, map[string]any{"session_info": info})
}

// selectAt serves select_account at one of its two paths, or answers 404 as
// an unknown route when the variant in force does not serve it there.
func (s *Server) selectAt(path string) http.HandlerFunc {
	selectAccount := s.authed(s.selectAccount)
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		served := s.opts.Variants.serves(path)
		s.mu.Unlock()
		if !served {
			http.NotFound(w, r)
			return
		}
		selectAccount(w, r)
	}
}

// selectAccount scopes the session to one account; the caller must be a member.
func (s *Server) selectAccount(w http.ResponseWriter, r *http.Request) {
	ss := caller(r)
	id := r.PathValue("id")
	s.mu.Lock()
	a, ok := s.accounts[id]
	switch {
	case !ok:
		status := s.opts.Variants.missing()
		s.mu.Unlock()
		textError(w, status, "account not found or not accessible")
		return
	case a.members[ss.user.Email] == "":
		s.mu.Unlock()
		textError(w, http.StatusForbidden, "not a member of this account")
		return
	}
	ss.selected = id
	info := s.info(ss)
	noContent := s.opts.Variants.SelectNoContent
	s.mu.Unlock()
	if noContent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	fault.WriteJSON(w, http.StatusOK, map[string]any{"session_info": info})
}

func (s *Server) terminate(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	delete(s.sessions, token)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) version(w http.ResponseWriter, _ *http.Request) {
	fault.WriteJSON(w, http.StatusOK, map[string]any{"version": s.opts.Version})
}

// info is the SessionInfo JSON; expiries are epoch seconds, or milliseconds
// under the ExpiryMillis variant. Caller holds mu.
func (s *Server) info(ss *session) map[string]any {
	at := func(t time.Time) int64 { return t.Unix() }
	if s.opts.Variants.ExpiryMillis {
		at = func(t time.Time) int64 { return t.UnixMilli() }
	}
	m := map[string]any{"subject_id": ss.subjectID,
		"session_expires_at":       at(ss.sessionExpires),
		"session_token_expires_at": at(ss.tokenExpires)}
	if ss.selected != "" {
		m["selected_account_id"] = ss.selected
	}
	return m
}

// subjectID derives a stable uuid-shaped user id from the email.
func subjectID(email string) string {
	var b [16]byte
	for i := 0; i < len(email); i++ {
		b[i%16] = b[i%16]*31 + email[i]
	}
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexd[c>>4], hexd[c&0xf])
	}
	return string(out)
}
