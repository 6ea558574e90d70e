package localenv

import (
	"fmt"
	"strings"
	"text/template"
)

// providersTmpl is what a user would apply to use the sandbox from one
// namespace: the namespace, the credentials Secrets and one AccountProvider
// per upstream (named ccm, scp and vectorcharts) pointing at the sandbox.
var providersTmpl = template.Must(template.New("providers").Parse(`apiVersion: v1
kind: Namespace
metadata: {name: {{.NS}}}
---
apiVersion: v1
kind: Secret
metadata: {name: ccm-admin, namespace: {{.NS}}}
stringData: {username: {{.CCMUser}}, password: {{.CCMPassword}}}
---
apiVersion: v1
kind: Secret
metadata: {name: scp-admin, namespace: {{.NS}}}
stringData: {accessKey: {{.SCPAccessKey}}, secretKey: {{.SCPSecretKey}}}
---
apiVersion: v1
kind: Secret
metadata: {name: vectorcharts-admin, namespace: {{.NS}}}
stringData: {token: {{.VCToken}}}
---
apiVersion: accounts.operator.dev/v1alpha1
kind: AccountProvider
metadata: {name: ccm, namespace: {{.NS}}}
spec:
  ccm: {url: {{.URLs.CCM}}, credentialsSecretRef: {name: ccm-admin}}
{{- .Extra}}
---
apiVersion: accounts.operator.dev/v1alpha1
kind: AccountProvider
metadata: {name: scp, namespace: {{.NS}}}
spec:
  scp: {cloudControlURL: {{.URLs.SCP}}, organizationURL: {{.URLs.SCP}}, credentialsSecretRef: {name: scp-admin}}
{{- .Extra}}
---
apiVersion: accounts.operator.dev/v1alpha1
kind: AccountProvider
metadata: {name: vectorcharts, namespace: {{.NS}}}
spec:
  vectorCharts: {url: {{.URLs.VectorCharts}}, credentialsSecretRef: {name: vectorcharts-admin}}
{{- .Extra}}
`))

// ProvidersYAML is the YAML of a namespace ns whose Accounts can use the
// sandbox: credentials Secrets and AccountProviders ccm, scp and
// vectorcharts. extraSpec, if set, is added to each provider's spec, e.g.
// "rateLimit: {requestsPerSecond: 20}".
func (e *Env) ProvidersYAML(ns, extraSpec string) string {
	return ProvidersYAMLAt(ns, e.URLs, extraSpec)
}

// ProvidersYAMLAt is ProvidersYAML for the sandbox serving at urls.
func ProvidersYAMLAt(ns string, urls SandboxURLs, extraSpec string) string {
	if extraSpec != "" {
		extraSpec = "\n  " + extraSpec
	}
	var b strings.Builder
	err := providersTmpl.Execute(&b, map[string]any{"NS": ns, "URLs": urls, "Extra": extraSpec,
		"CCMUser": CCMUser, "CCMPassword": CCMPassword, "SCPAccessKey": SCPAccessKey,
		"SCPSecretKey": SCPSecretKey, "VCToken": VectorChartsAdminKey})
	if err != nil {
		panic(fmt.Sprintf("providers template: %v", err)) // the template and its data are fixed
	}
	return b.String()
}
