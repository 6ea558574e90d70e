package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// lifecycle creates or adopts the upstream account, then observes it and
// corrects drift.
func (r *AccountReconciler) lifecycle(ctx context.Context, p *pass) (*outcome, error) {
	if err := r.load(ctx, p); err != nil {
		return nil, err
	}
	if p.a.Status.AccountID == "" {
		if err := r.ensureCreated(ctx, p); err != nil || p.stale {
			return nil, err
		}
	}
	if err := observesAccountID(p.a); err != nil {
		return nil, err
	}
	return r.sync(ctx, p)
}

// load reads the connection Secret and builds the provider's request.
func (r *AccountReconciler) load(ctx context.Context, p *pass) error {
	conn, err := loadConnection(ctx, r.Client, r.APIReader, p.a, p.b.kind.Name())
	if err != nil {
		return err
	}
	conn.writes = r.ownWrites
	p.conn = conn
	p.req = &adapter.Request{Account: p.a, Connection: conn.data,
		Resolve: resolver{reader: r.APIReader, namespace: p.a.Namespace}}
	return nil
}

// claim writes the finalizer and the create-pending marker (none when
// spec.externalID names the account) in one patch of the Account, before any
// create or adopt decision. The patch carries the cached resourceVersion, even
// when it changes nothing: it succeeds only if the cache held the stored
// Account, status included (say the id this controller recorded a moment
// ago), and then answers with it. A
// conflict means the cache was behind: the pass ends there and looks again,
// so no decision is ever made on a stale view, and no uncached read is needed.
// earlier reports a marker from an earlier pass: a create may have happened.
func (r *AccountReconciler) claim(ctx context.Context, p *pass) (earlier bool, err error) {
	a := p.a
	orig := a.DeepCopy()
	_, earlier = a.CreatePending()
	controllerutil.AddFinalizer(a, Finalizer)
	if !earlier && a.Spec.ExternalID == "" {
		if a.Annotations == nil {
			a.Annotations = map[string]string{}
		}
		a.Annotations[v1alpha1.AnnotationCreatePending] = time.Now().UTC().Format(time.RFC3339)
	}
	if err := r.patchMeta(ctx, a, orig); err != nil {
		p.stale = apierrors.IsConflict(err)
		if p.stale {
			return false, nil
		}
		return false, err
	}
	p.before = a.Status.DeepCopy()
	return earlier, nil
}

// unclaim removes the create-pending marker after a definitive refusal, so
// that no later pass adopts, or a deletion deletes, an account this Account
// did not make under that key. A merge patch of that one key cannot conflict:
// a conflict would leave the marker in place.
func (r *AccountReconciler) unclaim(ctx context.Context, a *v1alpha1.Account) error {
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:null}}}`, v1alpha1.AnnotationCreatePending)
	if err := r.Patch(ctx, a.DeepCopy(), client.RawPatch(types.MergePatchType, []byte(patch))); err != nil {
		return err
	}
	delete(a.Annotations, v1alpha1.AnnotationCreatePending)
	return nil
}

// ensureCreated stores what must exist before a create (prepare), claims the
// Account, then adopts spec.externalID, or finds the account an interrupted
// create made, or creates it.
func (r *AccountReconciler) ensureCreated(ctx context.Context, p *pass) error {
	a := p.a
	if a.Spec.ExternalID == "" {
		if err := r.prepare(ctx, p); err != nil {
			return err
		}
	}
	earlier, err := r.claim(ctx, p)
	if err != nil || p.stale {
		return err
	}
	if a.Spec.ExternalID != "" {
		if err := r.adoptionAllowed(ctx, a, p.b.object); err != nil {
			return err
		}
		a.Status.AccountID = a.Spec.ExternalID
		p.event("Adopted", fmt.Sprintf("adopting upstream account %s from spec.externalID", a.Spec.ExternalID))
		return nil
	}
	if earlier {
		id, err := r.findInterrupted(ctx, p)
		if err != nil || id != "" {
			return err
		}
	}
	return r.create(ctx, p)
}

// findInterrupted looks up the account an interrupted create may have made
// and, for an upstream whose create answer carried something once (a
// VectorCharts initial token), lets it recover before the id is recorded: a
// failure leaves the id unrecorded, so the next pass finds and recovers again.
func (r *AccountReconciler) findInterrupted(ctx context.Context, p *pass) (string, error) {
	id, err := p.b.upstream.Find(ctx, p.req)
	if err != nil || id == "" {
		return "", err
	}
	if rec, ok := p.b.upstream.(adapter.Recoverer); ok {
		st, err := rec.Recover(ctx, p.req, id)
		if err != nil {
			return "", err
		}
		if st != nil {
			st(&p.a.Status)
		}
	}
	p.a.Status.AccountID = id
	p.event("Created", fmt.Sprintf("found upstream account %s made by an interrupted create", id))
	return id, nil
}

// prepare stores in the connection Secret what an upstream must have fixed
// before its create (a VectorCharts password), so a retried create uses the
// same value. It runs before the claim: a failure here leaves no marker, and
// on a stale view it only rewrites what the Secret holds.
func (r *AccountReconciler) prepare(ctx context.Context, p *pass) error {
	prep, ok := p.b.upstream.(adapter.Preparer)
	if !ok {
		return nil
	}
	data, err := prep.Prepare(ctx, p.req)
	if err != nil {
		return err
	}
	p.conn.propose(data)
	return p.conn.save(ctx, r.Client, r.Scheme, p.a)
}

func (r *AccountReconciler) create(ctx context.Context, p *pass) error {
	a := p.a
	c, err := p.b.upstream.Create(ctx, p.req)
	if err != nil {
		if adapter.NothingCreated(err) {
			if uerr := r.unclaim(ctx, a); uerr != nil {
				return uerr
			}
		}
		return err
	}
	// Outputs first: a one-time token must be stored before anything else.
	p.conn.merge(c.Details)
	p.conn.merge(map[string][]byte{"accountID": []byte(c.ID)})
	if err := p.conn.save(ctx, r.Client, r.Scheme, a); err != nil {
		return err
	}
	a.Status.AccountID, a.Status.JobID = c.ID, c.JobID
	if c.State != "" {
		a.Status.State = c.State
	}
	if c.Status != nil {
		c.Status(&a.Status)
	}
	if c.Credentials != nil {
		p.credentials = c.Credentials
	}
	p.event("Created", fmt.Sprintf("created upstream account %s", c.ID))
	return nil
}

// sync observes the account, corrects drift, publishes outputs and decides
// when to look again.
func (r *AccountReconciler) sync(ctx context.Context, p *pass) (*outcome, error) {
	a := p.a
	r.listed(ctx, p)
	obs, err := p.b.upstream.Observe(ctx, p.req)
	if err != nil {
		return nil, err
	}
	if !obs.Exists {
		return nil, notFoundUpstream(a)
	}
	r.record(p, obs.State, obs.Details, obs.Status)
	if obs.Credentials != nil {
		p.credentials = obs.Credentials
	}
	if obs.Readiness == adapter.Failed {
		if err := r.publish(ctx, p); err != nil {
			return nil, err
		}
		return nil, adapter.Terminal(reasonOr(obs.Reason, v1alpha1.ReasonRegistrationFailed), obs.Message, nil)
	}
	if a.ObserveOnly() {
		return r.observed(ctx, p, obs)
	}
	book := planDrift(a.Status.Drift, a.Generation, a.Annotations[v1alpha1.AnnotationReconcileRequestedAt], obs.Drift)
	var u *adapter.Update
	// Only fields not known to be ignored upstream are written; an update
	// with nothing to write (every drifting field not applied) is skipped.
	if !obs.UpToDate && (len(book.write) > 0 || len(obs.Drift) == 0) {
		obs.Drift = book.write
		if u, err = r.update(ctx, p, obs, &book); err != nil {
			return nil, err
		}
	}
	a.Status.Drift = book.status()
	if len(book.newlyStuck) > 0 {
		p.warning(v1alpha1.ReasonUpdateNotApplied, notAppliedMessage(book.newlyStuck))
	}
	if err := r.publish(ctx, p); err != nil {
		return nil, err
	}
	if u != nil {
		afterPublish(p, *u)
	}
	a.Status.ConnectionSecretName = a.ConnectionSecretName()
	return r.next(p, obs, u != nil), nil
}

// update applies drift and takes what the upstream issued into the Secret's
// data; what records it (status, events) waits for the Secret write.
func (r *AccountReconciler) update(ctx context.Context, p *pass, obs adapter.Observation, book *driftBook) (*adapter.Update, error) {
	u, err := p.b.upstream.Update(ctx, p.req, obs)
	if err != nil {
		p.a.Status.Drift = book.status() // what was learnt stays, even when this write failed
		return nil, err
	}
	book.wrote()
	r.record(p, "", u.Details, nil)
	p.conn.drop(u.Drop)
	if len(obs.Drift) > 0 {
		p.event("Updated", "corrected upstream drift in "+strings.Join(obs.Drift, ", "))
	}
	return &u, nil
}

// afterPublish records an update once the Secret holds what it issued: a
// status that names a new token is never written before the token is stored.
func afterPublish(p *pass, u adapter.Update) {
	if u.Status != nil {
		u.Status(&p.a.Status)
	}
	if u.Credentials != nil {
		p.credentials = u.Credentials
	}
	for _, n := range u.Notes {
		p.event(n.Reason, n.Message)
	}
}

// record applies what the provider reported to the status and the Secret data.
func (r *AccountReconciler) record(p *pass, state string, details map[string][]byte, status func(*v1alpha1.AccountStatus)) {
	if state != "" {
		p.a.Status.State = state
	}
	if status != nil {
		status(&p.a.Status)
	}
	p.conn.merge(details)
	if p.a.Status.AccountID != "" {
		p.conn.merge(map[string][]byte{"accountID": []byte(p.a.Status.AccountID)})
	}
}

// next is the outcome of a pass that reached the upstream, with when to look
// again: pending work soon, steady state at the provider's poll interval, both
// jittered.
func (r *AccountReconciler) next(p *pass, obs adapter.Observation, updated bool) *outcome {
	poll := r.steadyRequeue(p)
	if obs.RecheckAfter > 0 && obs.RecheckAfter < poll {
		poll = obs.RecheckAfter // a token step or check falls due first
	}
	switch obs.Readiness {
	case adapter.Provisioning:
		return progressing(reasonOr(obs.Reason, v1alpha1.ReasonProvisioning), messageOr(obs.Message)).
			after(jitter(pendingRequeue))
	case adapter.Unusable:
		// Not usable upstream and nothing under way (e.g. deactivated by an
		// administrator): look again at the poll interval, not in a loop.
		return progressing(reasonOr(obs.Reason, v1alpha1.ReasonProvisioning), messageOr(obs.Message)).after(poll)
	}
	o := ready(fmt.Sprintf("upstream account %s is ready", p.a.Status.AccountID))
	if d := p.a.Status.Drift; d != nil && len(d.NotApplied) > 0 {
		o = outcome{phase: PhaseUnsynced, reason: v1alpha1.ReasonUpdateNotApplied, message: notAppliedMessage(d.NotApplied)}
	}
	if updated {
		return o.after(jitter(pendingRequeue)) // confirm the update took
	}
	return o.after(poll)
}

func messageOr(msg string) string {
	if msg != "" {
		return msg
	}
	return "waiting for the upstream account to become ready"
}

// reasonOr is the provider's reason for an observation, or the default one.
func reasonOr(reason, def string) string {
	if reason != "" {
		return reason
	}
	return def
}
