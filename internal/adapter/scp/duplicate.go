package scp

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

// listedRetry is how soon a create refused as a duplicate of an account the
// organization does not list yet is looked at again.
const listedRetry = 10 * time.Second

// refused sorts a 409 or 400 answer to a create. The reference documents 409
// Conflict without saying what it covers, and a duplicate may as well come
// back as 400; neither body is documented, so the organization is asked:
//   - an account with the name or the email is listed: AlreadyExists, naming
//     the field (a closing or closed one too: its name stays taken);
//   - nothing listed, 400: a plain rejection of the request;
//   - nothing listed, 409, within the provisioning grace period of this
//     create's marker: the conflict may be the account an earlier attempt
//     made that the organization does not list yet (a crash right after the
//     201): wait, and adopt it once listed (Find);
//   - nothing listed, 409, later: AlreadyExists.
func (p *Adapter) refused(ctx context.Context, req *adapter.Request, name string, err error) error {
	field, holder, lerr := p.taken(ctx, name, req.Account.Spec.SCP.Email)
	switch {
	case lerr != nil:
		//nolint:errorlint // only the lookup failure is wrapped: it, not the refusal, decides the retry
		return fmt.Errorf("look up SCP accounts named %q after the create was refused (%v): %w", name, err, lerr)
	case field != "":
		return adapter.Terminal(v1alpha1.ReasonAlreadyExists, takenMessage(field, name, req, holder), err)
	case !httpapi.IsStatus(err, http.StatusConflict):
		return fmt.Errorf("create SCP account %q: %w", name, err)
	case p.withinGrace(markerTime(req)):
		return adapter.Pending(v1alpha1.ReasonProvisioning, fmt.Sprintf("SCP answers that the name %q or "+
			"the email is in use but lists no such account yet; an earlier attempt may have created it, "+
			"and it is adopted once listed", name), listedRetry)
	}
	return adapter.Terminal(v1alpha1.ReasonAlreadyExists, fmt.Sprintf("spec.displayName or spec.scp.email: "+
		"SCP reports the name %q or the email as in use by an account it does not list; "+
		"choose another or set spec.externalID", name), err)
}

// taken reports which field a listed account already uses: the display name
// first, then the email.
func (p *Adapter) taken(ctx context.Context, name, email string) (field string, holder scpapi.Account, err error) {
	named, err := p.client.AccountsNamed(ctx, name)
	if err != nil || len(named) > 0 {
		return "spec.displayName", first(named), err
	}
	if email == "" {
		return "", scpapi.Account{}, nil
	}
	mailed, err := p.client.AccountsWithEmail(ctx, email)
	if err != nil || len(mailed) > 0 {
		return "spec.scp.email", first(mailed), err
	}
	return "", scpapi.Account{}, nil
}

func first(list []scpapi.Account) scpapi.Account {
	if len(list) == 0 {
		return scpapi.Account{}
	}
	return list[0]
}

func takenMessage(field, name string, req *adapter.Request, holder scpapi.Account) string {
	what := fmt.Sprintf("an upstream account named %q already exists in the organization", name)
	if field == "spec.scp.email" {
		what = fmt.Sprintf("upstream account %s already uses the email %q", holder.ID, req.Account.Spec.SCP.Email)
	}
	if closedState(holder.State) {
		return fmt.Sprintf("%s: %s and is closed (%s), which keeps it taken; choose another", field, what, holder.State)
	}
	return fmt.Sprintf("%s: %s; set spec.externalID to adopt it", field, what)
}

// markerTime is when the current create was first attempted (the
// write-ahead marker), or the zero time.
func markerTime(req *adapter.Request) time.Time {
	since, _ := req.Account.CreatePending()
	return since
}

// withinGrace reports whether since is set and the provisioning grace period
// since then has not passed.
func (p *Adapter) withinGrace(since time.Time) bool {
	return !since.IsZero() && p.now().Sub(since) < p.grace
}
