package controllers_test

import (
	"strconv"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// remote is an upstream account as the sandbox holds it.
type remote struct{ ID, Name, Key, Parent string }

// changeCalls counts the upstream calls that apply a change to account id.
func (o sandboxOps) changeCalls(id string) int {
	if o.changes != nil {
		return o.changes(id)
	}
	return o.faults().Calls()[o.changeOp]
}

// sandboxOps gives the specs one view of the three sandboxes.
type sandboxOps struct {
	faults    func() *fault.Injector
	accounts  func() []remote
	createOp  string
	secretKey []string // keys the connection Secret must have
	// recovered are the keys it must have even when the create response was
	// lost: SCP returns the job id only in that response.
	recovered []string
	// change edits a mutable field; changeOp is the one upstream call it needs;
	// changed reports whether the upstream shows it.
	change   func(a *v1alpha1.Account)
	changeOp string
	// changes counts changeOp calls for one account, where the sandbox can
	// tell (other specs' Accounts share it); nil: count every call.
	changes func(id string) int
	changed func(r remote, a *v1alpha1.Account) bool
	// drift changes the upstream behind the operator's back.
	drift func(r remote)
}

var ops = map[string]sandboxOps{
	"ccm": {
		faults: func() *fault.Injector { return ccmSandbox.Faults() },
		accounts: func() []remote {
			var out []remote
			for _, a := range ccmSandbox.Accounts() {
				out = append(out, remote{ID: a.ID, Name: a.Name, Key: a.Name})
			}
			return out
		},
		createOp:  "CreateAccount",
		secretKey: []string{"accountID", "defaultGroupID", "marketplaceGroupID"},
		recovered: []string{"accountID", "defaultGroupID", "marketplaceGroupID"},
		change:    func(a *v1alpha1.Account) { a.Spec.DisplayName = "renamed-" + a.Name },
		changeOp:  "UpdateAccount",
		changes:   func(id string) int { return ccmSandbox.AccountUpdates(id) },
		changed:   func(r remote, a *v1alpha1.Account) bool { return r.Name == "renamed-"+a.Name },
		drift:     func(r remote) { ccmSandbox.SetAccountName(r.ID, "drifted-"+r.ID) },
	},
	"scp": {
		faults: func() *fault.Injector { return scpSandbox.Faults() },
		accounts: func() []remote {
			var out []remote
			for _, a := range scpSandbox.Accounts() {
				if a.State != "PENDING_CLOSURE" {
					out = append(out, remote{ID: a.ID, Name: a.Name, Key: a.Name, Parent: a.ParentUnitID})
				}
			}
			return out
		},
		createOp:  "CreateAccount",
		secretKey: []string{"accountID", "jobID"},
		recovered: []string{"accountID"},
		change:    func(a *v1alpha1.Account) { a.Spec.SCP.ParentUnitID = "ou-two" },
		changeOp:  "MoveAccount",
		changed:   func(r remote, _ *v1alpha1.Account) bool { return r.Parent == "ou-two" },
		drift:     func(r remote) { _ = scpSandbox.SetParentUnit(r.ID, "ou-drifted") },
	},
	"vectorCharts": {
		faults: func() *fault.Injector { return vcSandbox.Faults() },
		accounts: func() []remote {
			var out []remote
			for _, a := range vcSandbox.Accounts() {
				if a.ID == 1 || a.State == "deleting" {
					continue // the admin's own account; accounts being deleted
				}
				r := remote{ID: strconv.FormatInt(a.ID, 10), Name: a.Name}
				if len(a.Users) > 0 {
					r.Key = a.Users[0].Username
				}
				out = append(out, r)
			}
			return out
		},
		createOp:  "CreateAccount",
		secretKey: []string{"accountID", "userID", "username", "password", "token"},
		recovered: []string{"accountID", "userID", "username", "password", "token"},
		change:    func(a *v1alpha1.Account) { a.Spec.DisplayName = "renamed-" + a.Name },
		changeOp:  "EditAccount",
		changed:   func(r remote, a *v1alpha1.Account) bool { return r.Name == "renamed-"+a.Name },
		drift: func(r remote) {
			id, _ := strconv.ParseInt(r.ID, 10, 64)
			vcSandbox.SetAccountName(id, "drifted")
		},
	},
}

// find returns the upstream account with the id, if any.
func find(o sandboxOps, id string) (remote, bool) {
	for _, r := range o.accounts() {
		if r.ID == id {
			return r, true
		}
	}
	return remote{}, false
}

// countKey counts upstream accounts with the unique key.
func countKey(o sandboxOps, key string) int {
	n := 0
	for _, r := range o.accounts() {
		if r.Key == key {
			n++
		}
	}
	return n
}

// uniqueKey is the upstream unique key an Account creates.
func uniqueKey(a *v1alpha1.Account) string {
	if a.Spec.VectorCharts != nil {
		return a.Spec.VectorCharts.Username
	}
	if a.Spec.DisplayName != "" {
		return a.Spec.DisplayName
	}
	return a.Name
}
