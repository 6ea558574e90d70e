package vectorcharts

import (
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/provider"
)

// deleteUntilDone calls Delete the way the controller requeues it, with a
// bounded number of polls, and returns how many calls said "not yet".
func (e *env) deleteUntilDone(t *testing.T, req *provider.Request) int {
	t.Helper()
	pending := 0
	for range 200 {
		done, err := e.p.Delete(ctxT(t), req)
		if err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if done {
			return pending
		}
		pending++
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the delete did not finish within 200 polls")
	return pending
}

func TestDeleteWaitsForTheJob(t *testing.T) {
	e := newEnv(t)
	c := e.created(t, newRequest(newAccount("del", "del@x.io"), resolver{}))
	req := existing(c.ID, "del@x.io") // the Secret may be gone: Delete needs only the id

	done, err := e.p.Delete(ctxT(t), req)
	if err != nil || done {
		t.Fatalf("first Delete: done %v, err %v; want false, nil", done, err)
	}
	if n := e.deleteUntilDone(t, req); n == 0 {
		t.Error("the delete job should have been seen running at least once")
	}
	if n := e.calls("DeleteAccount"); n != 1 {
		t.Errorf("DeleteAccount calls = %d, want 1", n)
	}
	if _, ok := e.sb.AccountByUsername("del@x.io"); ok {
		t.Error("the account still exists upstream")
	}
	// Idempotent: once gone, Delete is done at once without another delete.
	if done, err := e.p.Delete(ctxT(t), req); !done || err != nil {
		t.Errorf("Delete after the fact: done %v, err %v", done, err)
	}
	if n := e.calls("DeleteAccount"); n != 1 {
		t.Errorf("DeleteAccount calls = %d, want still 1", n)
	}
}

func TestDeleteRetriesAFailedJob(t *testing.T) {
	e := newEnv(t)
	c := e.created(t, newRequest(newAccount("retry", "retry@x.io"), resolver{}))
	req := existing(c.ID, "retry@x.io")
	e.sb.FailNextDeleteJob()

	e.deleteUntilDone(t, req)
	// Jobs run on the wall clock: the second job may end between Delete's
	// account read and its jobs read, and the delete sent then finds the
	// account gone (404, done). Only deletes that started a job count.
	codes := e.sb.Faults().Codes()["DeleteAccount"]
	if n := e.calls("DeleteAccount") - codes[404]; n != 2 {
		t.Errorf("DeleteAccount calls that started a job = %d (codes %v), want 2 (the failed job, then a new one)", n, codes)
	}
	if _, ok := e.sb.AccountByUsername("retry@x.io"); ok {
		t.Error("the account still exists upstream")
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
