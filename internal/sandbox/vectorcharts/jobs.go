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
	JobCancelled = "cancelled"
)

// defaultJobsLimit is the page size when the request names none (vendor: 25).
const defaultJobsLimit = 25

// jobLog is one log line. Its timestamp is an ISO 8601 UTC string, unlike the
// job's own epoch-millisecond createdAt/updatedAt, as the vendor documents.
type jobLog struct {
	Timestamp string `json:"timestamp"`
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
	UpdatedAt       int64          `json:"updatedAt"`
	start           time.Time
	target          int64  // the account a delete job removes; 0 for other jobs
	endAs           string // "": a delete job completes; failed or cancelled: ends so, account kept
}

func (j *job) active() bool { return j.JobState == JobPending || j.JobState == JobRunning }

func (j *job) log(now time.Time, msg string) {
	j.Logs = append(j.Logs, jobLog{Timestamp: isoTime(now), Type: "info", Message: msg})
	j.UpdatedAt = millis(now)
}

// isoTime is the vendor's log timestamp format: ISO 8601, UTC, milliseconds.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// deleteJob answers deleteAccount for an existing account: a new job, or, when
// a delete job for it is already under way, what the RepeatDelete variant says.
// It returns the job id, or the status of a refusal. Callers hold s.mu.
func (s *Server) deleteJob(c caller, accountID int64, now time.Time) (string, int) {
	for _, j := range s.st.jobs {
		if j.target != accountID || !j.active() {
			continue
		}
		switch s.opts.Variants.RepeatDelete {
		case RepeatDeleteSameJob:
			return j.ID, http.StatusOK
		case RepeatDelete400:
			return "", http.StatusBadRequest
		case RepeatDelete404:
			return "", http.StatusNotFound
		}
		break // RepeatDeleteNewJob
	}
	j := s.newJob(s.opts.Variants.DeleteJobType, c.AccountID, now)
	j.target = accountID
	switch s.opts.Variants.DeleteJobNames {
	case JobNamesAccountID:
		j.AccountID, j.Parameters = accountID, map[string]any{"accountId": accountID}
	case JobNamesParameters:
		j.Parameters = map[string]any{"id": accountID}
	}
	if len(s.jobEnds) > 0 {
		j.endAs, s.jobEnds = s.jobEnds[0], s.jobEnds[1:]
	}
	return j.ID, http.StatusOK
}

// newJob queues a job of the account; callers hold s.mu.
func (s *Server) newJob(jobType string, accountID int64, now time.Time) *job {
	j := &job{ID: newUUID(), JobType: jobType, JobState: JobPending, AccountID: accountID,
		Parameters: map[string]any{}, Logs: []jobLog{}, Priority: 1,
		CreatedAt: millis(now), UpdatedAt: millis(now), start: now}
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
	if j.endAs != "" {
		j.JobState = j.endAs
		j.Result = map[string]any{"error": "injected job outcome"}
		j.log(now, j.endAs)
		return
	}
	if j.target != 0 && s.opts.Variants.DeletedAccounts == DeletedAccountsReadable {
		j.log(now, "account kept readable")
	} else if j.target != 0 && !s.st.removeAccount(j.target) {
		j.log(now, "nothing left to remove")
	}
	j.JobState, j.PercentComplete = JobCompleted, 100
	j.Result = map[string]any{}
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
	limit, lok := intParam(q.Get("limit"), defaultJobsLimit)
	offset, ook := intParam(q.Get("offset"), 0)
	if !lok || !ook || limit < 1 || limit > 200 || offset < 0 {
		s.writeError(w, http.StatusBadRequest, "limit must be 1..200 and offset >= 0")
		return
	}
	s.mu.Lock()
	s.now()
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
