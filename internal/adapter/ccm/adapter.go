package ccm

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Adapter is the CCM upstream for one provider object.
type Adapter struct {
	api *ccmapi.Client
	key httpapi.Secret // MAC key for status.ccm.appliedHash: the credential password
}

var _ adapter.Upstream = (*Adapter)(nil)

// Format prints the adapter without its key, whatever the verb: fmt prints
// unexported fields raw, bypassing the key's own redaction.
func (p *Adapter) Format(f fmt.State, _ rune) { _, _ = fmt.Fprintf(f, "ccm.adapter{api: %v}", p.api) }

// Verify logs in (if no session is cached) and lists one account.
func (p *Adapter) Verify(ctx context.Context) error { return p.api.Verify(ctx) }

// Find looks the account up by name, which CCM keeps unique per instance.
func (p *Adapter) Find(ctx context.Context, req *adapter.Request) (string, error) {
	a, err := p.api.FindAccountByName(ctx, req.DisplayName())
	if err != nil || a == nil {
		return "", err
	}
	return a.AcctID, nil
}

// Create posts the AccountRequest. azure_cvm_pcr_priority is not part of it:
// the first Observe reports it as drift and Update patches it.
func (p *Adapter) Create(ctx context.Context, req *adapter.Request) (adapter.Creation, error) {
	d, err := p.resolve(ctx, req)
	if err != nil {
		return adapter.Creation{}, err
	}
	a, err := p.api.CreateAccount(ctx, ccmapi.AccountRequest{Name: d.name, CustomLogo: d.logo,
		AuthConfigs: d.configs, NodeEnrollment: d.node, Component: d.component})
	if err != nil {
		return adapter.Creation{}, p.createError(ctx, d.name, err)
	}
	if a.AcctID == "" { // not terminal: the account may exist, and Find adopts it
		return adapter.Creation{}, &httpapi.Error{Upstream: ccmapi.Upstream, Operation: "CreateAccount",
			StatusCode: http.StatusOK, Err: fmt.Errorf("response has no acct_id")}
	}
	var ids []string
	if d.configs != nil {
		ids = make([]string, len(d.configs))
		all := make([]int, len(d.configs))
		for i := range all {
			all[i] = i
		}
		bindNew(d.configs, ids, all, a.AuthConfigs)
	}
	return adapter.Creation{ID: a.AcctID, State: string(a.AccountStatus), Details: details(a),
		Status: record(a, &applied{ids: ids, hash: d.marks.String()})}, nil
}

// createError turns CCM's duplicate-name answer (a 400, or 409 on other
// versions, shared with schema errors) into AlreadyExists, after checking
// that the name is indeed taken.
func (p *Adapter) createError(ctx context.Context, name string, err error) error {
	if !httpapi.IsStatus(err, http.StatusBadRequest, http.StatusConflict) {
		return err
	}
	if other, ferr := p.api.FindAccountByName(ctx, name); ferr != nil || other == nil {
		return err
	}
	return adapter.Terminalf(v1alpha1.ReasonAlreadyExists,
		"spec.displayName: an upstream account named %q already exists; set spec.externalID to adopt it", name)
}

// Observe reads the account and compares it with the spec: from the listed
// entry when the pass has one, and again with a GET when the entry shows
// drift or an account that is not usable, so that nothing is written, and no
// readiness changes, on a list's word alone.
func (p *Adapter) Observe(ctx context.Context, req *adapter.Request) (adapter.Observation, error) {
	id := req.Account.Status.AccountID
	if id == "" {
		return adapter.Observation{Exists: false}, nil
	}
	if a := listedAccount(req, id); a != nil {
		d, err := p.resolve(ctx, req)
		if err != nil {
			return adapter.Observation{}, err
		}
		if obs := observe(d, a, req); obs.UpToDate && obs.Readiness == adapter.Ready {
			return obs, nil
		}
	}
	a, err := p.api.GetAccount(ctx, id, false)
	if err != nil {
		gone, err := p.gone(ctx, id, err)
		if gone {
			return adapter.Observation{Exists: false}, nil
		}
		return adapter.Observation{}, err
	}
	d, err := p.resolve(ctx, req)
	if err != nil {
		return adapter.Observation{}, err
	}
	return observe(d, a, req), nil
}

// observe compares one read of the account with the spec.
func observe(d *desired, a *ccmapi.Account, req *adapter.Request) adapter.Observation {
	pl := diff(d, a, req.Account.Status.CCM)
	var ap *applied
	if pl.settled() { // upstream matches: the ids and marks seen are the applied ones
		ap = &applied{ids: pl.configs.ids, hash: d.marks.withEcho(d, a).String()}
	}
	obs := adapter.Observation{Exists: true, State: string(a.AccountStatus), Drift: pl.drift(),
		Details: details(a), Status: record(a, ap)}
	obs.UpToDate = len(obs.Drift) == 0
	obs.Readiness, obs.Message = usable(a)
	return obs
}

// Update re-reads the account, so the PATCH is computed against what is
// upstream now, and sends one PATCH with exactly the differing fields.
func (p *Adapter) Update(ctx context.Context, req *adapter.Request, obs adapter.Observation) (adapter.Update, error) {
	id := req.Account.Status.AccountID
	a, err := p.api.GetAccount(ctx, id, false)
	if err != nil {
		return adapter.Update{}, p.notFound(ctx, id, err)
	}
	d, err := p.resolve(ctx, req)
	if err != nil {
		return adapter.Update{}, err
	}
	full := diff(d, a, req.Account.Status.CCM)
	pl := full.only(obs.Drift)
	ids := slices.Clone(pl.configs.ids)
	m := d.marks.withEcho(d, a)
	if len(pl.drift()) > 0 {
		after, err := p.api.UpdateAccount(ctx, id, pl.request(d))
		if err != nil {
			return adapter.Update{}, p.updateError(ctx, id, pl, p.notFound(ctx, id, err))
		}
		rebind(d.configs, ids, pl.configs.add, a.AuthConfigs, after.AuthConfigs)
		m = appliedLogo(d, pl, req.Account.Status.CCM, a, after)
		a = after
	}
	ids, m = held(full, pl, req.Account.Status.CCM, ids, m)
	return adapter.Update{Details: details(a), Status: record(a, &applied{ids: ids, hash: m.String()})}, nil
}

// held keeps, for the parts of the plan left unwritten (the controller wants
// them written no more), the ids and marks recorded before: recording the
// desired ones would make the difference vanish from the next diff although
// the upstream still differs.
func held(full, written plan, st *v1alpha1.CCMAccountStatus, ids []string, m marks) ([]string, marks) {
	prev, prevIDs := marks{}, []string(nil)
	if st != nil {
		prev, prevIDs = parseMarks(st.AppliedHash), st.AuthConfigIDs
	}
	if full.logo != nil && written.logo == nil {
		m.logo, m.logoEcho = prev.logo, prev.logoEcho
	}
	if full.configs.changed() && !written.configs.changed() {
		ids, m.configs = slices.Clone(prevIDs), prev.configs
	}
	return ids, m
}

// gone reports whether err, from a call about account id, means the account
// no longer exists; otherwise it returns the error to report. CCM answers an
// unknown id with 404 or, on instances that check membership first
// (undocumented), with 403, which is also its answer to a missing role. A
// 403 therefore counts as gone only when the account is not in the user's
// account listing; a listed account keeps its 403. An account the user was
// removed from is not listed either: it is gone from the operator's view.
func (p *Adapter) gone(ctx context.Context, id string, err error) (bool, error) {
	switch {
	case httpapi.IsNotFound(err):
		return true, nil
	case !httpapi.IsStatus(err, http.StatusForbidden):
		return false, err
	}
	listed, ferr := p.api.FindAccountByID(ctx, id)
	switch {
	case ferr != nil:
		return false, ferr // cannot tell: retry or report the listing's failure
	case listed != nil:
		return false, err
	}
	return true, nil
}

// notFound is err, or a not-found failure when it means the account is gone.
func (p *Adapter) notFound(ctx context.Context, id string, err error) error {
	if gone, err := p.gone(ctx, id, err); !gone {
		return err
	}
	return adapter.NotFound("upstream account %s no longer exists", id)
}

// updateError reports a rename onto a name another account holds as
// AlreadyExists; CCM answers it with the same 400 as a schema error.
func (p *Adapter) updateError(ctx context.Context, id string, pl plan, err error) error {
	if pl.name == "" || !httpapi.IsStatus(err, http.StatusBadRequest, http.StatusConflict) {
		return err
	}
	if other, ferr := p.api.FindAccountByName(ctx, pl.name); ferr != nil || other == nil || other.AcctID == id {
		return err
	}
	return adapter.Terminalf(v1alpha1.ReasonAlreadyExists,
		"spec.displayName: another upstream account is already named %q", pl.name)
}

// Delete deletes the account; CCM deletes synchronously, and a missing
// account is already deleted, whether CCM says 404 or 403 (see gone).
func (p *Adapter) Delete(ctx context.Context, req *adapter.Request) (bool, error) {
	id := req.Account.Status.AccountID
	if id == "" {
		return true, nil
	}
	if err := p.api.DeleteAccount(ctx, id); err != nil {
		if gone, err := p.gone(ctx, id, err); !gone {
			return false, err
		}
	}
	return true, nil
}
