package controllers

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Observe by list: a steady-state poll reads the Account's entry from its
// provider's snapshot of the upstream's listing (internal/snapshot) instead of
// reading the account. Every other pass reads the account: a new Account, a
// spec change, a requested reconcile, one not Ready or not Synced, and one
// whose entry the listing lacks (just created, a listing cut short or
// eventually consistent: a missing entry never says the account is gone, the
// read does). An Observe that sees drift or a change of readiness in the
// entry confirms it with a read before anything is written.

// listed gives the pass the Account's listed entry when it may use one.
func (r *AccountReconciler) listed(ctx context.Context, p *pass) {
	poll := pollInterval(p.b.object.ProviderSpec(), r.DefaultPollInterval)
	if !steadyPoll(p, poll) {
		return
	}
	e, ok := p.b.snapshot.Lookup(ctx, p.a.Status.AccountID, poll)
	r.Metrics.observeLookup(p.b.kind.Name(), ok)
	if ok {
		p.req.Listed = e
	}
}

// steadyPoll: the pass is a steady-state poll of an Account that was Ready
// and Synced for its current generation, with no reconcile requested, whose
// poll interval is not shorter than the listing's life.
func steadyPoll(p *pass, providerPoll time.Duration) bool {
	a := p.a
	if p.b.snapshot == nil || p.before == nil || p.before.AccountID == "" || a.Status.AccountID != p.before.AccountID {
		return false
	}
	if v, ok := a.Annotations[v1alpha1.AnnotationReconcileRequestedAt]; ok && v != a.Status.LastHandledReconcileAt {
		return false
	}
	if o := parsePollOverride(a); o.interval > 0 && o.interval < providerPoll {
		return false
	}
	for _, t := range []string{v1alpha1.ConditionReady, v1alpha1.ConditionSynced} {
		c := meta.FindStatusCondition(p.before.Conditions, t)
		if c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != a.Generation {
			return false
		}
	}
	return true
}

// steadyRequeue is when a steady Account looks again: just after its
// provider's snapshot is next refreshed (the refresh and the Accounts' reads
// of it spread over a few percent of the poll interval), so a change upstream
// reaches it within a poll interval, as with a read of its own; else its poll
// interval, jittered.
func (r *AccountReconciler) steadyRequeue(p *pass) time.Duration {
	if p.b.snapshot != nil && !parsePollOverride(p.a).set {
		if d, ok := p.b.snapshot.NextRefresh(pollInterval(p.b.object.ProviderSpec(), r.DefaultPollInterval)); ok {
			return d
		}
	}
	return jitter(r.accountPoll(p))
}
