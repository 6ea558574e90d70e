package controllers_test

import "github.com/account-operator/account-operator/api/v1alpha1"

// Rows about the management policy (spec.managementPolicy) and its import
// path: an observe-only Account must name the account it observes.

func policyCases() []badCase {
	acct := func(name string, s map[string]any) func(string) error { return createRaw("Account", name, spec(s)) }
	const required = "spec.externalID is required when spec.managementPolicy is ObserveOnly"
	return []badCase{
		{name: "account-observeonly-without-externalid", object: "Account spec.managementPolicy ObserveOnly without spec.externalID",
			want:  refused("spec.externalID: Required value: " + required),
			admit: acct("adm-observe-noid", with(ccmAccountSpec(), "managementPolicy", "ObserveOnly"))},
		{name: "account-observeonly-externalid-empty", object: `Account spec.managementPolicy ObserveOnly with spec.externalID ""`,
			want:  refused("spec.externalID: Required value: " + required),
			admit: acct("adm-observe-emptyid", with(ccmAccountSpec(), "managementPolicy", "ObserveOnly", "externalID", ""))},
		{name: "account-managementpolicy-enum", object: `Account spec.managementPolicy "ReadOnly"`,
			want: refused("spec.managementPolicy"), admit: acct("adm-mgmt-enum", with(ccmAccountSpec(), "managementPolicy", "ReadOnly"))},
		{name: "account-switched-to-observeonly-without-externalid", object: "Account created by the operator switched to ObserveOnly without spec.externalID",
			want:  refused("spec.externalID: Required value: " + required),
			admit: updateRaw("Account", "adm-upd-observe", spec(ccmAccountSpec()), spec(map[string]any{"managementPolicy": "ObserveOnly"}))},
		{name: "account-observeonly-externalid-unknown", object: "Account spec.managementPolicy ObserveOnly naming an upstream account that does not exist",
			want: stall(v1alpha1.ReasonNotFoundUpstream, "spec.externalID: upstream account acct-none-0042 does not exist; "+
				"an observe-only Account never creates one"),
			setup: func(e *caseEnv) {
				e.good("ccm")
				e.account("ccm", func(a *v1alpha1.Account) {
					a.Spec.ManagementPolicy, a.Spec.ExternalID = v1alpha1.ManagementObserveOnly, "acct-none-0042"
				})
			}},
	}
}
