package vectorcharts

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// clock is the provider's clock in tests that pace re-sent deletes.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// pass is what one Delete call, as the controller makes it, returned.
type pass struct {
	done bool
	wait *adapter.Error // nil: no error
}

// deletePasses calls Delete until done, at most limit times, and returns every
// pass. Errors other than pending failures fail the test: a transient upstream
// error here would be a bug of the test setup.
func (e *env) deletePasses(t *testing.T, req *adapter.Request, limit int, between func()) []pass {
	t.Helper()
	var out []pass
	for range limit {
		done, err := e.p.Delete(ctxT(t), req)
		var we *adapter.Error
		if err != nil && !errors.As(err, &we) {
			t.Fatalf("Delete after %d passes: %v", len(out), err)
		}
		out = append(out, pass{done: done, wait: we})
		if done {
			return out
		}
		if between != nil {
			between()
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the delete did not finish within %d passes", limit)
	return out
}

// reasons lists the PendingError reasons seen, in order, without repeats.
func reasons(ps []pass) []string {
	var out []string
	for _, p := range ps {
		if p.wait != nil && (len(out) == 0 || out[len(out)-1] != p.wait.Reason) {
			out = append(out, p.wait.Reason)
		}
	}
	return out
}

// TestDeleteFollowsTheJobByID: the job is followed by the id deleteAccount
// returned, kept in status.jobID, whatever its type word or how it names the
// account; a decoy job with a deletion-like type naming the account changes
// nothing.
func TestDeleteFollowsTheJobByID(t *testing.T) {
	for _, v := range []vcsandbox.Variants{{}, {DeleteJobType: "job-7f3a"}, {DeleteJobType: "deleteAccount"},
		{DeleteJobNames: vcsandbox.JobNamesParameters}, {DeleteJobNames: vcsandbox.JobNamesNone}} {
		t.Run(v.DeleteJobType+v.DeleteJobNames, func(t *testing.T) {
			e := newEnvWith(t, func(o *vcsandbox.Options) { o.Variants = v })
			c := e.created(t, newRequest(newAccount("del", "del@x.io"), resolver{}))
			req := existing(c.ID, "del@x.io") // the Secret may be gone: Delete needs only the id
			decoy := e.sb.StartJob(mustID(t, c.ID), "deleteAccount")

			done, err := e.p.Delete(ctxT(t), req)
			jobs := e.sb.Jobs()
			if err != nil || done || req.Account.Status.JobID == "" || req.Account.Status.JobID != jobs[0].ID ||
				req.Account.Status.JobID == decoy {
				t.Fatalf("first Delete: done %v, err %v, status.jobID %q; jobs %+v", done, err, req.Account.Status.JobID, jobs)
			}
			ps := e.deletePasses(t, req, 200, nil)
			if len(ps) < 2 || len(reasons(ps)) != 0 {
				t.Errorf("passes = %+v: want waits without reports, then done", ps)
			}
			if n := e.calls("DeleteAccount"); n != 1 {
				t.Errorf("DeleteAccount calls = %d, want 1", n)
			}
			if _, ok := e.sb.AccountByUsername("del@x.io"); ok || req.Account.Status.JobID != "" {
				t.Errorf("after done: account still upstream %v, status.jobID %q", ok, req.Account.Status.JobID)
			}
			// Idempotent: once gone, Delete is done at once without another delete.
			if done, err := e.p.Delete(ctxT(t), req); !done || err != nil || e.calls("DeleteAccount") != 1 {
				t.Errorf("Delete after the fact: done %v, err %v, %d calls", done, err, e.calls("DeleteAccount"))
			}
		})
	}
}

// TestDeleteJobFailureIsReportedAndPaced: a delete job that ends failed or
// cancelled is reported (reason DeleteJobFailed, naming the job) and the
// delete sent again at once; if that fails too, again only once per poll
// interval, never in a hot loop. Once a job succeeds, the delete is done.
func TestDeleteJobFailureIsReportedAndPaced(t *testing.T) {
	for _, state := range []string{vcsandbox.JobFailed, vcsandbox.JobCancelled} {
		t.Run(state, func(t *testing.T) {
			e := newEnv(t)
			clk := &clock{t: time.Unix(1_800_000_000, 0)}
			e.p.now, e.p.retryEvery = clk.now, time.Minute
			c := e.created(t, newRequest(newAccount("retry", "retry@x.io"), resolver{}))
			req := existing(c.ID, "retry@x.io")
			e.sb.EndDeleteJobs(3, state)

			// Jobs 1 and 2 fail: the second is sent at once; then 50 passes
			// within the interval send nothing.
			for range 2 {
				passUntil(t, e, req, func(p pass) bool { return p.wait != nil })
			}
			first := e.calls("DeleteAccount")
			ps := e.deletePassesN(t, req, 50)
			if first != 2 || e.calls("DeleteAccount") != 2 {
				t.Fatalf("DeleteAccount calls = %d then %d, want 2 and no more within the interval", first, e.calls("DeleteAccount"))
			}
			last := ps[len(ps)-1].wait
			if last == nil || last.Reason != v1alpha1.ReasonDeleteJobFailed || !strings.Contains(last.Message, `ended "`+state+`"`) ||
				!strings.Contains(last.Message, "at most once every 1m0s") || last.After <= 0 || last.After > time.Minute {
				t.Fatalf("report = %+v", last)
			}
			// The interval passes: one more delete (job 3 fails too), then one
			// more after the next interval, which succeeds.
			clk.advance(time.Minute)
			passUntil(t, e, req, func(p pass) bool { return p.wait != nil && e.calls("DeleteAccount") == 3 })
			e.deletePassesN(t, req, 20)
			clk.advance(time.Minute)
			e.deletePasses(t, req, 200, nil)
			if n := e.calls("DeleteAccount"); n != 4 {
				t.Errorf("DeleteAccount calls = %d, want 4", n)
			}
			if _, ok := e.sb.AccountByUsername("retry@x.io"); ok {
				t.Error("the account still exists upstream")
			}
		})
	}
}

// passUntil runs Delete passes until stop says so (bounded).
func passUntil(t *testing.T, e *env, req *adapter.Request, stop func(pass) bool) {
	t.Helper()
	for range 200 {
		done, err := e.p.Delete(ctxT(t), req)
		var we *adapter.Error
		if err != nil && !errors.As(err, &we) {
			t.Fatalf("Delete: %v", err)
		}
		if done {
			t.Fatal("the delete finished early")
		}
		if stop(pass{done, we}) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no such pass within 200")
}

// deletePassesN runs exactly n passes that must not finish the delete.
func (e *env) deletePassesN(t *testing.T, req *adapter.Request, n int) []pass {
	t.Helper()
	var out []pass
	for range n {
		done, err := e.p.Delete(ctxT(t), req)
		var we *adapter.Error
		if done || (err != nil && !errors.As(err, &we)) {
			t.Fatalf("Delete: done %v, err %v", done, err)
		}
		out = append(out, pass{done, we})
		time.Sleep(time.Millisecond)
	}
	return out
}

// TestDeleteAfterALostJobID: a crash after deleteAccount was accepted but
// before its job id was stored leaves status.jobID empty while the job runs.
// Under every answer the portal may give to a second deleteAccount, and every
// way the job may name the account, the delete finishes, with at most one
// more deleteAccount call.
func TestDeleteAfterALostJobID(t *testing.T) {
	for _, repeat := range vcsandbox.RepeatDeleteValues {
		for _, names := range vcsandbox.JobNamesValues {
			t.Run(repeat+"/"+names, func(t *testing.T) {
				e := newEnvWith(t, func(o *vcsandbox.Options) {
					o.Variants = vcsandbox.Variants{RepeatDelete: repeat, DeleteJobNames: names}
					o.JobPendingFor, o.JobRunningFor = 100*time.Millisecond, 150*time.Millisecond
				})
				c := e.created(t, newRequest(newAccount("lost", "lost@x.io"), resolver{}))
				if _, err := e.p.client.DeleteAccount(ctxT(t), mustID(t, c.ID)); err != nil {
					t.Fatal(err)
				}
				req := existing(c.ID, "lost@x.io")
				ps := e.deletePasses(t, req, 400, nil)
				if n := e.calls("DeleteAccount"); n != 2 {
					t.Errorf("DeleteAccount calls = %d, want 2 (the lost one, one more)", n)
				}
				if _, ok := e.sb.AccountByUsername("lost@x.io"); ok {
					t.Error("the account still exists upstream")
				}
				want := map[string][]string{vcsandbox.RepeatDelete400: {v1alpha1.ReasonDeleteRefused},
					vcsandbox.RepeatDelete404: {v1alpha1.ReasonDeleteUnconfirmed}}[repeat]
				if names != vcsandbox.JobNamesNone || len(want) == 0 {
					want = nil // the running job was found and followed, or a job id came back
				}
				if got := reasons(ps); !slices.Equal(got, want) {
					t.Errorf("reported %v, want %v", got, want)
				}
			})
		}
	}
}

// TestDeleteRefusedIsReportedAndPaced: the portal refuses to delete the
// provider token's own account (400): reported with a message that says so,
// sent again only once per interval.
func TestDeleteRefusedIsReportedAndPaced(t *testing.T) {
	e := newEnv(t)
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	e.p.now, e.p.retryEvery = clk.now, time.Minute
	req := existing("1", "admin") // the sandbox admin's own account
	ps := e.deletePassesN(t, req, 30)
	if n := e.calls("DeleteAccount"); n != 1 {
		t.Fatalf("DeleteAccount calls = %d, want 1 within the interval", n)
	}
	w := ps[len(ps)-1].wait
	if w == nil || w.Reason != v1alpha1.ReasonDeleteRefused || !strings.Contains(w.Message, "own account") || w.After > busyCheck {
		t.Fatalf("report = %+v", w)
	}
	clk.advance(time.Minute)
	e.deletePassesN(t, req, 30)
	if n := e.calls("DeleteAccount"); n != 2 {
		t.Fatalf("DeleteAccount calls = %d, want 2 after one interval", n)
	}
}

// TestDeleteJobNoLongerListed: a stored job id the jobs list no longer holds,
// with the account still there, is reported and the delete sent again.
func TestDeleteJobNoLongerListed(t *testing.T) {
	e := newEnv(t)
	c := e.created(t, newRequest(newAccount("gone", "gone@x.io"), resolver{}))
	req := existing(c.ID, "gone@x.io")
	req.Account.Status.JobID = "0f5b7a3e-0000-4000-8000-000000000000"
	_, err := e.p.Delete(ctxT(t), req)
	var we *adapter.Error
	if !errors.As(err, &we) || we.Reason != v1alpha1.ReasonDeleteJobFailed || !strings.Contains(we.Message, "no longer listed") ||
		!strings.Contains(we.Message, "sent deleteAccount again: job "+req.Account.Status.JobID) {
		t.Fatalf("Delete = %v", err)
	}
	e.deletePasses(t, req, 200, nil)
	if n := e.calls("DeleteAccount"); n != 1 {
		t.Errorf("DeleteAccount calls = %d, want 1", n)
	}
}

func TestDeleteMissingAccountIsDone(t *testing.T) {
	e := newEnv(t)
	if done, err := e.p.Delete(ctxT(t), existing("4242", "none@x.io")); !done || err != nil {
		t.Errorf("done %v, err %v", done, err)
	}
	if n := e.calls("DeleteAccount"); n != 0 {
		t.Errorf("DeleteAccount calls = %d, want 0", n)
	}
}

// TestDeleteDoneWhileJobsUnreadable: getAccount answering 404 finishes the
// delete even when the jobs list fails; while the account exists, the jobs
// failure is returned (transient).
func TestDeleteDoneWhileJobsUnreadable(t *testing.T) {
	e := newEnvWith(t, func(o *vcsandbox.Options) {
		o.JobPendingFor, o.JobRunningFor = 150*time.Millisecond, 150*time.Millisecond
	})
	c := e.created(t, newRequest(newAccount("dark", "dark@x.io"), resolver{}))
	req := existing(c.ID, "dark@x.io")
	if done, err := e.p.Delete(ctxT(t), req); done || err != nil {
		t.Fatalf("first Delete: %v, %v", done, err)
	}
	e.sb.Faults().FailNext("ListJobs", 100, http.StatusBadRequest, 0)
	if _, err := e.p.Delete(ctxT(t), req); err == nil || adapter.Classify(err) == adapter.ClassNone {
		t.Fatalf("Delete with the jobs list failing and the account there: %v", err)
	}
	waitGone(t, e, "dark@x.io")
	if done, err := e.p.Delete(ctxT(t), req); !done || err != nil {
		t.Fatalf("Delete once the account is gone: %v, %v", done, err)
	}
}

// TestDeleteEndsWithTheCompletedJob: a portal that keeps a deleted account
// readable (getAccount 200 after its delete job completed) never answers 404;
// the completed job deleteAccount started is then the proof, and the delete
// is done with exactly one deleteAccount, not one job after another.
func TestDeleteEndsWithTheCompletedJob(t *testing.T) {
	for _, v := range []string{vcsandbox.DeletedAccountsGone, vcsandbox.DeletedAccountsReadable} {
		t.Run(v, func(t *testing.T) {
			e := newEnvWith(t, func(o *vcsandbox.Options) { o.Variants.DeletedAccounts = v })
			c := e.created(t, newRequest(newAccount("soft", "soft@x.io"), resolver{}))
			req := existing(c.ID, "soft@x.io")
			ps := e.deletePasses(t, req, 200, nil)
			if len(reasons(ps)) != 0 {
				t.Errorf("passes = %+v: want waits without reports, then done", ps)
			}
			if n := e.calls("DeleteAccount"); n != 1 {
				t.Errorf("DeleteAccount calls = %d, want 1", n)
			}
			_, kept := e.sb.AccountByUsername("soft@x.io")
			if kept != (v == vcsandbox.DeletedAccountsReadable) || req.Account.Status.JobID != "" {
				t.Errorf("account still readable upstream: %v; status.jobID %q", kept, req.Account.Status.JobID)
			}
		})
	}
}
