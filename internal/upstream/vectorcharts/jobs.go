package vectorcharts

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Job states, as the vendor names them.
const (
	JobPending   = "pending"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// MaxJobsLimit is the largest page the jobs endpoint serves.
const MaxJobsLimit = 200

// maxJobPages bounds FindJob: 50 pages of 200 is far beyond any real backlog.
const maxJobPages = 50

// Job is what the operator reads of a background job, such as the one
// deleteAccount starts. Only id and jobState are relied on; jobType is never
// read, since the delete job's type word is not public. accountId and
// parameters are kept raw because their meaning is undocumented (the job's
// target or the caller's account; which parameter names): only Concerns reads
// them, and it never fails on them.
type Job struct {
	ID         string          `json:"id"`
	JobState   string          `json:"jobState"`
	AccountID  json.RawMessage `json:"accountId"`
	Parameters json.RawMessage `json:"parameters"`
}

// Completed reports whether the job ended successfully.
func (j Job) Completed() bool {
	return strings.EqualFold(j.JobState, JobCompleted)
}

// Active reports whether the job is pending or running.
func (j Job) Active() bool {
	return strings.EqualFold(j.JobState, JobPending) || strings.EqualFold(j.JobState, JobRunning)
}

// Concerns reports whether the job names the account, as its accountId or as
// an accountId or id parameter (a number or a numeric string). A best-effort
// hint: the vendor documents neither field's meaning.
func (j Job) Concerns(accountID int64) bool {
	if rawID(j.AccountID) == accountID {
		return true
	}
	var params map[string]json.RawMessage
	if json.Unmarshal(j.Parameters, &params) != nil {
		return false
	}
	return rawID(params["accountId"]) == accountID || rawID(params["id"]) == accountID
}

// rawID reads a JSON number or numeric string as an id; anything else is 0.
func rawID(raw json.RawMessage) int64 {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return 0
	}
	id, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// ListJobsOptions pages through jobs, most recent first. Limit 0 lets the
// upstream choose (the vendor's default is 25); values above MaxJobsLimit are
// lowered to it.
type ListJobsOptions struct {
	ActiveOnly bool
	Limit      int
	Offset     int
}

func (o ListJobsOptions) query() url.Values {
	q := url.Values{"activeOnly": {strconv.FormatBool(o.ActiveOnly)}}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(min(o.Limit, MaxJobsLimit)))
	}
	if o.Offset > 0 {
		q.Set("offset", strconv.Itoa(o.Offset))
	}
	return q
}

// jobsPage is the envelope of GET /jobs.
type jobsPage struct {
	Jobs []json.RawMessage `json:"jobs"`
}

// ListJobs returns one page of jobs, most recent first. A job this client
// cannot read (an id or state of another type) is left out rather than making
// the whole page unreadable.
func (c *Client) ListJobs(ctx context.Context, opts ListJobsOptions) ([]Job, error) {
	var page jobsPage
	if err := c.get(ctx, OpListJobs, "/jobs", opts.query(), &page); err != nil {
		return nil, err
	}
	jobs, _ := eachOf[Job](page.Jobs)
	return jobs, nil
}

// FindJob pages through all jobs until id is found; the upstream has no
// get-job-by-id. found is false when no page holds it.
func (c *Client) FindJob(ctx context.Context, id string) (job Job, found bool, err error) {
	offset := 0
	for range maxJobPages {
		var page jobsPage
		opts := ListJobsOptions{Limit: MaxJobsLimit, Offset: offset}
		if err := c.get(ctx, OpListJobs, "/jobs", opts.query(), &page); err != nil {
			return Job{}, false, err
		}
		jobs, _ := eachOf[Job](page.Jobs)
		for _, j := range jobs {
			if j.ID == id {
				return j, true, nil
			}
		}
		if len(page.Jobs) == 0 {
			break
		}
		offset += len(page.Jobs) // unreadable jobs still count for the offset
	}
	return Job{}, false, nil
}

// eachOf decodes every element it can and counts the rest, so one odd element
// never hides the others.
func eachOf[T any](raws []json.RawMessage) (out []T, unreadable int) {
	out = make([]T, 0, len(raws))
	for _, raw := range raws {
		var v T
		if json.Unmarshal(raw, &v) != nil {
			unreadable++
			continue
		}
		out = append(out, v)
	}
	return out, unreadable
}
