package vectorcharts

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// caller is who a bearer token belongs to.
type caller struct {
	UserID    int64
	AccountID int64
	IsAdmin   bool
	TokenID   string
}

// authenticate resolves the bearer (API token or login session). Missing,
// unknown or origin-restricted tokens get 401.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (caller, bool) {
	scheme, bearer, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	bearer = strings.TrimSpace(bearer)
	if !strings.EqualFold(scheme, "Bearer") || bearer == "" {
		s.writeError(w, http.StatusUnauthorized, "missing bearer token")
		return caller{}, false
	}
	c, ok := s.lookupBearer(bearer, r.Header.Get("Origin"))
	if !ok {
		s.writeError(w, http.StatusUnauthorized, "invalid token")
	}
	return c, ok
}

// lookupBearer finds the token's user and stamps lastUsedAt.
func (s *Server) lookupBearer(bearer, origin string) (caller, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	t := s.st.tokens[bearer]
	if t == nil || !originAllowed(t.Restrictions, origin) {
		return caller{}, false
	}
	u := s.st.users[t.UserID]
	if u == nil {
		return caller{}, false
	}
	used := millis(now)
	t.LastUsedAt = &used
	return caller{UserID: u.ID, AccountID: u.AccountID, IsAdmin: u.IsAdmin, TokenID: t.ID}, true
}

// originAllowed matches the request Origin exactly against the token's hosts
// (bare host or full origin); no restriction allows any origin.
func originAllowed(r *restrictions, origin string) bool {
	if r == nil || len(r.Hosts) == 0 {
		return true
	}
	host := origin
	if u, err := url.Parse(origin); err == nil && u.Host != "" {
		host = u.Host
	}
	return slices.Contains(r.Hosts, origin) || slices.Contains(r.Hosts, host)
}

// admin guards /admin/* routes: authenticated, then 403 for non-admins.
func (s *Server) admin(h func(http.ResponseWriter, *http.Request, caller)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if !c.IsAdmin {
			s.writeError(w, http.StatusForbidden, "administrator privileges required")
			return
		}
		h(w, r, c)
	}
}

// writeError answers in the configured (undocumented upstream) error style.
func (s *Server) writeError(w http.ResponseWriter, status int, msg string) {
	switch s.opts.ErrorFormat {
	case "text":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(msg))
	case "message":
		writeJSON(w, status, map[string]string{"message": msg})
	default:
		writeJSON(w, status, map[string]string{"error": msg})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readBody decodes a JSON request body, answering 400 when it is malformed.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		s.writeError(w, http.StatusBadRequest, "malformed request body")
		return false
	}
	return true
}

// queryID reads a positive integer id from the query, answering 400 otherwise.
func (s *Server) queryID(w http.ResponseWriter, r *http.Request, key string) (int64, bool) {
	id, err := strconv.ParseInt(r.URL.Query().Get(key), 10, 64)
	if err != nil || id <= 0 {
		s.writeError(w, http.StatusBadRequest, key+" must be a positive integer")
		return 0, false
	}
	return id, true
}
