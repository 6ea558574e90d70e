package vectorcharts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestUsers(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	res := create(t, c, "Users", "Owner@Users.com")
	all, err := c.GetAllUsers(ctxT(t))
	if err != nil || len(all) != 3 {
		t.Fatalf("GetAllUsers = %+v, %v", all, err)
	}
	for _, name := range []string{"Owner@Users.com", "owner@users.com"} {
		got, found, err := c.FindUserByUsername(ctxT(t), name)
		if err != nil || !found || got.ID != res.User.ID {
			t.Errorf("FindUserByUsername(%s) = %+v, %v, %v", name, got, found, err)
		}
	}
	if _, found, err := c.FindUserByUsername(ctxT(t), "nobody@x.com"); found || err != nil {
		t.Errorf("FindUserByUsername(nobody) = %v, %v", found, err)
	}
	if _, _, err := e.client(t, userToken, nil).FindUserByUsername(ctxT(t), "x"); statusOf(t, err) != 403 {
		t.Errorf("non-admin FindUserByUsername = %v, want 403", err)
	}
}

func TestMatchUsername(t *testing.T) {
	users := []User{{ID: 1, Email: "a@x.com"}, {ID: 2, Email: "B@x.com"}, {ID: 3, Email: "c@x.com"}, {ID: 4, Email: "C@x.com"}}
	tests := []struct {
		name   string
		wantID int64
	}{
		{"a@x.com", 1}, {"b@x.com", 2}, {"C@x.com", 4}, {"c@X.com", 0}, {"d@x.com", 0},
	}
	for _, tt := range tests {
		u, found, _ := matchUsername(users, tt.name)
		if found != (tt.wantID != 0) || u.ID != tt.wantID {
			t.Errorf("match(%s) = %d, %v; want %d", tt.name, u.ID, found, tt.wantID)
		}
	}
}

func TestCreateApiToken(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	a := create(t, c, "A", "a@x.com")
	b := create(t, c, "B", "b@x.com")
	tok, err := c.CreateApiToken(ctxT(t), CreateApiTokenRequest{UserID: a.User.ID, AccountID: a.Account.ID, Name: "reissued"})
	if err != nil || tok.ID.Empty() || tok.ID == a.InitialToken.ID {
		t.Fatalf("CreateApiToken = %+v, %v", tok, err)
	}
	if code := e.bearerWorks(t, tok.ID); code != 200 {
		t.Fatalf("created token does not work: %d", code)
	}
	errs := []struct {
		name string
		req  CreateApiTokenRequest
		want int
	}{
		{"user not in account", CreateApiTokenRequest{UserID: b.User.ID, AccountID: a.Account.ID, Name: "x"}, 400},
		{"unknown account", CreateApiTokenRequest{UserID: a.User.ID, AccountID: 9999, Name: "x"}, 404},
		{"missing name", CreateApiTokenRequest{UserID: a.User.ID, AccountID: a.Account.ID}, 400},
	}
	for _, tt := range errs {
		if _, err := c.CreateApiToken(ctxT(t), tt.req); statusOf(t, err) != tt.want {
			t.Errorf("%s: %v, want %d", tt.name, err, tt.want)
		}
	}
	restricted, err := c.CreateApiToken(ctxT(t), CreateApiTokenRequest{UserID: a.User.ID, AccountID: a.Account.ID,
		Name: "web", Restrictions: &Restrictions{Hosts: []string{"example.com"}}})
	// Restricted to an origin, the token is refused without one: the
	// restrictions were sent.
	if err != nil || restricted.ID.Empty() || e.bearerWorks(t, restricted.ID) != 401 {
		t.Fatalf("restricted token = %+v, %v", restricted, err)
	}
}

// TestFindJobPaging: a stub upstream with 450 jobs; FindJob must page with
// limit 200 until it reaches the job on the third page.
func TestFindJobPaging(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		jobs := []Job{}
		for i := offset; i < min(offset+limit, 450); i++ {
			jobs = append(jobs, Job{ID: fmt.Sprint("job-", i), JobState: JobCompleted})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"jobs": jobs})
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, Token: adminToken})
	if err != nil {
		t.Fatal(err)
	}
	job, found, err := c.FindJob(ctxT(t), "job-420")
	if err != nil || !found || job.ID != "job-420" {
		t.Fatalf("FindJob = %+v, %v, %v", job, found, err)
	}
	want := []string{"activeOnly=false&limit=200", "activeOnly=false&limit=200&offset=200", "activeOnly=false&limit=200&offset=400"}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(queries) != fmt.Sprint(want) {
		t.Fatalf("queries = %v, want %v", queries, want)
	}
	queries = nil
	mu.Unlock()
	_, found, err = c.FindJob(ctxT(t), "missing")
	mu.Lock()
	if found || err != nil || len(queries) != 4 {
		t.Fatalf("FindJob(missing) = %v, %v after %d pages", found, err, len(queries))
	}
}

func TestListJobs(t *testing.T) {
	e := newEnv(t, func(o *sandboxOptions) { o.JobPendingFor = time.Hour })
	c := e.client(t, adminToken, nil)
	var ids []string
	for i := range 3 {
		res := create(t, c, fmt.Sprint("L", i), fmt.Sprintf("l%d@x.com", i))
		id, err := c.DeleteAccount(ctxT(t), res.Account.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// A limit above the maximum is lowered (the sandbox answers 400 to 201).
	jobs, err := c.ListJobs(ctxT(t), ListJobsOptions{Limit: 500})
	if err != nil || len(jobs) != 3 || jobs[0].ID != ids[2] || jobs[2].ID != ids[0] {
		t.Fatalf("ListJobs = %+v, %v", jobs, err)
	}
	if active, err := c.ListJobs(ctxT(t), ListJobsOptions{ActiveOnly: true}); err != nil || len(active) != 3 ||
		active[0].JobState != JobPending {
		t.Fatalf("ListJobs(activeOnly) = %+v, %v", active, err)
	}
	page, err := c.ListJobs(ctxT(t), ListJobsOptions{Limit: 1, Offset: 1})
	if err != nil || len(page) != 1 || page[0].ID != ids[1] {
		t.Fatalf("ListJobs page = %+v, %v", page, err)
	}
	if own, err := e.client(t, userToken, nil).ListJobs(ctxT(t), ListJobsOptions{}); err != nil || len(own) != 0 {
		t.Fatalf("non-admin ListJobs = %+v, %v", own, err)
	}
}
