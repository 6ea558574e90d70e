package e2e

import (
	"context"
	"strings"
	"testing"
	"text/template"
)

// Accounts, one template per upstream. {{.PCR}} lets a test write an
// invalid priority list.
var accountTmpl = map[string]*template.Template{
	"ccm": template.Must(template.New("ccm").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata:
  name: {{.Name}}
  namespace: {{.NS}}
spec:
  providerRef: {kind: AccountProvider, name: ccm}
  displayName: {{.Name}}
  ccm:
    authConfigs:
    - password: {require2FA: true, administratorsOnly: false}
    azureCVMPCRPriority: [{{.PCR}}]
`)),
	"scp": template.Must(template.New("scp").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata:
  name: {{.Name}}
  namespace: {{.NS}}
spec:
  providerRef: {kind: AccountProvider, name: scp}
  scp:
    landingZoneID: lz-e2e
    parentUnitID: ou-one
    email: {{.Name}}@{{.NS}}.example.com
    ssoUser: {email: lead@{{.NS}}.example.com, name: {{.Name}}-lead, realName: Team Lead}
`)),
	"vectorcharts": template.Must(template.New("vectorcharts").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata:
  name: {{.Name}}
  namespace: {{.NS}}
spec:
  providerRef: {kind: AccountProvider, name: vectorcharts}
  displayName: {{.Name}}
  vectorCharts:
    username: {{.Name}}@{{.NS}}.example.com
`)),
}

// validPCR is the identity permutation of 0..22.
const validPCR = "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22"

func render(t *testing.T, tmpl *template.Template, data any) string {
	t.Helper()
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// accountYAML is one Account of the upstream kind ("ccm", "scp", "vectorcharts").
func accountYAML(t *testing.T, kind, ns, name string) string {
	t.Helper()
	return accountYAMLWithPCR(t, kind, ns, name, validPCR)
}

func accountYAMLWithPCR(t *testing.T, kind, ns, name, pcr string) string {
	t.Helper()
	return render(t, accountTmpl[kind], map[string]string{"NS": ns, "Name": name, "PCR": pcr})
}

// withProviders creates ns with the Secrets and the three providers, and
// waits until each provider has verified its credentials.
func withProviders(t *testing.T, ctx context.Context, ns string) {
	t.Helper()
	apply(t, ctx, env.ProvidersYAML(ns, ""))
	waitReady(t, ctx, ns, readyWait,
		"accountprovider/ccm", "accountprovider/scp", "accountprovider/vectorcharts")
}
