package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/tools/leaderelection"
)

// DefaultLeaderElectionID is the lease's name unless --leader-election-id
// says otherwise; the chart names it after the release instead, so that two
// releases in one namespace do not share it.
const DefaultLeaderElectionID = "account-operator.accounts.operator.dev"

// The lease timings' defaults are controller-runtime's own.
const (
	defaultLeaseDuration = 15 * time.Second
	defaultRenewDeadline = 10 * time.Second
	defaultRetryPeriod   = 2 * time.Second
)

// leaderElectionFlags name the lease and time it. A standby takes over a
// leader that died without releasing the lease once the lease has not been
// renewed for leaseDuration, seen at one of its tries every retryPeriod
// (jittered); docs/reliability.md has the measured takeover.
type leaderElectionFlags struct {
	id            string
	leaseDuration time.Duration
	renewDeadline time.Duration
	retryPeriod   time.Duration
}

func (f *leaderElectionFlags) bindFlags(fs *flag.FlagSet) {
	fs.StringVar(&f.id, "leader-election-id", DefaultLeaderElectionID,
		"Name of the leader election lease. Releases that share a namespace need different names, or only one of them reconciles.")
	fs.DurationVar(&f.leaseDuration, "leader-election-lease-duration", defaultLeaseDuration,
		"How long a standby waits after the leader's last renewal before it takes the lease over.")
	fs.DurationVar(&f.renewDeadline, "leader-election-renew-deadline", defaultRenewDeadline,
		"How long the leader tries to renew the lease before it gives up leading and exits; below the lease duration.")
	fs.DurationVar(&f.retryPeriod, "leader-election-retry-period", defaultRetryPeriod,
		"Time between two tries to take or renew the lease; the renew deadline must exceed 1.2 times it.")
}

// validate refuses what client-go's leader elector would refuse at start,
// naming the flag, and a lease name the API server would not accept.
func (f leaderElectionFlags) validate() error {
	var errs []error
	for _, msg := range validation.IsDNS1123Subdomain(f.id) {
		errs = append(errs, fmt.Errorf("--leader-election-id %q: %s", f.id, msg))
	}
	switch {
	case f.leaseDuration <= 0 || f.renewDeadline <= 0 || f.retryPeriod <= 0:
		errs = append(errs, errors.New("--leader-election-lease-duration, --leader-election-renew-deadline and "+
			"--leader-election-retry-period must be positive"))
	case f.leaseDuration <= f.renewDeadline:
		errs = append(errs, fmt.Errorf("--leader-election-lease-duration (%s) must be greater than "+
			"--leader-election-renew-deadline (%s)", f.leaseDuration, f.renewDeadline))
	case float64(f.renewDeadline) <= leaderelection.JitterFactor*float64(f.retryPeriod):
		errs = append(errs, fmt.Errorf("--leader-election-renew-deadline (%s) must be greater than %.1f times "+
			"--leader-election-retry-period (%s)", f.renewDeadline, leaderelection.JitterFactor, f.retryPeriod))
	}
	return errors.Join(errs...)
}
