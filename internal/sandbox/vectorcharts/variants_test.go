package vectorcharts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"testing"
	"time"
)

// TestRepeatDelete: a second deleteAccount while the first job runs, under
// each RepeatDelete variant.
func TestRepeatDelete(t *testing.T) {
	for _, v := range RepeatDeleteValues {
		t.Run(v, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.Variants.RepeatDelete = v })
			c := e.create("Twice", "twice@x.com")
			first := e.deleteAccount(c.Account.ID)
			code, body := e.call("POST", api+"/admin/deleteAccount", adminToken, map[string]any{"id": c.Account.ID})
			var out struct{ JobID string }
			_ = json.Unmarshal(body, &out)
			switch v {
			case RepeatDeleteNewJob:
				if code != 200 || out.JobID == "" || out.JobID == first || len(e.s.Jobs()) != 2 {
					t.Fatalf("second delete = %d %s, %d jobs; want 200 and a new job", code, body, len(e.s.Jobs()))
				}
			case RepeatDeleteSameJob:
				if code != 200 || out.JobID != first || len(e.s.Jobs()) != 1 {
					t.Fatalf("second delete = %d %s; want 200 and the running job", code, body)
				}
			case RepeatDelete400, RepeatDelete404:
				if fmt.Sprint(code) != v || len(e.s.Jobs()) != 1 {
					t.Fatalf("second delete = %d %s; want %s and no new job", code, body, v)
				}
			}
			e.clock.Advance(time.Hour)
			if code, _ := e.call("GET", fmt.Sprintf("%s/admin/getAccount?id=%d", api, c.Account.ID), adminToken, nil); code != 404 {
				t.Fatalf("account after the jobs: %d, want 404", code)
			}
			for _, j := range e.s.Jobs() {
				if j.State != JobCompleted {
					t.Errorf("job %+v did not complete", j)
				}
			}
			// Once the first job is done, a delete is a 404 in every variant.
			if code, _ := e.call("POST", api+"/admin/deleteAccount", adminToken, map[string]any{"id": c.Account.ID}); code != 404 {
				t.Errorf("delete after the jobs = %d, want 404", code)
			}
		})
	}
}

// TestDeleteJobNames: how the delete job names its account, per variant.
func TestDeleteJobNames(t *testing.T) {
	for _, v := range JobNamesValues {
		t.Run(v, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.Variants.DeleteJobNames = v; o.AdminAccountID = 5 })
			c := e.create("Named", "named@x.com")
			e.deleteAccount(c.Account.ID)
			j := e.jobs(adminToken, "")[0]
			id := float64(c.Account.ID)
			var ok bool
			switch v {
			case JobNamesAccountID:
				ok = j.AccountID == c.Account.ID && j.Parameters["accountId"] == id
			case JobNamesParameters:
				ok = j.AccountID == 5 && j.Parameters["id"] == id && len(j.Parameters) == 1
			case JobNamesNone:
				ok = j.AccountID == 5 && len(j.Parameters) == 0
			}
			if !ok {
				t.Fatalf("job = %+v", j)
			}
			if got := e.s.Jobs()[0]; got.Deletes != c.Account.ID {
				t.Fatalf("admin view = %+v, want Deletes %d", got, c.Account.ID)
			}
		})
	}
}

func TestDeleteJobType(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Variants.DeleteJobType = "job-7f3a" })
	c := e.create("Typed", "typed@x.com")
	e.deleteAccount(c.Account.ID)
	if j := e.jobs(adminToken, "")[0]; j.JobType != "job-7f3a" {
		t.Fatalf("jobType = %q", j.JobType)
	}
}

func TestEndDeleteJobs(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("Kept", "kept@x.com")
	e.s.EndDeleteJobs(2, JobCancelled)
	for range 2 {
		e.deleteAccount(c.Account.ID)
		e.clock.Advance(time.Hour)
	}
	e.deleteAccount(c.Account.ID)
	e.clock.Advance(time.Hour)
	var states []string
	for _, j := range e.jobs(adminToken, "") {
		states = append(states, j.JobState)
	}
	if !slices.Equal(states, []string{JobCompleted, JobCancelled, JobCancelled}) {
		t.Fatalf("job states, most recent first = %v", states)
	}
}

// TestStartJob: a job that is not a deletion names its account and removes
// nothing; it does not make the account "deleting".
func TestStartJob(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("Busy", "busy@x.com")
	id := e.s.StartJob(c.Account.ID, "CHART_IMPORT")
	if a, _ := e.s.AccountByUsername("busy@x.com"); a.State != "active" {
		t.Fatalf("state = %q", a.State)
	}
	j := e.jobs(adminToken, "?activeOnly=true")
	if len(j) != 1 || j[0].ID != id || j[0].AccountID != c.Account.ID || j[0].JobType != "CHART_IMPORT" {
		t.Fatalf("jobs = %+v", j)
	}
	e.clock.Advance(time.Hour)
	if code, _ := e.call("GET", fmt.Sprintf("%s/admin/getAccount?id=%d", api, c.Account.ID), adminToken, nil); code != 200 {
		t.Fatalf("account after the job: %d", code)
	}
	if j := e.jobs(adminToken, ""); j[0].JobState != JobCompleted {
		t.Fatalf("job = %+v", j[0])
	}
}

// TestJobsDefaultLimit: the vendor's default page is 25 jobs.
func TestJobsDefaultLimit(t *testing.T) {
	e := newEnv(t, nil)
	for range 30 {
		e.s.StartJob(1, "CHART_IMPORT")
	}
	if got := len(e.jobs(adminToken, "")); got != 25 {
		t.Fatalf("default page = %d jobs, want 25", got)
	}
}

func TestVariantsCheckAndAdmin(t *testing.T) {
	for _, bad := range []Variants{{RepeatDelete: "409"}, {DeleteJobNames: "both"}} {
		if bad.Check() == nil {
			t.Errorf("Check(%+v) accepted", bad)
		}
	}
	e := newEnv(t, nil)
	mux := http.NewServeMux()
	mux.Handle("/admin/", http.StripPrefix("/admin", e.s.AdminHandler()))
	mux.Handle("/", e.s.Handler())
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	var v Variants
	e.callJSON("GET", "/admin/variants", "", nil, 200, &v)
	if v != (Variants{DeleteJobType: "ACCOUNT_CLEANUP", RepeatDelete: RepeatDeleteNewJob, DeleteJobNames: JobNamesAccountID,
		DeletedAccounts: DeletedAccountsGone}) {
		t.Fatalf("default variants = %+v", v)
	}
	e.callJSON("POST", "/admin/variants", "", map[string]string{"repeatDelete": "404"}, 204, nil)
	if got := e.s.Variants(); got.RepeatDelete != RepeatDelete404 || got.DeleteJobType != "ACCOUNT_CLEANUP" {
		t.Fatalf("after POST: %+v", got)
	}
	if code, _ := e.call("POST", "/admin/variants", "", map[string]string{"repeatDelete": "409"}); code != 400 {
		t.Fatalf("bad variant accepted: %d", code)
	}
}

// TestVendorFieldNames: every answer carries exactly the field names the
// vendor reference (section 3) lists.
func TestVendorFieldNames(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("Fields", "fields@x.com")
	e.deleteAccount(c.Account.ID)
	keys := func(method, path string, body any, pick func(any) any) []string {
		t.Helper()
		var v any
		e.callJSON(method, path, adminToken, body, 200, &v)
		m, ok := pick(v).(map[string]any)
		if !ok {
			t.Fatalf("%s %s: not an object: %v", method, path, v)
		}
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	first := func(v any) any { return v.([]any)[0] }
	id := func(v any) any { return v }
	tests := []struct {
		name string
		got  []string
		want string
	}{
		{"getAccount", keys("GET", fmt.Sprintf("%s/admin/getAccount?id=%d", api, c.Account.ID), nil, id),
			"[createdAt id metadata name planInstance]"},
		{"getAllAccounts", keys("GET", api+"/admin/getAllAccounts", nil, first), "[createdAt id metadata name planInstance]"},
		{"getUser", keys("GET", fmt.Sprintf("%s/admin/getUser?id=%d", api, c.User.ID), nil, id),
			"[accountId createdAt email id isAdmin modifiedAt]"},
		{"getAllUsers", keys("GET", api+"/admin/getAllUsers", nil, first), "[accountId createdAt email id isAdmin]"},
		{"getApiTokens", keys("GET", fmt.Sprintf("%s/admin/getApiTokens?accountId=%d", api, c.Account.ID), nil, first),
			"[accountId createdAt id lastUsedAt name restrictions userEmail userId]"},
		{"jobs", keys("GET", api+"/jobs", nil, func(v any) any { return v.(map[string]any)["jobs"].([]any)[0] }),
			"[accountId createdAt id jobState jobType logs parameters parentJobId percentComplete priority result updatedAt]"},
		{"job log", keys("GET", api+"/jobs", nil, func(v any) any {
			return v.(map[string]any)["jobs"].([]any)[0].(map[string]any)["logs"].([]any)[0]
		}), "[message timestamp type]"},
	}
	for _, tt := range tests {
		if fmt.Sprint(tt.got) != tt.want {
			t.Errorf("%s fields = %v, want %s", tt.name, tt.got, tt.want)
		}
	}
}

func TestSetJobDurations(t *testing.T) {
	e := newEnv(t, nil)
	c := e.create("Slow", "slow@x.com")
	e.s.SetJobDurations(time.Minute, time.Minute)
	e.deleteAccount(c.Account.ID)
	e.clock.Advance(90 * time.Second)
	if j := e.jobs(adminToken, ""); j[0].JobState != JobRunning {
		t.Fatalf("after 90s: %+v, want running", j[0])
	}
	e.clock.Advance(time.Minute)
	if j := e.jobs(adminToken, ""); j[0].JobState != JobCompleted {
		t.Fatalf("after 150s: %+v, want completed", j[0])
	}
}
