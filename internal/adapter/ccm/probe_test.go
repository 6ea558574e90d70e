package ccm_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

var probeSteps = []string{"Authenticate", "RefreshSession", "ListAccounts", "GetAccount", "SelectAccount", "GetUnknownAccount"}

// probe runs the provider's probe and fails on any upstream write or any
// secret in what it reports.
func (e *env) probe(t *testing.T, p adapter.Upstream) []adapter.ProbeCheck {
	t.Helper()
	var checks []adapter.ProbeCheck
	calls := e.calls(func() { checks = p.(adapter.Prober).Probe(context.Background()) })
	for _, op := range []string{"CreateAccount", "UpdateAccount", "DeleteAccount"} {
		if calls[op] != 0 {
			t.Errorf("the probe wrote upstream: %v", calls)
		}
	}
	secrets := append(slices.Clone(sentinels), e.sb.Tokens()...)
	for _, c := range checks {
		for _, s := range secrets {
			if strings.Contains(c.Detail, s) {
				t.Errorf("check %s shows a secret", c.Name)
			}
		}
	}
	return checks
}

func names(checks []adapter.ProbeCheck) []string {
	var out []string
	for _, c := range checks {
		out = append(out, c.Name)
	}
	return out
}

// In the documented mode every step passes with nothing to report.
func TestProbeDefaultMode(t *testing.T) {
	e := newEnv(t)
	e.create(t, account("team-a", e.fullSpec()))
	checks := e.probe(t, e.prov)
	if !slices.Equal(names(checks), probeSteps) {
		t.Fatalf("steps %q, want %q", names(checks), probeSteps)
	}
	for _, c := range checks {
		if !c.OK || c.Detail != "" {
			t.Errorf("%s: ok %v, detail %q; want ok and nothing to report", c.Name, c.OK, c.Detail)
		}
	}
}

// Under each variant the probe passes, and says which undocumented
// behaviour it met.
func TestProbeUnderEachVariant(t *testing.T) {
	notes := map[string]map[string]string{ // variant -> step -> text the detail must hold
		"missing account 403":      {"GetUnknownAccount": "answered 403"},
		"select 204":               {"SelectAccount": "204 without a body"},
		"select at em-client path": {"SelectAccount": "served at /accounts/select_account/{id}"},
		"expiry in ms":             {"Authenticate": "milliseconds"},
		"everything": {"GetUnknownAccount": "answered 403", "SelectAccount": "served at /accounts/select_account/{id}",
			"Authenticate": "milliseconds"},
	}
	for _, tc := range variantCases {
		t.Run(tc.name, func(t *testing.T) {
			e := newVariantEnv(t, tc.v)
			e.create(t, account("team-a", e.normalisableSpec()))
			checks := e.probe(t, e.prov)
			if !slices.Equal(names(checks), probeSteps) {
				t.Fatalf("steps %q", names(checks))
			}
			for _, c := range checks {
				want := notes[tc.name][c.Name]
				if !c.OK || (want == "" && c.Detail != "") || !strings.Contains(c.Detail, want) {
					t.Errorf("%s: ok %v, detail %q; want ok with %q", c.Name, c.OK, c.Detail, want)
				}
			}
		})
	}
}

func TestProbeWithNoAccount(t *testing.T) {
	e := newEnv(t)
	checks := e.probe(t, e.prov)
	for _, c := range checks[3:5] {
		if !c.OK || c.Detail != "no account listed to read" {
			t.Errorf("%s: %+v", c.Name, c)
		}
	}
	if calls := e.sb.Faults().Calls(); calls["SelectAccount"] != 0 || calls["GetAccount"] != 1 {
		t.Errorf("calls %v: only the unknown id is read", calls)
	}
}

// An answer that differs from the documented model is reported field by
// field, without values, and does not fail the step.
func TestProbeReportsDifferences(t *testing.T) {
	e := newEnv(t)
	e.create(t, account("team-a", &v1alpha1.CCMAccountSpec{}))
	e.rewrite = func(route string, body []byte) []byte {
		if strings.HasPrefix(route, "GET ") && strings.Contains(route, "/accounts/") {
			body = bytes.Replace(body, []byte(`"created_at":`), []byte(`"region":"eu","created_at":"1.5e9","x":`), 1)
		}
		if route == "POST /v1/sys/auth" {
			body = bytes.Replace(body, []byte(`"session_info":`), []byte(`"expires_in":900,"session_info":`), 1)
		}
		return body
	}
	checks := e.probe(t, e.prov)
	byName := map[string]adapter.ProbeCheck{}
	for _, c := range checks {
		byName[c.Name] = c
	}
	if c := byName["GetAccount"]; !c.OK || c.Detail != "created_at: string, expected number; region: unknown field; x: unknown field" {
		t.Errorf("GetAccount: %+v", c)
	}
	if c := byName["Authenticate"]; !c.OK || c.Detail != "expires_in: unknown field" {
		t.Errorf("Authenticate: %+v", c)
	}
	if strings.Contains(byName["GetAccount"].Detail, "1.5e9") {
		t.Error("a value shows in the detail")
	}
}

// Wrong credentials: one failed step that names the status, and nothing else.
func TestProbeBadCredentials(t *testing.T) {
	e := newEnv(t)
	checks := e.probe(t, e.providerAs(t, adminEmail, "wrong-password"))
	if len(checks) != 1 || checks[0].Name != "Authenticate" || checks[0].OK || checks[0].Detail != "answered HTTP 401" {
		t.Errorf("checks %+v", checks)
	}
}
