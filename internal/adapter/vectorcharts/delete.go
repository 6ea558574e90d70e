package vectorcharts

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// defaultRetryEvery is how often a delete that did not take is sent again
// when the provider sets no pollInterval: the manager's default poll interval.
const defaultRetryEvery = 10 * time.Minute

// failure is why a delete did not take.
type failure struct {
	reason, note string
	// soon: a deletion may be under way all the same, so getAccount is looked
	// at again soon, not only when deleteAccount is due again.
	soon bool
}

// Delete removes the account; getAccount answering 404 is the proof it is
// gone, or else the delete job, followed by the id deleteAccount returned
// (kept in status.jobID, never found by its undocumented type word), having
// completed. While the job is pending or running, Delete waits. A job that ended with the account
// still there (failed, cancelled) or is no longer listed is reported and
// deleteAccount sent again: at once the first time, then at most once per
// poll interval, never in a hot loop.
func (p *Adapter) Delete(ctx context.Context, req *adapter.Request) (bool, error) {
	id, err := accountID(req)
	if err != nil {
		return true, nil //nolint:nilerr // not a portal id: no such account can exist upstream
	}
	st := &req.Account.Status
	// The job is read before the account: a job that ends in between has
	// removed the account by the time getAccount is asked. A failed jobs read
	// matters only if the account is still there.
	var job vcapi.Job
	var found bool
	var jobErr error
	if st.JobID != "" {
		job, found, jobErr = p.client.FindJob(ctx, st.JobID)
	}
	if _, err := p.client.GetAccount(ctx, id); err != nil {
		if httpapi.IsNotFound(err) {
			st.JobID = ""
			p.redeletes.forget(id)
			return true, nil
		}
		return false, fmt.Errorf("get account %d: %w", id, err)
	}
	switch {
	case jobErr != nil:
		return false, fmt.Errorf("find delete job %s: %w", st.JobID, jobErr)
	case found && job.Active():
		return false, nil
	case found && job.Completed():
		// The job deleteAccount started for this account says it is done:
		// a portal that keeps deleted accounts readable never answers 404,
		// and sending deleteAccount again would start job after job.
		st.JobID = ""
		p.redeletes.forget(id)
		return true, nil
	case st.JobID != "":
		return p.redelete(ctx, req, id, failure{reason: v1alpha1.ReasonDeleteJobFailed, note: ended(st.JobID, job, found, id)})
	}
	if last, ok := p.redeletes.get(id); ok { // an earlier call got no job to follow
		return p.redelete(ctx, req, id, last.failure)
	}
	return p.sendDelete(ctx, req, id, nil)
}

// redelete sends deleteAccount again unless it was sent again within the
// interval; then it reports why the delete did not take, and when it is due.
func (p *Adapter) redelete(ctx context.Context, req *adapter.Request, id int64, f failure) (bool, error) {
	now := p.now()
	if last, ok := p.redeletes.get(id); ok {
		if wait := last.at.Add(p.retryEvery).Sub(now); wait > 0 {
			after := wait
			if f.soon {
				after = min(wait, busyCheck)
			}
			return false, &adapter.Error{Class: adapter.ClassTransient, Reason: f.reason, After: after, Message: fmt.Sprintf(
				"%s; deleteAccount is sent again at most once every %s", f.note, p.retryEvery)}
		}
	}
	p.redeletes.set(id, now, f)
	return p.sendDelete(ctx, req, id, &f)
}

// sendDelete calls deleteAccount and follows the job it starts. prev, when
// set, is why an earlier delete did not take: reported with the new job.
func (p *Adapter) sendDelete(ctx context.Context, req *adapter.Request, id int64, prev *failure) (bool, error) {
	jobID, err := p.client.DeleteAccount(ctx, id)
	switch {
	case err == nil && jobID != "":
		req.Account.Status.JobID = jobID
		if prev != nil {
			return false, &adapter.Error{Class: adapter.ClassTransient, Reason: prev.reason, After: busyCheck,
				Message: fmt.Sprintf("%s; sent deleteAccount again: job %s", prev.note, jobID)}
		}
		return false, nil
	case err == nil: // a 404, though getAccount answered a moment ago
		return p.followJob(ctx, req, id, failure{reason: v1alpha1.ReasonDeleteUnconfirmed, soon: true, note: fmt.Sprintf(
			"deleteAccount answered 404 while upstream account %d still exists (its deletion is probably under way)", id)})
	case httpapi.IsStatus(err, http.StatusBadRequest):
		return p.followJob(ctx, req, id, failure{reason: v1alpha1.ReasonDeleteRefused, soon: true, note: fmt.Sprintf(
			"deleteAccount refused upstream account %d with 400 (the portal refuses to delete the provider "+
				"token's own account, and may refuse while a deletion is under way)", id)})
	}
	return false, fmt.Errorf("delete account %d: %w", id, err)
}

// followJob runs when deleteAccount gave no job id for an account that still
// exists: the answer a portal may give while the account's delete job runs
// (after a crash lost the id of an accepted delete). A job under way that
// names the account is followed as that delete; else the answer is reported,
// and the next call waits for the interval.
func (p *Adapter) followJob(ctx context.Context, req *adapter.Request, id int64, f failure) (bool, error) {
	job, found, err := p.jobUnderWay(ctx, id)
	if err != nil {
		return false, err
	}
	if found {
		req.Account.Status.JobID = job.ID
		return false, nil
	}
	p.redeletes.set(id, p.now(), f)
	return false, &adapter.Error{Class: adapter.ClassTransient, Reason: f.reason, After: busyCheck, Message: f.note}
}

// ended describes a delete job that is over, or gone from the list, while
// the account it was to delete still exists.
func ended(jobID string, job vcapi.Job, found bool, id int64) string {
	if !found {
		return fmt.Sprintf("upstream delete job %s is no longer listed, but account %d still exists", jobID, id)
	}
	state := job.JobState
	if len(state) > 32 { // an upstream word: keep messages bounded
		state = state[:32]
	}
	return fmt.Sprintf("upstream delete job %s ended %q, but account %d still exists", jobID, state, id)
}
