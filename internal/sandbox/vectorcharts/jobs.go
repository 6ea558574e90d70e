package vectorcharts

import (
	"net/http"
	"strconv"
	"time"
)

// Job states, as the vendor names them.
const (
	JobPending   = "pending"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
)

type jobLog struct {
	Timestamp int64  `json:"timestamp"`
	Type      string `json:"type"`
	Message   string `json:"message"`
}

type job struct {
	ID              string         `json:"id"`
	ParentJobID     *string        `json:"parentJobId"`
	JobType         string         `json:"jobType"`
	JobState        string         `json:"jobState"`
	AccountID       int64          `json:"accountId"`
	Parameters      map[string]any `json:"parameters"`
	Result          map[string]any `json:"result"`
	Logs            []jobLog       `json:"logs"`
	PercentComplete float64        `json:"percentComplete"`
	Priority        int            `json:"priority"`
	CreatedAt       int64          `json:"createdAt"`
	ModifiedAt      int64          `json:"modifiedAt"`
	start           time.Time
	fail            bool // FailNextDeleteJob: ends failed, account kept
}

func (j *job) active() bool { return j.JobState == JobPending || j.JobState == JobRunning }

func (j *job) log(now time.Time, msg string) {
	j.Logs = append(j.Logs, jobLog{Timestamp: millis(now), Type: "info", Message: msg})
	j.ModifiedAt = millis(now)
}

// startDeleteJob queues the deletion of an account. A delete already under way
// for the account is returned instead of a second job, so a retried delete is
// harmless (the vendor does not document this case).
func (s *Server) startDeleteJob(accountID int64, now time.Time) *job {
	for _, j := range s.st.jobs {
		if j.AccountID == accountID && j.JobType == "deleteAccount" && j.active() {
			return j
		}
	}
	j := &job{ID: newUUID(), JobType: "deleteAccount", JobState: JobPending, AccountID: accountID,
		Parameters: map[string]any{"accountId": accountID}, Logs: []jobLog{},
		CreatedAt: millis(now), ModifiedAt: millis(now), start: now, fail: s.failNextJob}
	s.failNextJob = false
	j.log(now, "queued")
	s.st.jobs = append(s.st.jobs, j)
	return j
}

// advanceJobs moves jobs along by the clock: pending for JobPendingFor, then
// running for JobRunningFor, then done. Evaluated lazily under s.mu on every
// request and helper, so the sandbox runs no goroutines.
func (s *Server) advanceJobs(now time.Time) {
	for _, j := range s.st.jobs {
		if !j.active() {
			continue
		}
		elapsed := now.Sub(j.start)
		switch {
		case elapsed >= s.opts.JobPendingFor+s.opts.JobRunningFor:
			s.finishJob(j, now)
		case elapsed >= s.opts.JobPendingFor:
			if j.JobState == JobPending {
				j.JobState = JobRunning
				j.log(now, "running")
			}
			done := float64(elapsed-s.opts.JobPendingFor) / float64(s.opts.JobRunningFor)
			j.PercentComplete = min(99, float64(int(done*100)))
		}
	}
}

func (s *Server) finishJob(j *job, now time.Time) {
	if j.fail {
		j.JobState = JobFailed
		j.Result = map[string]any{"error": "injected job failure"}
		j.log(now, "failed")
		return
	}
	s.st.removeAccount(j.AccountID)
	j.JobState, j.PercentComplete = JobCompleted, 100
	j.Result = map[string]any{"deletedAccountId": j.AccountID}
	j.log(now, "completed")
}

// listJobs serves GET /jobs?activeOnly=&limit=&offset=: most recent first.
// Admins see every job, other users their own account's.
func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	activeOnly := q.Get("activeOnly") == "true"
	limit, lok := intParam(q.Get("limit"), 50)
	offset, ook := intParam(q.Get("offset"), 0)
	if !lok || !ook || limit < 1 || limit > 200 || offset < 0 {
		s.writeError(w, http.StatusBadRequest, "limit must be 1..200 and offset >= 0")
		return
	}
	s.mu.Lock()
	var page []job
	skipped := 0
	for i := len(s.st.jobs) - 1; i >= 0 && len(page) < limit; i-- {
		j := s.st.jobs[i]
		if (activeOnly && !j.active()) || (!caller.IsAdmin && j.AccountID != caller.AccountID) {
			continue
		}
		if skipped < offset {
			skipped++
			continue
		}
		page = append(page, copyJob(j))
	}
	s.mu.Unlock()
	if page == nil {
		page = []job{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": page})
}

// copyJob snapshots a job so it can be encoded outside the lock.
func copyJob(j *job) job {
	c := *j
	c.Logs = append([]jobLog(nil), j.Logs...)
	return c
}

func intParam(v string, def int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}
