package main

import (
	"context"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/client-go/tools/leaderelection"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// leaseName is the manager's leader election lease (--leader-election-id's
// default); the ha scenario puts it in its own namespace.
const leaseName = "account-operator.accounts.operator.dev"

// leaseView is what the harness reads of the lease: controller-runtime's
// holder identity (hostname_uuid, new at every process start) and when that
// holder acquired it, by the holder's clock (the same machine's here).
type leaseView struct {
	Holder      string
	AcquireTime time.Time
	Transitions int
}

// readLease reads the lease; a zero view while none exists yet.
func (h *harness) readLease(ctx context.Context, ns string) (leaseView, error) {
	var l coordinationv1.Lease
	if err := h.kube.Get(ctx, client.ObjectKey{Namespace: ns, Name: leaseName}, &l); err != nil {
		return leaseView{}, client.IgnoreNotFound(err)
	}
	var v leaseView
	if l.Spec.HolderIdentity != nil {
		v.Holder = *l.Spec.HolderIdentity
	}
	if l.Spec.AcquireTime != nil {
		v.AcquireTime = l.Spec.AcquireTime.Time
	}
	if l.Spec.LeaseTransitions != nil {
		v.Transitions = int(*l.Spec.LeaseTransitions)
	}
	return v, nil
}

// takeover says whether the lease has passed from the killed leader to
// another holder, and how long after the kill that holder acquired it. A
// negative duration means the new holder acquired the lease before the kill:
// two leaders at once.
func takeover(killed string, killedAt time.Time, now leaseView) (time.Duration, bool) {
	if now.Holder == "" || now.Holder == killed || now.AcquireTime.IsZero() {
		return 0, false
	}
	return now.AcquireTime.Sub(killedAt), true
}

// takeoverBound is the longest a standby may take to acquire the lease of a
// leader that died without releasing it. The leader renewed at most at the
// kill; the standby sees that renewal at its next try, counts leaseDuration
// from then, and takes the lease at its first try after that.
func takeoverBound(leaseDuration, retryPeriod time.Duration) time.Duration {
	return leaseDuration + 2*standbyTry(retryPeriod)
}

// standbyTry is the longest between two of a standby's tries: it waits
// retryPeriod plus up to JitterFactor times more from the end of a try, and
// a try (one Lease read) is allowed a second on a loaded machine. A lease
// released by a stopping leader is taken at the next try.
func standbyTry(retryPeriod time.Duration) time.Duration {
	return time.Duration((1+leaderelection.JitterFactor)*float64(retryPeriod)) + time.Second
}
