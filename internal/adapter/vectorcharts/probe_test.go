package vectorcharts

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/internal/adapter"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// readOps are the sandbox operations a probe may call; anything else writes.
var readOps = map[string]bool{"GetAllAccounts": true, "GetAccount": true, "GetAllUsers": true, "ListJobs": true}

// assertNoWrites fails if the sandbox saw any call other than reads.
func assertNoWrites(t *testing.T, sb *vcsandbox.Server, before map[string]int) {
	t.Helper()
	for op, n := range sb.Faults().Calls() {
		if !readOps[op] && n != before[op] {
			t.Errorf("the probe called %s %d times: it must never write", op, n-before[op])
		}
	}
}

// TestProbeAgreesWithTheSimulator: in its default mode and in every variant
// mode, the simulator answers exactly as the vendor documents, so every check
// is OK with no difference; the probe writes nothing.
func TestProbeAgreesWithTheSimulator(t *testing.T) {
	modes := map[string]vcsandbox.Variants{"default": {}, "job type": {DeleteJobType: "job-7f3a"},
		"repeat delete same": {RepeatDelete: vcsandbox.RepeatDeleteSameJob}, "repeat delete 400": {RepeatDelete: vcsandbox.RepeatDelete400},
		"repeat delete 404": {RepeatDelete: vcsandbox.RepeatDelete404}, "job names parameters": {DeleteJobNames: vcsandbox.JobNamesParameters},
		"job names none": {DeleteJobNames: vcsandbox.JobNamesNone}}
	for name, v := range modes {
		t.Run(name, func(t *testing.T) {
			e := newEnvWith(t, func(o *vcsandbox.Options) { o.Variants = v })
			e.created(t, newRequest(newAccount("kept", "kept@x.io"), resolver{}))
			gone := e.created(t, newRequest(newAccount("gone", "gone@x.io"), resolver{}))
			e.deletePasses(t, existing(gone.ID, "gone@x.io"), 200, nil) // a job with log lines
			before := e.sb.Faults().Calls()
			checks := e.p.Probe(ctxT(t))
			want := []string{checkAuthenticate, checkListAccounts, checkReadAccount, checkListUsers, checkListJobs}
			if len(checks) != len(want) {
				t.Fatalf("checks = %+v", checks)
			}
			for i, c := range checks {
				if c.Name != want[i] || !c.OK || c.Detail != "" {
					t.Errorf("check %d = %+v, want %s OK with no difference", i, c, want[i])
				}
			}
			assertNoWrites(t, e.sb, before)
			if e.sb.Faults().Calls()["ListJobs"] == before["ListJobs"] {
				t.Error("the jobs were not read")
			}
		})
	}
}

// TestProbeReportsDifferences: an instance whose answers differ from the
// documented shape gets the exact differences; a check fails only where the
// operator cannot use the answer.
func TestProbeReportsDifferences(t *testing.T) {
	bodies := map[string]string{
		"/api/portal/v1/admin/getAllAccounts": `[{"id":1,"name":"Admin","planInstance":"oem","metadata":{},"createdAt":1,"region":"eu"}]`,
		"/api/portal/v1/admin/getAccount":     `{"id":1,"name":7,"planInstance":"oem","metadata":{},"createdAt":"2026-12-01T00:00:00Z"}`,
		"/api/portal/v1/admin/getAllUsers":    `[{"id":2,"email":"admin","accountId":1,"isAdmin":true,"createdAt":1,"modifiedAt":1},{"id":"3","email":"x"}]`,
		"/api/portal/v1/jobs": `{"jobs":[{"id":"j1","parentJobId":null,"jobType":"X","jobState":"running","accountId":1,` +
			`"parameters":{},"result":null,"logs":[{"timestamp":1764584130000,"type":"info","message":"m"}],` +
			`"percentComplete":1,"priority":1,"createdAt":1,"updatedAt":1}]}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.Header.Get("Authorization") != "Bearer "+adminToken {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		_, _ = w.Write([]byte(bodies[r.URL.Path]))
	}))
	t.Cleanup(srv.Close)
	e := &env{srv: srv}
	checks := e.provider(t, adminToken).Probe(ctxT(t))
	want := []adapter.ProbeCheck{
		{Name: checkAuthenticate, OK: true},
		{Name: checkListAccounts, OK: true, Detail: "[0].region: unknown field"},
		{Name: checkReadAccount, Detail: "the operator cannot decode the answer: malformed response body: " +
			"json: cannot unmarshal number into Go struct field Account.name of type string"},
		{Name: checkListUsers, Detail: "1 of 2 users unreadable by the operator; [0].modifiedAt: unknown field; [1].id: string, expected number"},
		{Name: checkListJobs, OK: true, Detail: "jobs[0].logs[0].timestamp: number, expected string"},
	}
	if len(checks) != len(want) {
		t.Fatalf("checks = %+v", checks)
	}
	for i := range want {
		if checks[i] != want[i] {
			t.Errorf("check %d = %+v\n want %+v", i, checks[i], want[i])
		}
	}
}

// TestProbeAuthFailures: a bad token and a non-admin token fail the first
// check with what the status means; the rest are skipped, not run.
func TestProbeAuthFailures(t *testing.T) {
	e := newEnv(t)
	for token, detail := range map[string]string{"S3ntinel-unknown-token": "HTTP 401: the token is not valid",
		viewerToken: "HTTP 403: the token is not an administrator's"} {
		before := e.sb.Faults().Calls()
		checks := e.provider(t, token).Probe(ctxT(t))
		if len(checks) != 5 || checks[0].OK || checks[0].Detail != detail {
			t.Fatalf("checks = %+v", checks)
		}
		for _, c := range checks[1:] {
			if c.OK || c.Detail != "skipped: authenticate failed" {
				t.Errorf("check = %+v, want skipped", c)
			}
		}
		for _, c := range checks {
			if strings.Contains(c.Detail, token) {
				t.Errorf("check leaks the token: %+v", c)
			}
		}
		if got := e.sb.Faults().Calls()["GetAllAccounts"] - before["GetAllAccounts"]; got != 1 {
			t.Errorf("GetAllAccounts calls = %d, want 1", got)
		}
		assertNoWrites(t, e.sb, before)
	}
}
