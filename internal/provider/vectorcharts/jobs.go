package vectorcharts

import (
	"context"
	"fmt"

	vc "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// maxActiveJobPages bounds the scan of active jobs: 10 pages of 200 running
// jobs is far beyond any real portal's backlog.
const maxActiveJobPages = 10

// deleting reports whether a delete job for the account is pending or running.
// The portal shows an account being deleted only through its jobs list (there
// is no get-job-by-id and getAccount answers 200 until the job ends), so the
// active jobs are paged through.
func (p *Provider) deleting(ctx context.Context, accountID int64) (bool, error) {
	offset := 0
	for range maxActiveJobPages {
		jobs, err := p.client.ListJobs(ctx, vc.ListJobsOptions{ActiveOnly: true, Limit: vc.MaxJobsLimit, Offset: offset})
		if err != nil {
			return false, fmt.Errorf("list jobs: %w", err)
		}
		for _, j := range jobs {
			if j.Active() && j.Concerns(accountID) {
				return true, nil
			}
		}
		if len(jobs) < vc.MaxJobsLimit {
			return false, nil
		}
		offset += len(jobs)
	}
	return false, nil
}
