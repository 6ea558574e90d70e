package vectorcharts

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// stub serves fixed bodies by path, as a real instance might answer: these
// tests pin the client's decoding to the vendor's documented shapes, not to
// the sandbox's.
func stub(t *testing.T, bodies map[string]string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, Token: adminToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// vendorJobsPage is GET /jobs as the vendor's jobs/list page documents it:
// logs[].timestamp is an ISO 8601 UTC string, createdAt/updatedAt epoch ms.
const vendorJobsPage = `{"jobs":[
 {"id":"8c7e4bd2-0f43-4a5e-9d1b-2f6f0b1e9a11","parentJobId":null,"jobType":"CHART_IMPORT","jobState":"running",
  "accountId":7,"parameters":{"source":"s3://charts"},"result":null,
  "logs":[{"timestamp":"2026-12-01T10:15:30.123Z","type":"info","message":"importing"}],
  "percentComplete":40,"priority":5,"createdAt":1764584130000,"updatedAt":1764584131000},
 {"id":"5f0c8e7a-3b8d-4c55-a0e2-7d9b6c1f2e33","parentJobId":null,"jobType":"ACCOUNT_CLEANUP","jobState":"pending",
  "accountId":42,"parameters":{"accountId":42},"result":null,
  "logs":[{"timestamp":"2026-12-01T10:16:00Z","type":"info","message":"queued"}],
  "percentComplete":0,"priority":1,"createdAt":1764584160000,"updatedAt":1764584160000}]}`

// TestJobsPageWithISOLogTimestamps: one ISO log timestamp anywhere on the page
// must not make the page unreadable.
func TestJobsPageWithISOLogTimestamps(t *testing.T) {
	c := stub(t, map[string]string{"/api/portal/v1/jobs": vendorJobsPage})
	jobs, err := c.ListJobs(ctxT(t), ListJobsOptions{ActiveOnly: true})
	if err != nil || len(jobs) != 2 {
		t.Fatalf("ListJobs = %+v, %v; want both jobs", jobs, err)
	}
	job, found, err := c.FindJob(ctxT(t), "5f0c8e7a-3b8d-4c55-a0e2-7d9b6c1f2e33")
	if err != nil || !found || job.JobState != JobPending {
		t.Fatalf("FindJob = %+v, %v, %v; want the pending job", job, found, err)
	}
}

// oddJobsPage has, besides a readable job, one whose every unused field is of
// another type than documented, with unknown fields, and one whose id is not
// a string (unreadable: it must be left out, not fail the page).
const oddJobsPage = `{"jobs":[
 {"id":7,"jobState":"running"},
 {"id":"odd","parentJobId":12,"jobType":{"kind":"x"},"jobState":"failed","accountId":"42",
  "parameters":"accountId=42","result":"boom","logs":"none","percentComplete":"40%","priority":"high",
  "createdAt":"2026-12-01T10:15:30Z","updatedAt":null,"startedBy":{"userId":1}},
 {"id":"plain","jobState":"completed","accountId":9,"parameters":{"id":"42"}}],"total":3}`

func TestJobsDecodeOnlyWhatIsUsed(t *testing.T) {
	c := stub(t, map[string]string{"/api/portal/v1/jobs": oddJobsPage})
	jobs, err := c.ListJobs(ctxT(t), ListJobsOptions{})
	if err != nil || len(jobs) != 2 || jobs[0].ID != "odd" || jobs[1].ID != "plain" {
		t.Fatalf("ListJobs = %+v, %v; want the two readable jobs", jobs, err)
	}
	if jobs[0].JobState != JobFailed || jobs[0].Active() {
		t.Errorf("odd job state = %q", jobs[0].JobState)
	}
	// accountId as a numeric string, and an id parameter, both name account 42.
	if !jobs[0].Concerns(42) || !jobs[1].Concerns(42) || !jobs[1].Concerns(9) || jobs[0].Concerns(7) {
		t.Errorf("Concerns: odd(42)=%v plain(42)=%v plain(9)=%v odd(7)=%v", jobs[0].Concerns(42),
			jobs[1].Concerns(42), jobs[1].Concerns(9), jobs[0].Concerns(7))
	}
	if job, found, err := c.FindJob(ctxT(t), "plain"); err != nil || !found || job.JobState != JobCompleted {
		t.Errorf("FindJob(plain) = %+v, %v, %v", job, found, err)
	}
}

func TestJobStates(t *testing.T) {
	for state, active := range map[string]bool{JobPending: true, JobRunning: true, "RUNNING": true,
		JobCompleted: false, JobFailed: false, JobCancelled: false, "": false} {
		if got := (Job{JobState: state}).Active(); got != active {
			t.Errorf("Active(%q) = %v, want %v", state, got, active)
		}
	}
}

// TestAccountsUsersTokensDecodeOnlyWhatIsUsed: unused fields of other types
// than documented, and unknown fields, never fail a call; a list element the
// client cannot read is left out.
func TestAccountsUsersTokensDecodeOnlyWhatIsUsed(t *testing.T) {
	const oddAccount = `{"id":42,"name":"Zydro","planInstance":"oem","metadata":[1,2],"createdAt":"2026-12-01T00:00:00Z",
		"modifiedAt":{"ms":1},"owner":{"id":7}}`
	const oddUser = `{"id":7,"accountId":42,"email":"owner@zydro.com","isAdmin":"no","createdAt":"yesterday",
		"modifiedAt":"2026-12-01T00:00:00Z","roles":["owner"]}`
	const oddToken = `{"id":"bearer-7f3a","name":7,"userId":"7","accountId":"42","userEmail":null,
		"createdAt":"2026-12-01T00:00:00Z","lastUsedAt":"never","restrictions":"none","scopes":["all"]}`
	c := stub(t, map[string]string{
		"/api/portal/v1/admin/getAccount":     oddAccount,
		"/api/portal/v1/admin/getAllAccounts": `[` + oddAccount + `,{"id":"x"}]`,
		"/api/portal/v1/admin/getAllUsers":    `[{"id":"seven","email":"owner@zydro.com"},` + oddUser + `]`,
		"/api/portal/v1/admin/createAccount":  `{"account":` + oddAccount + `,"user":` + oddUser + `,"initialToken":` + oddToken + `,"extra":1}`,
		"/api/portal/v1/admin/createApiToken": oddToken,
		"/api/portal/v1/admin/editAccount":    oddAccount,
		"/api/portal/v1/admin/deleteAccount":  `{"jobId":"job-1","queuedAt":"now"}`,
	})
	if a, err := c.GetAccount(ctxT(t), 42); err != nil || a != (Account{ID: 42, Name: "Zydro", PlanInstance: "oem"}) {
		t.Errorf("GetAccount = %+v, %v", a, err)
	}
	if as, err := c.GetAllAccounts(ctxT(t)); err != nil || len(as) != 1 || as[0].ID != 42 {
		t.Errorf("GetAllAccounts = %+v, %v", as, err)
	}
	if u, found, err := c.FindUserByUsername(ctxT(t), "owner@zydro.com"); err != nil || !found || u.ID != 7 || u.AccountID != 42 {
		t.Errorf("FindUserByUsername = %+v, %v, %v", u, found, err)
	}
	res, err := c.CreateAccount(ctxT(t), CreateAccountRequest{Name: "Zydro", Username: "owner@zydro.com", Password: "abcd"})
	if err != nil || res.Account.ID != 42 || res.User.ID != 7 || res.InitialToken.ID.Reveal() != "bearer-7f3a" {
		t.Errorf("CreateAccount = %+v, %v", res, err)
	}
	if tok, err := c.CreateApiToken(ctxT(t), CreateApiTokenRequest{UserID: 7, AccountID: 42, Name: "x"}); err != nil ||
		tok.ID.Reveal() != "bearer-7f3a" {
		t.Errorf("CreateApiToken = %+v, %v", tok, err)
	}
	if a, err := c.EditAccount(ctxT(t), 42, "Zydro"); err != nil || a.Name != "Zydro" {
		t.Errorf("EditAccount = %+v, %v", a, err)
	}
	if job, err := c.DeleteAccount(ctxT(t), 42); err != nil || job != "job-1" {
		t.Errorf("DeleteAccount = %q, %v", job, err)
	}
	if err := c.Verify(ctxT(t)); err != nil {
		t.Errorf("Verify = %v", err)
	}
}
