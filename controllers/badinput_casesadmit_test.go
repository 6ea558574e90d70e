package controllers_test

import "strings"

// Admission rows of the catalogue: what the CRD schema, its CEL rules and the
// apiserver itself refuse before the operator sees anything.

func accountAdmissionCases() []badCase {
	acct := func(name string, s map[string]any) func(string) error { return createRaw("Account", name, spec(s)) }
	twoBlocks := with(ccmAccountSpec(), "vectorCharts", map[string]any{"username": "u@badinput.example"})
	return []badCase{
		{name: "account-no-upstream-block", object: "Account spec without ccm, scp or vectorCharts",
			want:  refused("exactly one of spec.ccm, spec.scp or spec.vectorCharts must be set"),
			admit: acct("adm-no-block", with(ccmAccountSpec(), "ccm", nil))},
		{name: "account-two-upstream-blocks", object: "Account spec with both ccm and vectorCharts",
			want: refused("exactly one of spec.ccm, spec.scp or spec.vectorCharts must be set"), admit: acct("adm-two-blocks", twoBlocks)},
		{name: "account-displayname-empty", object: `Account spec.displayName ""`,
			want: refused("spec.displayName"), admit: acct("adm-dn-empty", with(ccmAccountSpec(), "displayName", ""))},
		{name: "account-displayname-too-long", object: "Account spec.displayName of 129 characters",
			want:  refused("spec.displayName: Too long"),
			admit: acct("adm-dn-long", with(ccmAccountSpec(), "displayName", strings.Repeat("n", 129)))},
		{name: "account-externalid-pattern", object: `Account spec.externalID "acct/1"`,
			want: refused("spec.externalID"), admit: acct("adm-ext-pattern", with(ccmAccountSpec(), "externalID", "acct/1"))},
		{name: "account-providerref-kind", object: `Account spec.providerRef.kind "Provider"`,
			want:  refused("spec.providerRef.kind"),
			admit: acct("adm-ref-kind", with(ccmAccountSpec(), "providerRef.kind", "Provider"))},
		{name: "account-providerref-name-invalid", object: `Account spec.providerRef.name "CCM_1"`,
			want: refused("spec.providerRef.name"), admit: acct("adm-ref-name", with(ccmAccountSpec(), "providerRef.name", "CCM_1"))},
		{name: "account-providerref-name-missing", object: "Account spec.providerRef without name",
			want: refused("spec.providerRef.name: Required value"), admit: acct("adm-ref-noname", with(ccmAccountSpec(), "providerRef.name", nil))},
		{name: "account-deletionpolicy", object: `Account spec.deletionPolicy "Keep"`,
			want: refused("spec.deletionPolicy"), admit: acct("adm-policy", with(ccmAccountSpec(), "deletionPolicy", "Keep"))},
		{name: "account-connectionsecret-name", object: `Account spec.connectionSecret.name "Bad_Name"`,
			want:  refused("spec.connectionSecret.name"),
			admit: acct("adm-conn-name", with(ccmAccountSpec(), "connectionSecret.name", "Bad_Name"))},
		{name: "account-displayname-wrong-type", object: "Account spec.displayName given as a number",
			want: refused("spec.displayName"), admit: acct("adm-dn-type", with(ccmAccountSpec(), "displayName", 42))},
		{name: "ccm-component", object: `Account spec.ccm.component "BOGUS"`,
			want: refused("spec.ccm.component"), admit: acct("adm-ccm-comp", with(ccmAccountSpec(), "ccm.component", "BOGUS"))},
		{name: "ccm-pcr-not-permutation", object: "Account spec.ccm.azureCVMPCRPriority with a repeated entry",
			want:  refused("spec.ccm.azureCVMPCRPriority must be a permutation of 0..22"),
			admit: acct("adm-ccm-pcr", with(ccmAccountSpec(), "ccm.azureCVMPCRPriority", append(pcrs()[:22], 0)))},
		{name: "ccm-pcr-wrong-type", object: `Account spec.ccm.azureCVMPCRPriority holding "a"`,
			want:  refused("spec.ccm.azureCVMPCRPriority[0]"),
			admit: acct("adm-ccm-pcr-type", with(ccmAccountSpec(), "ccm.azureCVMPCRPriority", append([]any{"a"}, pcrs()[1:]...)))},
		{name: "ccm-authconfig-two-methods", object: "Account spec.ccm.authConfigs[0] with password and clusterAuthRef",
			want: refused("each spec.ccm.authConfigs entry must set exactly one of password, oauth or clusterAuthRef"),
			admit: acct("adm-ccm-ac", with(ccmAccountSpec(), "ccm.authConfigs", []any{map[string]any{
				"password": map[string]any{}, "clusterAuthRef": map[string]any{"targetID": "t"}}}))},
		{name: "ccm-oauth-tls-no-ca", object: "Account spec.ccm.authConfigs[0].oauth.tls Required without caSet or pinnedCARefs",
			want: refused("tls.mode Required needs exactly one of tls.caSet or tls.pinnedCARefs"),
			admit: acct("adm-ccm-tls", with(ccmAccountSpec(), "ccm.authConfigs", []any{map[string]any{
				"oauth": with(oauthConfig(), "tls.caSet", nil)}}))},
		{name: "ccm-oauth-icon-plain-http", object: "Account spec.ccm.authConfigs[0].oauth.idpIconURL http to a remote host",
			want: refused("spec.ccm.authConfigs[0].oauth.idpIconURL"),
			admit: acct("adm-ccm-icon", with(ccmAccountSpec(), "ccm.authConfigs", []any{map[string]any{
				"oauth": with(oauthConfig(), "idpIconURL", "http://idp.example.com/i.png")}}))},
		{name: "ccm-logo-key-invalid", object: `Account spec.ccm.customLogo.configMapKeyRef.key "logo/png"`,
			want: refused("spec.ccm.customLogo.configMapKeyRef.key"),
			admit: acct("adm-ccm-logo-key", with(ccmAccountSpec(), "ccm.customLogo",
				map[string]any{"configMapKeyRef": map[string]any{"name": "logo", "key": "logo/png"}}))},
		{name: "scp-email-pattern", object: `Account spec.scp.email "not-an-email"`,
			want: refused("spec.scp.email"), admit: acct("adm-scp-email", with(scpAccountSpec(), "scp.email", "not-an-email"))},
		{name: "scp-email-too-long", object: "Account spec.scp.email of 61 characters",
			want:  refused("spec.scp.email: Too long"),
			admit: acct("adm-scp-email-long", with(scpAccountSpec(), "scp.email", strings.Repeat("e", 49)+"@example.com"))},
		{name: "scp-landingzone-missing", object: "Account spec.scp without landingZoneID",
			want: refused("spec.scp.landingZoneID: Required value"), admit: acct("adm-scp-lz", with(scpAccountSpec(), "scp.landingZoneID", nil))},
		{name: "vc-username-pattern", object: `Account spec.vectorCharts.username "nobody"`,
			want: refused("spec.vectorCharts.username"), admit: acct("adm-vc-user", with(vcAccountSpec(), "vectorCharts.username", "nobody"))},
		{name: "vc-password-ref-without-key", object: "Account spec.vectorCharts.passwordSecretRef without key",
			want:  refused("spec.vectorCharts.passwordSecretRef.key: Required value"),
			admit: acct("adm-vc-pw", with(vcAccountSpec(), "vectorCharts.passwordSecretRef", map[string]any{"name": "pw"}))},
		{name: "account-providerref-changed", object: "Account spec.providerRef changed after create",
			want:  refused("spec.providerRef is immutable"),
			admit: updateRaw("Account", "adm-upd-ref", spec(ccmAccountSpec()), spec(map[string]any{"providerRef": map[string]any{"name": "other"}}))},
		{name: "account-externalid-changed", object: "Account spec.externalID changed once set",
			want: refused("spec.externalID cannot be changed once set"),
			admit: updateRaw("Account", "adm-upd-ext", spec(with(ccmAccountSpec(), "externalID", "a1", "deletionPolicy", "Orphan")),
				spec(map[string]any{"externalID": "a2"}))},
		{name: "account-upstream-block-switched", object: "Account spec.ccm replaced by spec.vectorCharts",
			want: refused("the upstream block (spec.ccm, spec.scp or spec.vectorCharts) cannot be changed"),
			admit: updateRaw("Account", "adm-upd-block", spec(ccmAccountSpec()),
				spec(map[string]any{"ccm": nil, "vectorCharts": map[string]any{"username": "u@badinput.example"}}))},
		{name: "vc-username-changed", object: "Account spec.vectorCharts.username changed after create",
			want: refused("spec.vectorCharts.username is immutable"),
			admit: updateRaw("Account", "adm-upd-user", spec(vcAccountSpec()),
				spec(map[string]any{"vectorCharts": map[string]any{"username": "other@badinput.example"}}))},
	}
}

func providerAdmissionCases() []badCase {
	ap := func(name string, s map[string]any) func(string) error {
		return createRaw("AccountProvider", name, spec(s))
	}
	return []badCase{
		{name: "provider-secret-namespace", object: "AccountProvider spec.ccm.credentialsSecretRef.namespace set",
			want:  refused("spec.ccm.credentialsSecretRef.namespace is not allowed on an AccountProvider"),
			admit: ap("adm-ap-ns", with(ccmProviderSpec(), "ccm.credentialsSecretRef.namespace", "other"))},
		{name: "clusterprovider-secret-namespace-unset", object: "ClusterAccountProvider spec.scp.credentialsSecretRef without namespace",
			want: refused("spec.scp.credentialsSecretRef.namespace is required on a ClusterAccountProvider"),
			admit: createRaw("ClusterAccountProvider", "bi-adm-cap-ns",
				spec(with(scpClusterProviderSpec(), "scp.credentialsSecretRef.namespace", nil)))},
		{name: "provider-url-scheme", object: `AccountProvider spec.ccm.url "ftp://ccm.example.com"`,
			want: refused("spec.ccm.url"), admit: ap("adm-ap-ftp", with(ccmProviderSpec(), "ccm.url", "ftp://ccm.example.com"))},
		{name: "provider-url-plain-http", object: `AccountProvider spec.ccm.url "http://ccm.example.com" (not loopback)`,
			want: refused("spec.ccm.url"), admit: ap("adm-ap-http", with(ccmProviderSpec(), "ccm.url", "http://ccm.example.com"))},
		{name: "provider-pollinterval-short", object: `AccountProvider spec.pollInterval "5s"`,
			want: refused("pollInterval must be between 30s and 24h"), admit: ap("adm-ap-poll", with(ccmProviderSpec(), "pollInterval", "5s"))},
		{name: "provider-ratelimit-zero", object: "AccountProvider spec.rateLimit.requestsPerSecond 0",
			want:  refused("spec.rateLimit.requestsPerSecond"),
			admit: ap("adm-ap-rl", with(ccmProviderSpec(), "rateLimit", map[string]any{"requestsPerSecond": 0}))},
		{name: "provider-ratelimit-wrong-type", object: `AccountProvider spec.rateLimit.requestsPerSecond "fast"`,
			want:  refused("spec.rateLimit.requestsPerSecond"),
			admit: ap("adm-ap-rl-type", with(ccmProviderSpec(), "rateLimit", map[string]any{"requestsPerSecond": "fast"}))},
		{name: "provider-no-upstream-block", object: "AccountProvider spec with no upstream block",
			want:  refused("exactly one of spec.ccm, spec.scp or spec.vectorCharts must be set"),
			admit: ap("adm-ap-empty", map[string]any{"pollInterval": "1m"})},
		{name: "provider-pathprefix-pattern", object: `AccountProvider spec.ccm.pathPrefix "v1" (no leading slash)`,
			want: refused("spec.ccm.pathPrefix"), admit: ap("adm-ap-prefix", with(ccmProviderSpec(), "ccm.pathPrefix", "v1"))},
		{name: "clusterprovider-selector-operator", object: `ClusterAccountProvider spec.namespaceSelector operator "Maybe"`,
			want: refused("spec.namespaceSelector.matchExpressions operator must be one of In, NotIn, Exists, DoesNotExist"),
			admit: createRaw("ClusterAccountProvider", "bi-adm-cap-sel", spec(with(scpClusterProviderSpec(), "namespaceSelector",
				map[string]any{"matchExpressions": []any{map[string]any{"key": "team", "operator": "Maybe"}}})))},
		{name: "provider-upstream-switched", object: "AccountProvider spec.ccm replaced by spec.vectorCharts",
			want: refused("the upstream kind (spec.ccm, spec.scp or spec.vectorCharts) cannot be changed"),
			admit: updateRaw("AccountProvider", "adm-ap-switch", spec(ccmProviderSpec()), spec(map[string]any{"ccm": nil,
				"vectorCharts": map[string]any{"url": "https://vc.example.com", "credentialsSecretRef": map[string]any{"name": "creds"}}}))},
	}
}

func refAdmissionCases() []badCase {
	return []badCase{
		{name: "secret-malformed-base64", object: "credentials Secret data value that is not base64",
			want:  refused("illegal base64 data"),
			admit: createRaw("Secret", "adm-secret-b64", map[string]any{"data": map[string]any{"password": "%%%not-base64%%%"}})},
		{name: "configmap-malformed-base64", object: "logo ConfigMap binaryData value that is not base64",
			want:  refused("illegal base64 data"),
			admit: createRaw("ConfigMap", "adm-cm-b64", map[string]any{"binaryData": map[string]any{"logo.png": "iVBORw0KGgo=%%"}})},
		{name: "configmap-logo-over-1mib", object: "logo ConfigMap over the 1 MiB object limit",
			want:  refused("Too long"),
			admit: createRaw("ConfigMap", "adm-cm-big", map[string]any{"data": map[string]any{"logo.svg": "<svg>" + strings.Repeat("x", 1<<20)}})},
		{name: "configmap-value-wrong-type", object: "logo ConfigMap data value given as a number",
			want:  refused("ConfigMap.data"),
			admit: createRaw("ConfigMap", "adm-cm-type", map[string]any{"data": map[string]any{"logo.svg": 42}})},
	}
}
