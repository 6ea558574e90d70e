package vectorcharts

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

type jobJSON struct {
	ID              string         `json:"id"`
	JobType         string         `json:"jobType"`
	JobState        string         `json:"jobState"`
	AccountID       int64          `json:"accountId"`
	Parameters      map[string]any `json:"parameters"`
	PercentComplete float64        `json:"percentComplete"`
	Logs            []struct {
		Timestamp string `json:"timestamp"`
		Message   string `json:"message"`
	} `json:"logs"`
}

func (e *env) jobs(bearer, query string) []jobJSON {
	e.t.Helper()
	var out struct{ Jobs []jobJSON }
	e.callJSON("GET", api+"/jobs"+query, bearer, nil, 200, &out)
	return out.Jobs
}

func (e *env) deleteAccount(id int64) string {
	e.t.Helper()
	var out struct{ JobID string }
	e.callJSON("POST", api+"/admin/deleteAccount", adminToken, map[string]any{"id": id}, 200, &out)
	return out.JobID
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestDeleteAccountLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("Doomed", "doomed@x.com")
	getPath := fmt.Sprintf("%s/admin/getAccount?id=%d", api, c.Account.ID)
	jobID := e.deleteAccount(c.Account.ID)
	if !uuidRE.MatchString(jobID) {
		t.Fatalf("job id %q is not a uuid", jobID)
	}
	steps := []struct {
		advance   time.Duration
		state     string
		getStatus int
		tokenCode int
	}{
		{0, JobPending, 200, 200},
		{1500 * time.Millisecond, JobRunning, 200, 200},
		{2 * time.Second, JobCompleted, 404, 401},
	}
	for _, st := range steps {
		e.clock.Advance(st.advance)
		jobs := e.jobs(adminToken, "")
		if len(jobs) != 1 || jobs[0].ID != jobID || jobs[0].JobState != st.state || jobs[0].AccountID != c.Account.ID {
			t.Fatalf("after +%v: jobs = %+v, want %s", st.advance, jobs, st.state)
		}
		if code, _ := e.call("GET", getPath, adminToken, nil); code != st.getStatus {
			t.Fatalf("after +%v: getAccount = %d, want %d", st.advance, code, st.getStatus)
		}
		if code, _ := e.call("GET", api+"/apiTokens", c.InitialToken.ID, nil); code != st.tokenCode {
			t.Fatalf("after +%v: account token = %d, want %d", st.advance, code, st.tokenCode)
		}
	}
	final := e.jobs(adminToken, "")[0]
	if final.PercentComplete != 100 || len(final.Logs) < 3 || final.JobType != "ACCOUNT_CLEANUP" {
		t.Fatalf("final job = %+v", final)
	}
	// Log timestamps are ISO 8601 UTC strings (vendor: jobs/list).
	for _, l := range final.Logs {
		if _, err := time.Parse(time.RFC3339, l.Timestamp); err != nil || !strings.HasSuffix(l.Timestamp, "Z") {
			t.Fatalf("log timestamp %q is not ISO 8601 UTC: %v", l.Timestamp, err)
		}
	}
	if code, _ := e.call("GET", fmt.Sprintf("%s/admin/getUser?id=%d", api, c.User.ID), adminToken, nil); code != 404 {
		t.Fatalf("user survived the delete: %d", code)
	}
	if code, _ := e.call("POST", api+"/admin/deleteAccount", adminToken, map[string]any{"id": c.Account.ID}); code != 404 {
		t.Fatalf("delete of a gone account = %d, want 404", code)
	}
}

func TestDeleteAccountErrors(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AdminAccountID = 10 })
	tests := []struct {
		name string
		body any
		want int
	}{
		{"malformed", `{"id":`, 400},
		{"missing id", map[string]any{}, 400},
		{"own account", map[string]any{"id": 10}, 400},
		{"unknown", map[string]any{"id": 999}, 404},
	}
	for _, tt := range tests {
		if code, body := e.call("POST", api+"/admin/deleteAccount", adminToken, tt.body); code != tt.want {
			t.Errorf("%s: %d (%s), want %d", tt.name, code, body, tt.want)
		}
	}
	if c := e.create("After", "after@x.com"); c.Account.ID <= 10 {
		t.Fatalf("new id %d not above the admin account id", c.Account.ID)
	}
}

func TestDeleteJobFailure(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("Kept", "kept@x.com")
	e.s.FailNextDeleteJob()
	e.deleteAccount(c.Account.ID)
	e.clock.Advance(time.Hour)
	if jobs := e.jobs(adminToken, ""); jobs[0].JobState != JobFailed {
		t.Fatalf("job = %+v, want failed", jobs[0])
	}
	if code, _ := e.call("GET", fmt.Sprintf("%s/admin/getAccount?id=%d", api, c.Account.ID), adminToken, nil); code != 200 {
		t.Fatalf("account after failed job: %d", code)
	}
}

func TestListJobs(t *testing.T) {
	e := newEnv(t, nil)
	var ids []string
	for i := range 5 {
		c := e.create(fmt.Sprint("J", i), fmt.Sprintf("j%d@x.com", i))
		ids = append(ids, e.deleteAccount(c.Account.ID))
		e.clock.Advance(time.Second) // earlier jobs finish first
	}
	// Now: jobs 0-2 are completed (>= 3s old), 3 and 4 still active.
	all := e.jobs(adminToken, "?activeOnly=false")
	if len(all) != 5 || all[0].ID != ids[4] || all[4].ID != ids[0] {
		t.Fatalf("not most recent first: %+v", all)
	}
	active := e.jobs(adminToken, "?activeOnly=true")
	if len(active) != 2 || active[0].ID != ids[4] || active[1].ID != ids[3] {
		t.Fatalf("active = %+v", active)
	}
	page := e.jobs(adminToken, "?limit=2&offset=1")
	if len(page) != 2 || page[0].ID != ids[3] || page[1].ID != ids[2] {
		t.Fatalf("page = %+v", page)
	}
	if got := e.jobs(adminToken, "?limit=200&offset=5"); len(got) != 0 {
		t.Fatalf("past the end = %+v", got)
	}
	if got := e.jobs(userToken, ""); len(got) != 0 {
		t.Fatalf("non-admin sees other accounts' jobs: %+v", got)
	}
	for _, q := range []string{"?limit=201", "?limit=0", "?limit=x", "?offset=-1"} {
		if code, _ := e.call("GET", api+"/jobs"+q, adminToken, nil); code != 400 {
			t.Errorf("jobs%s = %d, want 400", q, code)
		}
	}
	if got := e.s.Jobs(); len(got) != 5 || got[0].ID != ids[4] {
		t.Fatalf("Jobs() = %+v", got)
	}
}

func TestDirectHelpers(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("H", "h@x.com")
	if !e.s.SetAccountName(c.Account.ID, "Drift") || e.s.SetAccountName(999, "x") {
		t.Fatal("SetAccountName result")
	}
	if a, _ := e.s.AccountByUsername("h@x.com"); a.Name != "Drift" || a.State != "active" {
		t.Fatalf("account = %+v", a)
	}
	e.deleteAccount(c.Account.ID)
	if a, _ := e.s.AccountByUsername("h@x.com"); a.State != "deleting" {
		t.Fatalf("state = %q, want deleting", a.State)
	}
	if !e.s.DeleteAccountDirect(c.Account.ID) || e.s.DeleteAccountDirect(c.Account.ID) {
		t.Fatal("DeleteAccountDirect result")
	}
	if _, found := e.s.AccountByUsername("h@x.com"); found || len(e.s.TokensFor(c.Account.ID)) != 0 {
		t.Fatal("account or tokens survived DeleteAccountDirect")
	}
}
