package scp

import (
	"net/http"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// AdminHandler serves, under the prefix the caller strips (e.g. /admin/):
// GET /accounts (every account with id, name, state and registration status),
// POST /fail-registration {"name": "…"} ("" fails the next create),
// POST /account-state {"id": "…", "state": "SUSPENDED"} (forces the
// organization state of an account behind the operator's back; "" clears), and
// everything fault.AdminHandler serves (calls, codes, rate, faults, latency,
// ratelimit, reset).
func (s *Server) AdminHandler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /accounts", func(w http.ResponseWriter, _ *http.Request) {
		fault.WriteJSON(w, http.StatusOK, s.Accounts())
	})
	m.HandleFunc("POST /fail-registration", func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Name string `json:"name"`
		}
		if !readBody(w, r, &b) {
			return
		}
		s.FailRegistration(b.Name)
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST /account-state", func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			ID    string `json:"id"`
			State string `json:"state"`
		}
		if !readBody(w, r, &b) {
			return
		}
		if err := s.SetAccountState(b.ID, b.State); err != nil {
			writeError(w, http.StatusNotFound, "Admin.AccountNotFound", err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	m.Handle("/", s.faults.AdminHandler())
	return m
}
