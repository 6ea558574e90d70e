package vectorcharts

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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
			if !j.Finished() && isDeleteOf(j, accountID) {
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

// isDeleteOf matches a delete job of the account. The vendor documents neither
// the job type word nor whether accountId is the target or the caller's
// account, so both accountId and the parameters are checked.
func isDeleteOf(j vc.Job, accountID int64) bool {
	if !strings.Contains(strings.ToLower(j.JobType), "delet") {
		return false
	}
	if j.AccountID == accountID {
		return true
	}
	var params map[string]any
	if len(j.Parameters) == 0 || json.Unmarshal(j.Parameters, &params) != nil {
		return false
	}
	for _, k := range []string{"accountId", "id"} {
		if paramID(params[k]) == accountID {
			return true
		}
	}
	return false
}

func paramID(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}
