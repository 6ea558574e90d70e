package localenv

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestUpstreamAccountsReadsEachSandboxByItsKey(t *testing.T) {
	bodies := map[string]string{
		"/ccm/accounts":          `[{"ID":"acct-1","Name":"team-a","AccountStatus":"Active"}]`,
		"/scp/accounts":          `[{"ID":"s-1","Name":"team-b","ParentUnitID":"ou-1","State":"ACTIVE"}]`,
		"/vectorcharts/accounts": `[{"ID":7,"Name":"Team C","State":"active","TokenCount":2,"Users":[{"Username":"Owner@C.example"}]}]`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(bodies[r.URL.Path]))
	}))
	defer srv.Close()
	e := &Env{URLs: SandboxURLs{Admin: srv.URL}}
	want := map[string]UpstreamAccount{
		"ccm":          {ID: "acct-1", Name: "team-a", Key: "team-a", State: "Active"},
		"scp":          {ID: "s-1", Name: "team-b", Key: "team-b", Parent: "ou-1", State: "ACTIVE"},
		"vectorcharts": {ID: "7", Name: "Team C", Key: "owner@c.example", State: "active", Tokens: 2},
	}
	for _, u := range Upstreams {
		got, err := e.UpstreamAccounts(context.Background(), u)
		if err != nil || len(got) != 1 || got[0] != want[u] {
			t.Errorf("%s: got %+v, %v; want %+v", u, got, err, want[u])
		}
	}
	if _, err := e.UpstreamAccounts(context.Background(), "nope"); err == nil {
		t.Error("an unknown upstream must be an error")
	}
}

func TestProvidersYAMLPointsEachProviderAtTheSandbox(t *testing.T) {
	e := &Env{URLs: SandboxURLs{CCM: "http://127.0.0.1:1", SCP: "http://127.0.0.1:2", VectorCharts: "http://127.0.0.1:3"}}
	y := e.ProvidersYAML("team", "rateLimit: {requestsPerSecond: 20}")
	for _, want := range []string{"url: http://127.0.0.1:1", "cloudControlURL: http://127.0.0.1:2",
		"url: http://127.0.0.1:3", "name: team", "password: " + CCMPassword} {
		if !strings.Contains(y, want) {
			t.Errorf("YAML lacks %q:\n%s", want, y)
		}
	}
	if n := strings.Count(y, "\n  rateLimit: {requestsPerSecond: 20}\n"); n != 3 {
		t.Errorf("rateLimit in %d provider specs, want 3:\n%s", n, y)
	}
	if strings.Contains(e.ProvidersYAML("team", ""), "rateLimit") {
		t.Error("no extra spec asked for, yet one is there")
	}
}

func TestAdminDeleteSendsDeleteAndReportsAFailure(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Method + " " + r.URL.Path
		if r.URL.Path == "/nope/faults" {
			http.Error(w, "no such upstream", http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	e := &Env{URLs: SandboxURLs{Admin: srv.URL}}
	if err := e.AdminDelete(context.Background(), "/vectorcharts/faults"); err != nil || got != "DELETE /vectorcharts/faults" {
		t.Fatalf("got %q, %v; want DELETE /vectorcharts/faults and no error", got, err)
	}
	if err := e.AdminDelete(context.Background(), "/nope/faults"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("a 404 gave %v, want an error naming it", err)
	}
}
