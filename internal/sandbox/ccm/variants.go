package ccm

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// Variants switch between plausible behaviours where the vendor documents
// none (upstream-apis.md marks each [assumption]). The zero value is the
// documented or most plausible behaviour; every other value is one a real
// instance might show, and the operator is tested under each.
type Variants struct {
	// MissingAccountStatus answers an unknown or deleted account id (GET,
	// select_account, PATCH, DELETE): 404 (0 means 404) or 403, as a CCM
	// that checks membership before existence would.
	MissingAccountStatus int `json:"missingAccountStatus,omitempty"`
	// DuplicateNameStatus answers a create or rename onto a taken name: 400
	// (0 means 400, as CCM does for duplicate app names) or 409.
	DuplicateNameStatus int `json:"duplicateNameStatus,omitempty"`
	// SelectNoContent answers select_account with 204 and no body, as
	// Fortanix's em-client expects, instead of the documented 200 with
	// session_info.
	SelectNoContent bool `json:"selectNoContent,omitempty"`
	// SelectPath is where select_account is served: "session" (default, the
	// documented /sys/session/select_account/{id}), "accounts" (only
	// em-client's /accounts/select_account/{id}) or "both".
	SelectPath string `json:"selectPath,omitempty"`
	// ExpiryMillis sends session_expires_at and session_token_expires_at as
	// epoch milliseconds instead of seconds.
	ExpiryMillis bool `json:"expiryMillis,omitempty"`
	// NormaliseLogo stores the logo re-encoded (other bytes, same image) and
	// echoes it as unpadded base64 broken into 76-character lines.
	NormaliseLogo bool `json:"normaliseLogo,omitempty"`
	// NormaliseURLs stores OAuth URLs in RFC 3986 normal form: lowercase
	// scheme and host, default port dropped, an empty path as "/".
	NormaliseURLs bool `json:"normaliseURLs,omitempty"`
	// ReorderConfigs echoes auth_configs with its keys in reverse order and
	// every pinned CA list reversed.
	ReorderConfigs bool `json:"reorderConfigs,omitempty"`
	// RekeyConfigs gives every auth config a new id on every PATCH.
	RekeyConfigs bool `json:"rekeyConfigs,omitempty"`
	// PatchIgnores names AccountUpdateRequest fields that a PATCH accepts
	// with 200 but silently does not apply (e.g. azure_cvm_pcr_priority).
	PatchIgnores []string `json:"patchIgnores,omitempty"`
}

// Select paths.
const (
	SelectSession  = "session"
	SelectAccounts = "accounts"
	SelectBoth     = "both"
)

// Check reports a value no variant has.
func (v Variants) Check() error {
	switch v.MissingAccountStatus {
	case 0, http.StatusNotFound, http.StatusForbidden:
	default:
		return fmt.Errorf("missingAccountStatus: must be 404 or 403, not %d", v.MissingAccountStatus)
	}
	switch v.DuplicateNameStatus {
	case 0, http.StatusBadRequest, http.StatusConflict:
	default:
		return fmt.Errorf("duplicateNameStatus: must be 400 or 409, not %d", v.DuplicateNameStatus)
	}
	switch v.SelectPath {
	case "", SelectSession, SelectAccounts, SelectBoth:
	default:
		return fmt.Errorf("selectPath: must be session, accounts or both, not %q", v.SelectPath)
	}
	for _, f := range v.PatchIgnores {
		if !slices.Contains(updateKeys, f) {
			return fmt.Errorf("patchIgnores: %q is not an AccountUpdateRequest field", f)
		}
	}
	return nil
}

// missing is the status for an unknown account id.
func (v Variants) missing() int {
	if v.MissingAccountStatus == http.StatusForbidden {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

// duplicate is the status for a name another account holds.
func (v Variants) duplicate() int {
	if v.DuplicateNameStatus == http.StatusConflict {
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// serves reports whether select_account is served at path ("session" or "accounts").
func (v Variants) serves(path string) bool {
	switch v.SelectPath {
	case SelectBoth:
		return true
	case SelectAccounts:
		return path == SelectAccounts
	}
	return path == SelectSession
}

func (v Variants) ignores(field string) bool { return slices.Contains(v.PatchIgnores, field) }

// SetVariants switches behaviour at run time (tests share one sandbox).
func (s *Server) SetVariants(v Variants) error {
	if err := v.Check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v.PatchIgnores = slices.Clone(v.PatchIgnores)
	s.opts.Variants = v
	return nil
}

// Variants returns the behaviour switches in force.
func (s *Server) Variants() Variants {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.opts.Variants
	v.PatchIgnores = slices.Clone(v.PatchIgnores)
	return v
}

// variantsAdmin serves GET and POST /variants on the admin endpoint.
func (s *Server) variantsAdmin(mux *http.ServeMux) {
	fault.HandleVariants(mux, s.Variants, s.SetVariants)
}
