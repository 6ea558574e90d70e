package ccm

import (
	"fmt"
	"slices"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// applied is what status.ccm records as last applied upstream: config ids in
// spec order and the marks (appliedHash).
type applied struct {
	ids  []string
	hash string
}

// record returns the Status func for an account: the non-secret facts CCM
// reports, plus ap when something was applied or confirmed (nil keeps what
// status holds, so a pending change is still detected next time).
func record(a *ccmapi.Account, ap *applied) func(*v1alpha1.AccountStatus) {
	facts := v1alpha1.CCMAccountStatus{Roles: slices.Clone(a.Roles), AccountStatus: string(a.AccountStatus),
		DefaultGroupID: a.DefaultGroupID, MarketplaceGroupID: a.MarketplaceGroupID}
	return func(s *v1alpha1.AccountStatus) {
		next := facts
		next.Roles = slices.Clone(facts.Roles)
		switch {
		case ap != nil:
			next.AuthConfigIDs, next.AppliedHash = slices.Clone(ap.ids), ap.hash
		case s.CCM != nil:
			next.AuthConfigIDs, next.AppliedHash = s.CCM.AuthConfigIDs, s.CCM.AppliedHash
		}
		s.CCM = &next
	}
}

// details are the connection Secret outputs: ids only, nothing secret.
func details(a *ccmapi.Account) map[string][]byte {
	out := map[string][]byte{"accountID": []byte(a.AcctID)}
	if a.DefaultGroupID != "" {
		out["defaultGroupID"] = []byte(a.DefaultGroupID)
	}
	if a.MarketplaceGroupID != "" {
		out["marketplaceGroupID"] = []byte(a.MarketplaceGroupID)
	}
	return out
}

// usable: CCM can deactivate an account; it then exists but is not ready.
// The spec does not declare account_status, so the operator reports it rather
// than re-activating an account an administrator switched off. A status it
// does not know is not taken as usable either; an absent one is (older CCM
// versions do not send it).
func usable(a *ccmapi.Account) (adapter.Readiness, string) {
	switch a.AccountStatus {
	case ccmapi.AccountActive, "":
		return adapter.Ready, ""
	case ccmapi.AccountDeactivated:
		return adapter.Unusable, fmt.Sprintf("upstream account %s is Deactivated in CCM; an administrator must reactivate it", a.AcctID)
	}
	return adapter.Unusable, fmt.Sprintf("upstream account %s has account_status %q, which the operator does not know as usable",
		a.AcctID, a.AccountStatus)
}
