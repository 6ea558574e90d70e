package main

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/account-operator/account-operator/internal/localenv"
)

// upstreams are the sandbox's upstreams, named as its admin endpoint names them.
var upstreams = localenv.Upstreams

// rateLimit is a provider's spec.rateLimit.
type rateLimit struct {
	RequestsPerSecond int `json:"requestsPerSecond"`
	Burst             int `json:"burst"`
}

func providersYAML(env *localenv.Env, ns string, rl *rateLimit) string {
	limit := ""
	if rl != nil {
		limit = fmt.Sprintf("rateLimit: {requestsPerSecond: %d, burst: %d}", rl.RequestsPerSecond, rl.Burst)
	}
	return env.ProvidersYAML(ns, limit)
}

// accountTmpl is one Account per upstream, deleted upstream with it.
var accountTmpl = map[string]*template.Template{
	"ccm": template.Must(template.New("ccm").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: {{.Name}}, namespace: {{.NS}}}
spec:
  providerRef: {kind: AccountProvider, name: ccm}
  deletionPolicy: Delete
  displayName: {{.Name}}
  ccm:
    authConfigs:
    - password: {require2FA: true, administratorsOnly: false}
    azureCVMPCRPriority: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
`)),
	"scp": template.Must(template.New("scp").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: {{.Name}}, namespace: {{.NS}}}
spec:
  providerRef: {kind: AccountProvider, name: scp}
  deletionPolicy: Delete
  scp:
    landingZoneID: lz-chaos
    parentUnitID: ou-one
    email: {{.Name}}@{{.NS}}.example.com
    ssoUser: {email: lead@{{.NS}}.example.com, name: {{.Name}}-lead, realName: Team Lead}
`)),
	"vectorcharts": template.Must(template.New("vectorcharts").Parse(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: {{.Name}}, namespace: {{.NS}}}
spec:
  providerRef: {kind: AccountProvider, name: vectorcharts}
  deletionPolicy: Delete
  displayName: {{.Name}}
  vectorCharts:
    username: {{.Key}}
`)),
}

// account is one Account of a scenario and the key that makes its upstream
// account unique: the CCM and SCP account name, the VectorCharts username.
type account struct {
	Upstream, NS, Name, Key string
}

// accountsFor lists n Accounts per upstream of the scenario, named
// <scenario>-<upstream>-NNN.
func accountsFor(scenario, ns string, n int) []account {
	var out []account
	for _, u := range scenarioUpstreams(scenario) {
		for i := range n {
			a := account{Upstream: u, NS: ns, Name: fmt.Sprintf("%s-%s-%03d", scenario, u, i)}
			a.Key = a.Name
			if u == "vectorcharts" {
				a.Key = a.Name + "@" + ns + ".example.com"
			}
			out = append(out, a)
		}
	}
	return out
}

func accountsYAML(accts []account) string {
	docs := make([]string, 0, len(accts))
	for _, a := range accts {
		docs = append(docs, render(accountTmpl[a.Upstream], a))
	}
	return strings.Join(docs, "---\n")
}

func render(t *template.Template, data any) string {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		panic(err) // the templates are constants: a failure is a bug here
	}
	return b.String()
}
