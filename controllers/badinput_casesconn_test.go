package controllers_test

import (
	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Rows about the connection Secret's shape and the connection ConfigMap
// (issue 13): what admission refuses, and what only the apiserver's answer to
// the Secret's write, or an existing object, can tell.

func connectionCases() []badCase {
	acct := func(name string, s map[string]any) func(string) error { return createRaw("Account", name, spec(s)) }
	keys := func(base map[string]any, m map[string]any) map[string]any {
		return with(base, "connectionSecret.keys", m)
	}
	return []badCase{
		{name: "connection-keys-unknown-source", object: "CCM Account spec.connectionSecret.keys renaming token, which CCM does not publish",
			want:  refused("spec.connectionSecret.keys: a ccm account publishes only accountID, defaultGroupID and marketplaceGroupID"),
			admit: acct("adm-keys-unknown", keys(ccmAccountSpec(), map[string]any{"token": "TOKEN"}))},
		{name: "connection-keys-duplicate-target", object: "VectorCharts Account spec.connectionSecret.keys renaming token and password to one key",
			want:  refused("spec.connectionSecret.keys: two keys are renamed to the same target"),
			admit: acct("adm-keys-dup", keys(vcAccountSpec(), map[string]any{"token": "SECRET", "password": "SECRET"}))},
		{name: "connection-keys-target-is-published", object: "VectorCharts Account spec.connectionSecret.keys renaming token to password, which keeps its name",
			want:  refused("spec.connectionSecret.keys: a target key names a published key that keeps its name"),
			admit: acct("adm-keys-clash", keys(vcAccountSpec(), map[string]any{"token": "password"}))},
		{name: "connection-keys-invalid-target", object: `spec.connectionSecret.keys renaming accountID to "account/id", not a valid Secret key`,
			want:  refused("spec.connectionSecret.keys.accountID"),
			admit: acct("adm-keys-invalid", keys(ccmAccountSpec(), map[string]any{"accountID": "account/id"}))},
		{name: "connection-secret-type-builtin", object: `spec.connectionSecret.type "kubernetes.io/tls"`,
			want:  refused("spec.connectionSecret.type must be Opaque, kubernetes.io/basic-auth or a type outside kubernetes.io"),
			admit: acct("adm-conn-type", with(ccmAccountSpec(), "connectionSecret.type", "kubernetes.io/tls"))},
		{name: "connection-secret-type-changed", object: "Account spec.connectionSecret.type changed after create",
			want: refused("spec.connectionSecret.type is immutable"),
			admit: updateRaw("Account", "adm-upd-conn-type", spec(vcAccountSpec()),
				spec(map[string]any{"connectionSecret": map[string]any{"type": "kubernetes.io/basic-auth"}}))},
		{name: "connection-secret-deletionpolicy", object: `spec.connectionSecret.deletionPolicy "Keep"`,
			want:  refused("spec.connectionSecret.deletionPolicy"),
			admit: acct("adm-conn-policy", with(ccmAccountSpec(), "connectionSecret.deletionPolicy", "Keep"))},
		{name: "connection-configmap-name", object: `spec.connectionConfigMap.name "Bad_Name"`,
			want:  refused("spec.connectionConfigMap.name"),
			admit: acct("adm-cm-name", with(ccmAccountSpec(), "connectionConfigMap.name", "Bad_Name"))},
		{name: "connection-secret-basic-auth-without-username", object: "CCM Account with spec.connectionSecret.type kubernetes.io/basic-auth and no key renamed to username or password",
			want:  refused("spec.connectionSecret.type kubernetes.io/basic-auth needs a username or password key"),
			admit: acct("adm-conn-basic", with(ccmAccountSpec(), "connectionSecret.type", "kubernetes.io/basic-auth"))},
		{name: "connection-configmap-conflict", object: "spec.connectionConfigMap.name naming a ConfigMap the Account does not own",
			want: stall(v1alpha1.ReasonConfigMapConflict, `spec.connectionConfigMap: ConfigMap "taken-cm" exists and is not owned by this Account`),
			// The ConfigMap is written after the Secret, which for CCM follows the create.
			foundAfterCreate: true,
			setup: func(e *caseEnv) {
				e.good("ccm")
				e.configMap("taken-cm", map[string]string{"note": "someone else's"}, nil)
				e.account("ccm", func(a *v1alpha1.Account) {
					a.Spec.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{Name: "taken-cm"}
				})
			}},
	}
}
