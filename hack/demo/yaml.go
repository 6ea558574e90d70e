package main

import (
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/account-operator/account-operator/internal/localenv"
)

// The demo's YAML follows config/samples, with the sandbox's URLs and
// credentials: two cluster-wide providers whose Secrets live in the
// operator's namespace, one namespaced provider in the team's namespace.
var providersTmpl = template.Must(template.New("providers").Parse(`# Providers: where each upstream is and how to log in to it.
apiVersion: v1
kind: Namespace
metadata:
  name: account-operator
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels: {accounts.operator.dev/scp: allowed}
---
apiVersion: v1
kind: Secret
metadata: {name: ccm-admin, namespace: account-operator}
stringData: {username: {{.CCMUser}}, password: {{.CCMPassword}}}
---
apiVersion: accounts.operator.dev/v1alpha1
kind: ClusterAccountProvider
metadata: {name: ccm}
spec:
  ccm:
    url: {{.URLs.CCM}}
    credentialsSecretRef: {namespace: account-operator, name: ccm-admin}
---
apiVersion: v1
kind: Secret
metadata: {name: scp-admin, namespace: account-operator}
stringData: {accessKey: {{.SCPAccessKey}}, secretKey: {{.SCPSecretKey}}}
---
apiVersion: accounts.operator.dev/v1alpha1
kind: ClusterAccountProvider
metadata: {name: scp}
spec:
  scp:
    cloudControlURL: {{.URLs.SCP}}
    organizationURL: {{.URLs.SCP}}
    credentialsSecretRef: {namespace: account-operator, name: scp-admin}
  namespaceSelector:
    matchLabels: {accounts.operator.dev/scp: allowed}
---
apiVersion: v1
kind: Secret
metadata: {name: vectorcharts-admin, namespace: team-a}
stringData: {token: {{.VCToken}}}
---
apiVersion: accounts.operator.dev/v1alpha1
kind: AccountProvider
metadata: {name: vectorcharts, namespace: team-a}
spec:
  vectorCharts:
    url: {{.URLs.VectorCharts}}
    credentialsSecretRef: {name: vectorcharts-admin}
`))

const accountsYAML = `# One Account per upstream, in the team's namespace.
apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: team-a-ccm, namespace: team-a}
spec:
  providerRef: {kind: ClusterAccountProvider, name: ccm}
  displayName: Team A
  ccm:
    authConfigs:
    - password: {require2FA: true, administratorsOnly: false}
    azureCVMPCRPriority: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
---
apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: team-a-scp, namespace: team-a}
spec:
  providerRef: {kind: ClusterAccountProvider, name: scp}
  scp:
    landingZoneID: 2c8a138f8d78e1fc29a449dbfa8681
    parentUnitID: ou-b30e9fcc39f84a20bf9e7458e5ec3801
    email: team-a@example.com
    ssoUser: {email: lead@example.com, name: team-a-lead, realName: Team A Lead}
---
apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: team-a-charts, namespace: team-a}
spec:
  providerRef: {kind: AccountProvider, name: vectorcharts}
  displayName: Team A Charts
  vectorCharts:
    username: owner@team-a.example.com   # no passwordSecretRef: a strong password is generated
`

// demoFiles writes the demo YAML into the state dir, where the user can
// read and re-apply it, and returns the two paths.
func demoFiles(env *localenv.Env) (providers, accounts string, err error) {
	dir := filepath.Join(env.StateDir, "yaml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	var b strings.Builder
	err = providersTmpl.Execute(&b, map[string]any{"URLs": env.URLs,
		"CCMUser": localenv.CCMUser, "CCMPassword": localenv.CCMPassword,
		"SCPAccessKey": localenv.SCPAccessKey, "SCPSecretKey": localenv.SCPSecretKey,
		"VCToken": localenv.VectorChartsAdminKey})
	if err != nil {
		return "", "", err
	}
	providers, accounts = filepath.Join(dir, "providers.yaml"), filepath.Join(dir, "accounts.yaml")
	if err := os.WriteFile(providers, []byte(b.String()), 0o644); err != nil {
		return "", "", err
	}
	return providers, accounts, os.WriteFile(accounts, []byte(accountsYAML), 0o644)
}
