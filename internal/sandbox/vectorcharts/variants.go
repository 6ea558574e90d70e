package vectorcharts

import (
	"fmt"
	"slices"
)

// Variants are the behaviours the vendor does not document, one switch each,
// so the operator can be tested under every plausible one.
type Variants struct {
	// DeleteJobType is the jobType of the job deleteAccount starts. The
	// vendor does not publish it; the default, "ACCOUNT_CLEANUP", deliberately
	// says nothing about deletion, so nothing may depend on the word.
	DeleteJobType string `json:"deleteJobType,omitempty"`
	// RepeatDelete is what deleteAccount answers for an account whose delete
	// job is still pending or running (a crash after an accepted delete makes
	// the operator send it again). One of RepeatDelete*.
	RepeatDelete string `json:"repeatDelete,omitempty"`
	// DeleteJobNames is how a delete job names the account it deletes; the
	// meaning of a job's accountId and parameters is undocumented. One of
	// JobNames*.
	DeleteJobNames string `json:"deleteJobNames,omitempty"`
	// DeletedAccounts is what getAccount answers once the account's delete
	// job completed: the reference assumes 404, which the vendor does not
	// state. One of DeletedAccounts*.
	DeletedAccounts string `json:"deletedAccounts,omitempty"`
}

// DeletedAccounts values.
const (
	DeletedAccountsGone     = "gone"     // getAccount 404 once the job completed (default)
	DeletedAccountsReadable = "readable" // the completed job leaves the account readable (200)
)

// RepeatDelete values. The vendor documents 400 only for a malformed request
// or the caller's own account, and 404 only for an account already gone; an
// account whose delete job runs still exists (getAccount answers 200), so the
// documented answer is 200, and nothing says the portal reuses the job.
const (
	RepeatDeleteNewJob  = "new"  // 200 and a second job (default)
	RepeatDeleteSameJob = "same" // 200 and the running job's id
	RepeatDelete400     = "400"  // refused as a bad request
	RepeatDelete404     = "404"  // answered as if the account were gone
)

// DeleteJobNames values.
const (
	JobNamesAccountID  = "accountId"  // accountId is the account deleted, parameters {"accountId": id} (default)
	JobNamesParameters = "parameters" // accountId is the caller's account, parameters {"id": id}
	JobNamesNone       = "none"       // accountId is the caller's account, parameters {}
)

// RepeatDeleteValues and JobNamesValues list the accepted values, default first.
var (
	RepeatDeleteValues = []string{RepeatDeleteNewJob, RepeatDeleteSameJob, RepeatDelete400, RepeatDelete404}
	JobNamesValues     = []string{JobNamesAccountID, JobNamesParameters, JobNamesNone}
	DeletedValues      = []string{DeletedAccountsGone, DeletedAccountsReadable}
)

func (v *Variants) defaults() {
	if v.DeleteJobType == "" {
		v.DeleteJobType = "ACCOUNT_CLEANUP"
	}
	if v.RepeatDelete == "" {
		v.RepeatDelete = RepeatDeleteNewJob
	}
	if v.DeleteJobNames == "" {
		v.DeleteJobNames = JobNamesAccountID
	}
	if v.DeletedAccounts == "" {
		v.DeletedAccounts = DeletedAccountsGone
	}
}

// Check reports a value no switch accepts.
func (v Variants) Check() error {
	if v.RepeatDelete != "" && !slices.Contains(RepeatDeleteValues, v.RepeatDelete) {
		return fmt.Errorf("RepeatDelete %q: want one of %v", v.RepeatDelete, RepeatDeleteValues)
	}
	if v.DeleteJobNames != "" && !slices.Contains(JobNamesValues, v.DeleteJobNames) {
		return fmt.Errorf("DeleteJobNames %q: want one of %v", v.DeleteJobNames, JobNamesValues)
	}
	if v.DeletedAccounts != "" && !slices.Contains(DeletedValues, v.DeletedAccounts) {
		return fmt.Errorf("DeletedAccounts %q: want one of %v", v.DeletedAccounts, DeletedValues)
	}
	return nil
}

// Variants returns the switches in force.
func (s *Server) Variants() Variants {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.Variants
}

// SetVariants switches the undocumented behaviours of a running server, for
// tests that share one server; zero fields get their defaults.
func (s *Server) SetVariants(v Variants) error {
	if err := v.Check(); err != nil {
		return err
	}
	v.defaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Variants = v
	return nil
}
