package main

import (
	"flag"
	"fmt"
	"net/http"
	"time"

	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

// scpFlags are the SCP simulator's switches for behaviour the API reference
// does not pin down (see internal/sandbox/scp/variants.go); their defaults
// are the simulator's defaults.
type scpFlags struct {
	visibilityDelay   time.Duration
	assignmentDelay   time.Duration
	closedAccounts    string
	provisioningState string
	duplicateStatus   int
	throttleEvery     int
	throttleRetry     int
}

func (f *scpFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&f.visibilityDelay, "scp-visibility-delay", 0,
		"how long organization reads answer 404 for a new SCP account")
	fs.DurationVar(&f.assignmentDelay, "scp-assignment-delay", 0,
		"how long Cloud Control lists no baseline assignment for a new SCP account")
	fs.StringVar(&f.closedAccounts, "scp-closed-accounts", string(scpsandbox.ClosureGone),
		"what an accepted SCP close ends in after -scp-closure-delay: gone (404) or suspended (listed as SUSPENDED for good)")
	fs.StringVar(&f.provisioningState, "scp-provisioning-state", "",
		"organization state of an SCP account while it registers: empty (ACTIVE), PENDING or RUNNING (then a failed registration shows CREATE_FAILED)")
	fs.IntVar(&f.duplicateStatus, "scp-duplicate-status", http.StatusConflict,
		"status of an SCP create whose name or email is taken: 409 or 400")
	fs.IntVar(&f.throttleEvery, "scp-throttle-every", 0,
		"answer every n-th SCP call 429 (0: never)")
	fs.IntVar(&f.throttleRetry, "scp-throttle-retry-after", 0,
		"Retry-After seconds sent with those 429s (0: no Retry-After header)")
}

func (f scpFlags) check() error {
	switch {
	case f.visibilityDelay < 0 || f.assignmentDelay < 0:
		return fmt.Errorf("-scp-visibility-delay and -scp-assignment-delay must not be negative")
	case !scpsandbox.ClosureEnd(f.closedAccounts).Valid():
		return fmt.Errorf("-scp-closed-accounts must be gone or suspended, not %q", f.closedAccounts)
	case f.provisioningState != "" && f.provisioningState != scpsandbox.StatePending && f.provisioningState != scpsandbox.StateRunning:
		return fmt.Errorf("-scp-provisioning-state must be empty, PENDING or RUNNING, not %q", f.provisioningState)
	case f.duplicateStatus != http.StatusConflict && f.duplicateStatus != http.StatusBadRequest:
		return fmt.Errorf("-scp-duplicate-status must be 409 or 400, not %d", f.duplicateStatus)
	case f.throttleEvery < 0 || f.throttleRetry < 0:
		return fmt.Errorf("-scp-throttle-every and -scp-throttle-retry-after must not be negative")
	}
	return nil
}

// with sets the switches on o.
func (f scpFlags) with(o scpsandbox.Options) scpsandbox.Options {
	o.VisibilityDelay, o.AssignmentDelay = f.visibilityDelay, f.assignmentDelay
	o.ClosedAccounts, o.ProvisioningState = scpsandbox.ClosureEnd(f.closedAccounts), f.provisioningState
	o.DuplicateStatus = f.duplicateStatus
	o.Throttle = scpsandbox.Throttle{Every: f.throttleEvery, RetryAfter: f.throttleRetry}
	return o
}
