package scp

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// accountSummary is AccountSummary, one entry of ListAccounts.
type accountSummary struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	LoginID        string `json:"login_id"`
	OrganizationID string `json:"organization_id"`
	ParentUnitID   string `json:"parent_unit_id"`
	ParentUnitName string `json:"parent_unit_name"`
	State          string `json:"state"`
	Type           string `json:"type"`
	JoinedMethod   string `json:"joined_method"`
	JoinedTime     string `json:"joined_time"`
	CreatedAt      string `json:"created_at"`
	CreatedBy      string `json:"created_by"`
	ModifiedAt     string `json:"modified_at"`
	ModifiedBy     string `json:"modified_by"`
}

// accountWithPolicy is OrganizationAccountWithPolicy, what ShowAccount returns.
type accountWithPolicy struct {
	accountSummary
	SRN             string          `json:"srn"`
	CreatorName     string          `json:"creator_name"`
	ModifierName    string          `json:"modifier_name"`
	ControlPolicies []policySummary `json:"control_policies"`
}

// policySummary is ConnectedPolicySummary; control policies are not
// modelled, so the list is always empty.
type policySummary struct {
	PolicyID   string `json:"policy_id"`
	PolicyName string `json:"policy_name"`
}

func (s *Server) summary(a *account, now time.Time) accountSummary {
	return accountSummary{ID: a.id, Name: a.name, Email: a.email, LoginID: a.email,
		OrganizationID: s.opts.OrganizationID, ParentUnitID: a.parentUnitID, ParentUnitName: a.parentUnitID,
		State: s.state(a, now), Type: "MEMBER", JoinedMethod: "CLOUD_CONTROL",
		JoinedTime: stamp(a.createdAt), CreatedAt: stamp(a.createdAt), CreatedBy: "cloudcontrol",
		ModifiedAt: stamp(a.modifiedAt), ModifiedBy: "cloudcontrol"}
}

func (s *Server) withPolicy(a *account, now time.Time) accountWithPolicy {
	org := s.opts.OrganizationID
	return accountWithPolicy{accountSummary: s.summary(a, now),
		SRN:         "srn:e::" + org + ":organization::account/" + a.id,
		CreatorName: "Cloud Control", ModifierName: "Cloud Control", ControlPolicies: []policySummary{}}
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// visibleAccount returns the account organization reads see, or nil (404).
// Callers hold s.mu.
func (s *Server) visibleAccount(id string, now time.Time) *account {
	a := s.lookup(id, now)
	if a == nil || !s.visible(a, now) {
		return nil
	}
	return a
}

func accountNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "Organization.AccountNotFound", "account not found")
}

// getAccount: GET /v1/organization-accounts/{id} → {"account": …}.
func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	a := s.visibleAccount(r.PathValue("id"), now)
	if a == nil {
		accountNotFound(w)
		return
	}
	fault.WriteJSON(w, http.StatusOK, map[string]any{"account": s.withPolicy(a, now)})
}

// listAccounts: GET /v1/organization-accounts with exact-match filters and
// page (from 0) / size (default 20) paging; count is the total match count.
func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, okPage := intParam(q.Get("page"), 0, 0, 1<<20)
	size, okSize := intParam(q.Get("size"), 20, 1, 10000)
	if !okPage || !okSize {
		writeError(w, http.StatusBadRequest, "Common.InvalidParameter", []string{"page must be >= 0 and size 1..10000"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	all := []accountSummary{}
	for _, a := range s.live(now) {
		v := s.summary(a, now)
		if s.visible(a, now) && matches(q.Get("name"), v.Name) && matches(q.Get("email"), v.Email) &&
			matches(q.Get("id"), v.ID) && matches(q.Get("parent_unit_id"), v.ParentUnitID) &&
			matches(q.Get("organization_id"), v.OrganizationID) {
			all = append(all, v)
		}
	}
	from, to := min(page*size, len(all)), min((page+1)*size, len(all))
	fault.WriteJSON(w, http.StatusOK, map[string]any{"accounts": all[from:to], "count": len(all), "page": page,
		"size": size, "sort": q.Get("sort")})
}

func intParam(v string, def, lo, hi int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= lo && n <= hi
}

// moveBody is the MoveAccount request.
type moveBody struct {
	OrganizationID   string   `json:"organization_id"`
	ParentUnitID     string   `json:"parent_unit_id"`
	TargetAccountIDs []string `json:"target_account_ids"`
}

// moveAccount: PUT /v1/organization-accounts/parent. A partial-success 200:
// each target lands in success_ids or failed_ids. OUs are not modelled: any
// "ou-" id exists, anything else does not.
func (s *Server) moveAccount(w http.ResponseWriter, r *http.Request) {
	var b moveBody
	if !readBody(w, r, &b) {
		return
	}
	if b.ParentUnitID == "" || len(b.TargetAccountIDs) == 0 {
		writeError(w, http.StatusBadRequest, "Common.InvalidParameter",
			[]string{"parent_unit_id and target_account_ids are required"})
		return
	}
	if b.OrganizationID != "" && b.OrganizationID != s.opts.OrganizationID {
		writeError(w, http.StatusNotFound, "Organization.OrganizationNotFound", "organization not found")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	success, failed := []map[string]string{}, []map[string]string{}
	for _, id := range b.TargetAccountIDs {
		s.faults.AccountWrite(id)
		a := s.visibleAccount(id, now)
		code, cause := moveProblem(a, b.ParentUnitID)
		if code != "" {
			failed = append(failed, map[string]string{"error_code": code, "failed_caused": cause,
				"failed_id": id, "failed_name": nameOf(a)})
			continue
		}
		a.parentUnitID, a.modifiedAt = b.ParentUnitID, now
		success = append(success, map[string]string{"success_id": a.id, "success_name": a.name,
			"target_id": b.ParentUnitID, "target_name": b.ParentUnitID})
	}
	out := map[string]any{"success_ids": success}
	if len(failed) > 0 {
		out["failed_ids"] = failed
	}
	fault.WriteJSON(w, http.StatusOK, out)
}

func moveProblem(a *account, parent string) (code, cause string) {
	switch {
	case a == nil:
		return "Organization.AccountNotFound", "account not found"
	case a.closing():
		return "Organization.AccountNotMovable", "account is being closed or is closed"
	case !strings.HasPrefix(parent, "ou-"):
		return "Organization.ParentUnitNotFound", "parent unit not found"
	}
	return "", ""
}

func nameOf(a *account) string {
	if a == nil {
		return ""
	}
	return a.name
}

// deleteAccount: DELETE /v1/organization-accounts/{id} → 204; the account is
// PENDING_CLOSURE for ClosureDelay, then gone or SUSPENDED (ClosedAccounts).
// Deleting a closing account again is accepted; a SUSPENDED one (closed, or
// suspended by an administrator) is refused, as closing it means nothing.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) {
	s.faults.AccountWrite(r.PathValue("id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	a := s.visibleAccount(r.PathValue("id"), now)
	if a == nil {
		accountNotFound(w)
		return
	}
	if s.state(a, now) == "SUSPENDED" {
		writeError(w, http.StatusBadRequest, "Organization.AccountNotClosable", "a suspended account cannot be closed")
		return
	}
	if !a.closing() {
		a.closingSince, a.modifiedAt = now, now
	}
	w.WriteHeader(http.StatusNoContent)
}
