package vectorcharts

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// maxActiveJobPages bounds the scan of active jobs: 10 pages of 200 running
// jobs is far beyond any real portal's backlog.
const maxActiveJobPages = 10

// busyCheck is how soon an account with a job under way is looked at again.
const busyCheck = 10 * time.Second

// jobUnderWay finds a pending or running job that names the account. The
// vendor publishes neither the delete job's type word nor what a job's
// accountId and parameters mean, so this is a hint that a job (perhaps the
// account's deletion) is under way, not proof of which: any job counts.
func (p *Adapter) jobUnderWay(ctx context.Context, accountID int64) (vcapi.Job, bool, error) {
	offset := 0
	for range maxActiveJobPages {
		jobs, err := p.client.ListJobs(ctx, vcapi.ListJobsOptions{ActiveOnly: true, Limit: vcapi.MaxJobsLimit, Offset: offset})
		if err != nil {
			return vcapi.Job{}, false, fmt.Errorf("list jobs: %w", err)
		}
		for _, j := range jobs {
			if j.Active() && j.Concerns(accountID) {
				return j, true, nil
			}
		}
		if len(jobs) < vcapi.MaxJobsLimit {
			break
		}
		offset += len(jobs)
	}
	return vcapi.Job{}, false, nil
}

// busy is the wait reported when the account holding a username has a job
// under way: adopting it or creating over it waits until the job ends, when
// the account is either gone (it was being deleted: create) or still there
// (adopt, or refuse as AlreadyExists). notCreated marks a refused create.
func busy(username string, accountID int64, job vcapi.Job, notCreated bool) error {
	return &adapter.Error{Class: adapter.ClassPending, Reason: v1alpha1.ReasonAccountBusy, After: busyCheck, NotCreated: notCreated,
		Message: fmt.Sprintf("spec.vectorCharts.username: %q belongs to upstream account %d, which has job %s "+
			"under way (perhaps its deletion); waiting for it to end", username, accountID, job.ID)}
}

// ledger remembers, per account, when this process last sent deleteAccount
// without a running job to show for it (the job failed, or the answer gave
// none), so such a delete is sent again at most once per interval. It lives in
// memory: a restart costs at most one extra call.
type ledger struct {
	mu sync.Mutex
	m  map[int64]ledgerEntry
}

type ledgerEntry struct {
	at time.Time
	failure
}

func newLedger() *ledger { return &ledger{m: map[int64]ledgerEntry{}} }

func (l *ledger) get(id int64) (ledgerEntry, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.m[id]
	return e, ok
}

func (l *ledger) set(id int64, at time.Time, f failure) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[id] = ledgerEntry{at: at, failure: f}
}

func (l *ledger) forget(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, id)
}
