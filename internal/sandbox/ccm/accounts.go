package ccm

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// Listing bounds: the vendor documents no default or maximum page size.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// account is the stored state. Auth configs are kept as the validated JSON
// objects, keyed by the id the sandbox generated for each.
type account struct {
	id, name            string
	createdAt           int64
	logo                string // base64 as received; "" = none
	authConfigs         map[string]map[string]any
	attestationDisabled bool
	component           string
	defaultGroup        string
	marketplaceGroup    string
	accountStatus       string
	enabled             bool
	pcr                 []int
	members             map[string]string // email -> READER|WRITER|MANAGER
	reads               int               // GETs of this account, for tests
	unlisted            bool              // left out of listings (SetListed), for tests
	updates             int               // accepted PATCHes of this account, for tests
}

func (a *account) configIDs() []string {
	ids := make([]string, 0, len(a.authConfigs))
	for id := range a.authConfigs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	ss := caller(r)
	body, err := readObject(r)
	if err == nil {
		err = validateCreate(body)
	}
	if err != nil {
		textError(w, http.StatusBadRequest, err.Error())
		return
	}
	a := s.newAccount(body, ss.user.Email, s.Variants())
	s.mu.Lock()
	if s.nameTaken(a.name, "") {
		status := s.opts.Variants.duplicate()
		s.mu.Unlock()
		textError(w, status, "name: an account with this name already exists")
		return
	}
	s.accounts[a.id] = a
	out := s.render(a, ss.user.Email, false)
	s.mu.Unlock()
	fault.WriteJSON(w, http.StatusOK, out)
}

// newAccount builds an account from a validated AccountRequest, stored as
// the variants in force store it; the creator becomes its MANAGER.
func (s *Server) newAccount(body map[string]any, creator string, v Variants) *account {
	a := &account{id: newUUID(), name: body["name"].(string), createdAt: s.opts.Now().Unix(),
		authConfigs: map[string]map[string]any{}, component: "DEFAULT",
		defaultGroup: newUUID(), marketplaceGroup: newUUID(), accountStatus: "Active", enabled: true,
		members: map[string]string{creator: "MANAGER"}}
	a.logo, _ = body["custom_logo"].(string)
	if v.NormaliseLogo {
		a.logo = reencodeLogo(a.logo)
	}
	if c, ok := body["component"].(string); ok {
		a.component = c
	}
	if ne, ok := body["node_enrollment"].(map[string]any); ok {
		a.attestationDisabled, _ = ne["attestation_enforcement_disabled_insecure"].(bool)
	}
	list, _ := body["auth_configs"].([]any)
	for _, c := range list {
		a.authConfigs[newUUID()] = v.stored(c.(map[string]any))
	}
	for i := 0; i < pcrCount; i++ {
		a.pcr = append(a.pcr, i)
	}
	return a
}

// nameTaken reports whether another account (not except) has the name. Caller holds mu.
func (s *Server) nameTaken(name, except string) bool {
	for _, a := range s.accounts {
		if a.name == name && a.id != except {
			return true
		}
	}
	return false
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	ss := caller(r)
	totals, err := parseBool(r.URL.Query().Get("with_totals"))
	if err != nil {
		textError(w, http.StatusBadRequest, "with_totals: must be true or false")
		return
	}
	s.mu.Lock()
	a, status := s.visible(r.PathValue("id"), ss)
	var out map[string]any
	if a != nil {
		a.reads++
		out = s.render(a, ss.user.Email, totals)
	}
	s.mu.Unlock()
	if a == nil {
		textError(w, status, http.StatusText(status))
		return
	}
	fault.WriteJSON(w, http.StatusOK, out)
}

// visible finds an account the caller may read: 404 (or the variant's
// status) unknown, 403 not a member. Caller holds mu.
func (s *Server) visible(id string, ss *session) (*account, int) {
	a, ok := s.accounts[id]
	switch {
	case !ok:
		return nil, s.opts.Variants.missing()
	case a.members[ss.user.Email] == "" && !ss.user.SystemAdmin:
		return nil, http.StatusForbidden
	}
	return a, http.StatusOK
}

// listAccounts pages by keyset: items with acct_id > previous_id, in id order.
// sort_by is accepted and ignored.
func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	ss := caller(r)
	q := r.URL.Query()
	scope := q.Get("scope")
	limit, err := parseLimit(q.Get("limit"))
	switch {
	case err != nil:
		textError(w, http.StatusBadRequest, "limit: must be a positive integer")
		return
	case scope != "" && scope != "USER" && scope != "SYSTEM":
		textError(w, http.StatusBadRequest, "scope: must be USER or SYSTEM")
		return
	case scope == "SYSTEM" && !ss.user.SystemAdmin:
		textError(w, http.StatusForbidden, "scope SYSTEM needs a system administrator")
		return
	}
	prev := q.Get("previous_id")
	items := []map[string]any{}
	s.mu.Lock()
	for _, a := range s.sortedAccounts() {
		if len(items) == limit {
			break
		}
		member := a.members[ss.user.Email] != ""
		if a.id > prev && (member || scope == "SYSTEM") && !a.unlisted {
			items = append(items, s.render(a, ss.user.Email, false))
		}
	}
	s.mu.Unlock()
	fault.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
}

// scoped finds an account for PATCH/DELETE: the session must have selected it
// and the caller must be its MANAGER. Caller holds mu.
func (s *Server) scoped(id string, ss *session) (*account, int, string) {
	a, ok := s.accounts[id]
	switch {
	case !ok:
		return nil, s.opts.Variants.missing(), "account not found or not accessible"
	case ss.selected != id:
		return nil, http.StatusForbidden, "select the account first (POST /sys/session/select_account/{id})"
	case a.members[ss.user.Email] != "MANAGER":
		return nil, http.StatusForbidden, "the MANAGER role is required"
	}
	return a, http.StatusOK, ""
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	ss := caller(r)
	s.faults.AccountWrite(r.PathValue("id"))
	body, err := readObject(r)
	if err != nil {
		textError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, status, msg := s.scoped(r.PathValue("id"), ss)
	if a == nil {
		textError(w, status, msg)
		return
	}
	p, err := validateUpdate(body, a)
	if err == nil && p.name != nil && s.nameTaken(*p.name, a.id) {
		textError(w, s.opts.Variants.duplicate(), "name: an account with this name already exists")
		return
	}
	if err != nil {
		textError(w, http.StatusBadRequest, err.Error())
		return
	}
	p.apply(a, s.opts.Variants)
	a.updates++
	fault.WriteJSON(w, http.StatusOK, s.render(a, ss.user.Email, false))
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) {
	ss := caller(r)
	s.faults.AccountWrite(r.PathValue("id"))
	s.mu.Lock()
	a, status, msg := s.scoped(r.PathValue("id"), ss)
	if a != nil {
		delete(s.accounts, a.id)
	}
	s.mu.Unlock()
	if a == nil {
		textError(w, status, msg)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// render is the Account JSON as the caller sees it, in the form the
// variants in force echo. Secrets in auth configs are left out, as the
// reference warns CCM does. Caller holds mu.
func (s *Server) render(a *account, email string, totals bool) map[string]any {
	v := s.opts.Variants
	roles := []string{}
	if role := a.members[email]; role != "" {
		roles = append(roles, role)
	}
	configs := make(reversedMap, len(a.authConfigs))
	for id, c := range a.authConfigs {
		configs[id] = redact(c)
		if v.ReorderConfigs {
			reversePinned(configs[id].(map[string]any))
		}
	}
	var authConfigs any = map[string]any(configs)
	if v.ReorderConfigs {
		authConfigs = configs
	}
	m := map[string]any{"acct_id": a.id, "name": a.name, "created_at": a.createdAt,
		"roles": roles, "status": "ACTIVE", "auth_configs": authConfigs,
		"node_enrollment":  map[string]any{"attestation_enforcement_disabled_insecure": a.attestationDisabled},
		"component":        a.component,
		"default_group_id": a.defaultGroup, "marketplace_group_id": a.marketplaceGroup,
		"account_status": a.accountStatus, "azure_cvm_pcr_priority": append([]int(nil), a.pcr...)}
	if a.logo != "" {
		m["custom_logo"] = a.logo
		if v.NormaliseLogo {
			m["custom_logo"] = echoLogo(a.logo)
		}
	}
	if totals {
		m["totals"] = map[string]any{"datasets": 0, "final_workflows": 0, "nodes": 0}
	}
	return m
}

// redact deep-copies a config without oauth client_secret and TLS client_key.
func redact(c map[string]any) map[string]any {
	var out map[string]any
	raw, _ := json.Marshal(c)
	_ = json.Unmarshal(raw, &out)
	if o, ok := out["oauth"].(map[string]any); ok {
		delete(o, "client_secret")
		if t, ok := o["tls"].(map[string]any); ok {
			if req, ok := t["required"].(map[string]any); ok {
				delete(req, "client_key")
			}
		}
	}
	return out
}

func parseBool(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	return strconv.ParseBool(s)
}

func parseLimit(s string) (int, error) {
	if s == "" {
		return defaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, errf("limit", "must be a positive integer")
	}
	return min(n, maxPageSize), nil
}

// AccountUpdates is how many PATCHes of the account were accepted: tests
// count one account's writes on a sandbox other Accounts share.
func (s *Server) AccountUpdates(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[id]; a != nil {
		return a.updates
	}
	return 0
}

// AccountReads is how many times the account was read with GET /accounts/{id}:
// tests count one account's polls on a sandbox other Accounts share.
func (s *Server) AccountReads(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[id]; a != nil {
		return a.reads
	}
	return 0
}

// SetListed puts the account in listings or leaves it out: a listing that
// lags behind reads, as an eventually consistent one may. false: no such
// account.
func (s *Server) SetListed(id string, listed bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[id]
	if a != nil {
		a.unlisted = !listed
	}
	return a != nil
}
