package vectorcharts

import (
	"context"
	"net/url"
	"strconv"
)

// maxJobPages bounds FindJob: 50 pages of 200 is far beyond any real backlog.
const maxJobPages = 50

// ListJobs returns one page of jobs, most recent first.
func (c *Client) ListJobs(ctx context.Context, opts ListJobsOptions) ([]Job, error) {
	q := url.Values{"activeOnly": {strconv.FormatBool(opts.ActiveOnly)}}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(min(opts.Limit, MaxJobsLimit)))
	}
	if opts.Offset > 0 {
		q.Set("offset", strconv.Itoa(opts.Offset))
	}
	var out struct {
		Jobs []Job `json:"jobs"`
	}
	err := c.get(ctx, OpListJobs, "/jobs", q, &out)
	return out.Jobs, err
}

// FindJob pages through all jobs until id is found; the upstream has no
// get-job-by-id. found is false when no page holds it.
func (c *Client) FindJob(ctx context.Context, id string) (job Job, found bool, err error) {
	offset := 0
	for range maxJobPages {
		jobs, err := c.ListJobs(ctx, ListJobsOptions{Limit: MaxJobsLimit, Offset: offset})
		if err != nil {
			return Job{}, false, err
		}
		for _, j := range jobs {
			if j.ID == id {
				return j, true, nil
			}
		}
		if len(jobs) == 0 {
			break
		}
		offset += len(jobs)
	}
	return Job{}, false, nil
}
