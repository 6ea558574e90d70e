package scp

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

// Delete closes the account at most once and then polls. It reads before it
// writes, so a pass after a crash between the 204 and the status write finds
// the close under way instead of closing again:
//   - PENDING_CLOSURE: closing, not done, no DELETE;
//   - SUSPENDED: done, no DELETE. What an accepted close ends in is
//     undocumented: the account disappears, or stays listed as SUSPENDED for
//     good (as in AWS Organizations). An account found SUSPENDED that this
//     operator did not close is not sent DELETE either: SCP has nothing to
//     close, and a DELETE would break the rule above after a crash;
//   - 404: done, unless the account was created moments ago and the
//     organization does not list it yet (see notVisibleYet);
//   - any other state (ACTIVE, PENDING, RUNNING, CREATE_FAILED, unknown):
//     one DELETE, then a read: 404 or SUSPENDED is done.
func (p *Adapter) Delete(ctx context.Context, req *adapter.Request) (bool, error) {
	id := req.Account.Status.AccountID
	if id == "" {
		return true, nil
	}
	done, settled, err := p.closeState(ctx, req)
	if settled || err != nil {
		return done, err
	}
	if err := p.client.DeleteAccount(ctx, id); err != nil {
		// The state may have moved on between the read and the DELETE (closed
		// by someone else): a refusal for that reason is no error.
		if done, settled, rerr := p.closeState(ctx, req); rerr == nil && settled {
			return done, nil
		}
		return false, fmt.Errorf("delete SCP account %s: %w", id, err)
	}
	// Closing may be instant; any error here just means "poll again".
	done, _, _ = p.closeState(ctx, req)
	return done, nil
}

// closeState reads the account: settled is true when no DELETE may be sent
// (gone, closing or closed), and done tells whether the delete is over.
func (p *Adapter) closeState(ctx context.Context, req *adapter.Request) (done, settled bool, err error) {
	id := req.Account.Status.AccountID
	a, err := p.client.GetAccount(ctx, id)
	switch {
	case httpapi.IsNotFound(err):
		creating, err := p.notVisibleYet(ctx, req)
		return !creating && err == nil, true, err
	case err != nil:
		return false, false, fmt.Errorf("read SCP account %s: %w", id, err)
	}
	p.sawListed(req)
	if closedState(a.State) {
		return a.State == scpapi.StateSuspended, true, nil
	}
	return false, false, nil
}

// notVisibleYet tells an organization 404 right after the create from an
// account that is gone. The reference says nothing about how soon the
// organization lists a new account, so for an account this operator created
// and has not seen listed yet, a 404 within the provisioning grace period is
// "not yet"; after it, only a baseline assignment still REGISTERING is.
func (p *Adapter) notVisibleYet(ctx context.Context, req *adapter.Request) (bool, error) {
	if p.provisioning(req) {
		return true, nil
	}
	id := req.Account.Status.AccountID
	b, err := p.client.GetBaselineAssignment(ctx, id)
	switch {
	case errors.Is(err, scpapi.ErrNoAssignment):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read SCP registration of account %s: %w", id, err)
	}
	return b.Status == scpapi.StatusRegistering, nil
}

// provisioning reports whether the account is one this operator created,
// not yet seen fully (listed in the organization with a baseline
// assignment), within the provisioning grace period of the create. The mark
// is in the status written with the account id, so it survives a restart.
func (p *Adapter) provisioning(req *adapter.Request) bool {
	since := provisioningSince(req)
	return since != nil && p.withinGrace(since.Time) && !p.seen.has(req.Account.Status.AccountID)
}

// sawListed records that the organization listed an account still marked
// provisioning.
func (p *Adapter) sawListed(req *adapter.Request) {
	if provisioningSince(req) != nil {
		p.seen.add(req.Account.Status.AccountID, p.now(), p.grace)
	}
}

// markOf is the provisioning mark's time, or the zero time.
func markOf(req *adapter.Request) time.Time {
	if since := provisioningSince(req); since != nil {
		return since.Time
	}
	return time.Time{}
}

func provisioningSince(req *adapter.Request) *metav1.Time {
	if s := req.Account.Status.SCP; s != nil {
		return s.ProvisioningSince
	}
	return nil
}
