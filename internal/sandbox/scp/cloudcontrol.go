package scp

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// createBody is AccountFactoryCreateRequest as the reference describes it.
type createBody struct {
	Name            string  `json:"name"`
	LandingZoneID   string  `json:"landing_zone_id"`
	ParentUnitID    string  `json:"parent_unit_id"`
	Email           *string `json:"email"`
	SSOUserEmail    *string `json:"sso_user_email"`
	SSOUserName     *string `json:"sso_user_name"`
	SSOUserRealName *string `json:"sso_user_real_name"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// problems lists every validation failure (SCP answers them as a detail list).
func (b *createBody) problems() []string {
	var out []string
	if n := utf8.RuneCountInString(b.Name); n < 3 || n > 30 {
		out = append(out, "name is required and must be 3 to 30 characters")
	}
	if b.LandingZoneID == "" {
		out = append(out, "landing_zone_id is required")
	}
	if b.ParentUnitID == "" {
		out = append(out, "parent_unit_id is required")
	}
	if e := str(b.Email); e != "" && (len(e) > 60 || !strings.Contains(e, "@")) {
		out = append(out, "email must be an address of at most 60 characters")
	}
	return out
}

// createAccount: POST /v1/accounts → 201 {account_id, job_id}.
func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	var b createBody
	if !readBody(w, r, &b) {
		return
	}
	if p := b.problems(); len(p) > 0 {
		writeError(w, http.StatusBadRequest, "CloudControl.InvalidParameter", p)
		return
	}
	if len(s.zones) > 0 && !s.zones[b.LandingZoneID] {
		writeError(w, http.StatusNotFound, "CloudControl.LandingZoneNotFound", "landing zone not found")
		return
	}
	if !strings.HasPrefix(b.ParentUnitID, "ou-") {
		writeError(w, http.StatusNotFound, "CloudControl.ParentUnitNotFound", "parent unit not found")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, a := range s.live(now) {
		if a.name == b.Name || (a.email != "" && a.email == str(b.Email)) {
			writeError(w, s.duplicateStatus(), "CloudControl.AccountAlreadyExists",
				"an account with this name or email already exists")
			return
		}
	}
	a := &account{name: b.Name, email: str(b.Email), landingZoneID: b.LandingZoneID,
		parentUnitID: b.ParentUnitID, ssoEmail: str(b.SSOUserEmail), ssoName: str(b.SSOUserName),
		ssoRealName: str(b.SSOUserRealName), createdAt: now, failRegistration: s.takeFailure(b.Name)}
	s.insert(a)
	fault.WriteJSON(w, http.StatusCreated, map[string]string{"account_id": a.id, "job_id": a.jobID})
}

// assignmentView is one baseline_assignments entry (BaselineAssignmentV1Dot1),
// with the fields of the vendor's example. The counters describe an OU's
// subtree; for an account they are zero.
type assignmentView struct {
	ID                                string `json:"id"`
	Type                              string `json:"type"`
	Status                            string `json:"status"`
	SSOUserName                       string `json:"sso_user_name"`
	AccountCount                      int    `json:"account_count"`
	AccountAssignedCount              int    `json:"account_assigned_count"`
	OUCount                           int    `json:"ou_count"`
	OUAssignedCount                   int    `json:"ou_assigned_count"`
	PreventiveGuardrailActivatedCount int    `json:"preventive_guardrail_activated_count"`
	DetectiveGuardrailStatus          string `json:"detective_guardrail_status"`
	DetectiveGuardrailType            string `json:"detective_guardrail_type"`
}

// listBaselineAssignments: GET /v1/baseline-assignments with the optional
// filters assignment_id, resource_type (ACCOUNT|OU), landing_zone_id and
// status.
// OUs are not modelled, so resource_type=OU lists nothing.
func (s *Server) listBaselineAssignments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rt := q.Get("resource_type")
	if rt != "" && rt != "ACCOUNT" && rt != "OU" {
		writeError(w, http.StatusBadRequest, "CloudControl.InvalidParameter", []string{"resource_type must be ACCOUNT or OU"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	list := []assignmentView{}
	for _, a := range s.live(now) {
		if rt == "OU" || !s.assigned(a, now) || !matches(q.Get("assignment_id"), a.id) ||
			!matches(q.Get("landing_zone_id"), a.landingZoneID) || !matches(q.Get("status"), s.registration(a, now)) {
			continue
		}
		list = append(list, assignmentView{ID: a.id, Type: "ACCOUNT", Status: s.registration(a, now),
			SSOUserName: a.ssoName, DetectiveGuardrailStatus: "ENABLED", DetectiveGuardrailType: "SSI"})
	}
	fault.WriteJSON(w, http.StatusOK, map[string]any{"baseline_assignments": list})
}

// matches: an empty filter matches everything, otherwise equality.
func matches(filter, value string) bool { return filter == "" || filter == value }
