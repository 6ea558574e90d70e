package vectorcharts

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// Connection Secret keys this provider writes.
const (
	keyAccountID = "accountID"
	keyUserID    = "userID"
	keyUsername  = "username"
	keyPassword  = "password"
	keyToken     = "token"
)

// stateActive is reported as the account state: the portal has no state word
// of its own, and an account that answers getAccount is usable.
const stateActive = "Active"

// driftDisplayName is the Drift entry for a renamed account.
const driftDisplayName = "spec.displayName"

// Adapter is one VectorCharts OEM instance, shared by every Account using it.
type Adapter struct {
	client *vcapi.Client
	// redeletes paces deletes that did not take: at most one per retryEvery.
	redeletes  *ledger
	checks     *checkSchedule // when each Account's token check is due
	retryEvery time.Duration
	now        func() time.Time
}

var (
	_ adapter.Upstream = (*Adapter)(nil)
	_ adapter.Preparer = (*Adapter)(nil)
)

// Verify lists accounts, an admin-only read: a non-admin token gets 403, a bad
// one 401.
func (p *Adapter) Verify(ctx context.Context) error {
	return p.client.Verify(ctx)
}

// Find looks the account up by its username (the only unique key). While a
// job that names the account is under way (it may be its deletion) adoption
// waits: once the job ends the account is either gone, and is created anew, or
// still there, and is adopted.
func (p *Adapter) Find(ctx context.Context, req *adapter.Request) (string, error) {
	spec, err := vcSpec(req)
	if err != nil {
		return "", err
	}
	u, found, err := p.client.FindUserByUsername(ctx, spec.Username)
	if err != nil || !found {
		return "", err
	}
	job, running, err := p.jobUnderWay(ctx, u.AccountID)
	if err != nil {
		return "", err
	}
	if running {
		return "", busy(spec.Username, u.AccountID, job, false)
	}
	return strconv.FormatInt(u.AccountID, 10), nil
}

// Create makes the account, its primary user and the one-time initial token
// with the password Prepare stored in the connection Secret.
func (p *Adapter) Create(ctx context.Context, req *adapter.Request) (adapter.Creation, error) {
	spec, err := vcSpec(req)
	if err != nil {
		return adapter.Creation{}, err
	}
	pw := req.Connection[keyPassword]
	if len(pw) == 0 {
		// Prepare always runs first; creating without a stored password would
		// lose it if the response were lost.
		return adapter.Creation{}, fmt.Errorf("vectorcharts: the connection Secret has no %q yet", keyPassword)
	}
	res, err := p.client.CreateAccount(ctx, vcapi.CreateAccountRequest{Name: req.DisplayName(),
		Username: spec.Username, Password: httpapi.Secret(pw)})
	if err != nil {
		return adapter.Creation{}, p.createError(ctx, spec.Username, err)
	}
	if res.Account.ID <= 0 || res.User.ID <= 0 {
		// Not terminal: the account may exist, and the create marker's lookup
		// by username adopts it on the retry.
		return adapter.Creation{}, &httpapi.Error{Upstream: vcapi.Upstream, Operation: "CreateAccount",
			StatusCode: http.StatusOK, Err: fmt.Errorf("response has no account or user id")}
	}
	details := map[string][]byte{
		keyAccountID: []byte(strconv.FormatInt(res.Account.ID, 10)),
		keyUserID:    []byte(strconv.FormatInt(res.User.ID, 10)),
		keyUsername:  []byte(spec.Username),
		keyPassword:  pw,
		keyToken:     []byte(res.InitialToken.ID.Reveal()),
	}
	return adapter.Creation{ID: string(details[keyAccountID]), State: stateActive, Details: details,
		Status: statusFunc(res.User.ID, res.Account.PlanInstance, p.holds(details[keyToken])), Credentials: tokenValid}, nil
}

// createError sorts a failed create. The portal answers 400 both for a
// username in use and for a malformed request, so a 400 is told apart by
// looking the username up. A username held by an account with a job under
// way (perhaps its deletion, which frees the username) is waited for; the
// create marker goes, since nothing was created and the account is not ours.
func (p *Adapter) createError(ctx context.Context, username string, err error) error {
	if !httpapi.IsStatus(err, http.StatusBadRequest) {
		return fmt.Errorf("create account: %w", err)
	}
	u, found, lerr := p.client.FindUserByUsername(ctx, username)
	if lerr != nil || !found {
		return fmt.Errorf("create account: %w", err)
	}
	if job, running, lerr := p.jobUnderWay(ctx, u.AccountID); lerr == nil && running {
		return busy(username, u.AccountID, job, true)
	}
	return adapter.Terminal(v1alpha1.ReasonAlreadyExists, fmt.Sprintf("spec.vectorCharts.username: %q is already "+
		"in use upstream; set spec.externalID to adopt its account", username), err)
}

// Observe reads the account and compares its name with the spec, then plans
// the issued token's next step (planToken): a lost or revoked token, one to
// revoke, or a rotation due makes it out of date, so Update takes the step.
// A poll makes one call (none when the pass has the account's listed entry
// and it shows no rename), plus the token's check when that is due (once per
// spec.vectorCharts.tokenCheckInterval): the jobs list, the only place a
// delete in progress shows, is read by Delete, not by every poll; an account
// deleted behind the operator's back shows as gone once its delete job ends.
func (p *Adapter) Observe(ctx context.Context, req *adapter.Request) (adapter.Observation, error) {
	spec, err := vcSpec(req)
	if err != nil {
		return adapter.Observation{}, err
	}
	id, err := accountID(req)
	if err != nil {
		return adapter.Observation{}, err
	}
	acct, found, err := p.account(ctx, req, id)
	if err != nil || !found {
		return adapter.Observation{}, err
	}
	userID, err := p.userID(ctx, req, spec.Username, id)
	if err != nil {
		return adapter.Observation{}, err
	}
	obs := adapter.Observation{Exists: true, UpToDate: true, Readiness: adapter.Ready, State: stateActive,
		Details: map[string][]byte{
			keyAccountID: []byte(strconv.FormatInt(id, 10)),
			keyUserID:    []byte(strconv.FormatInt(userID, 10)),
			keyUsername:  []byte(spec.Username),
		},
		Status: statusFunc(userID, acct.PlanInstance)}
	if pw := req.Connection[keyPassword]; len(pw) > 0 {
		obs.Details[keyPassword] = pw
	}
	if acct.Name != req.DisplayName() {
		obs.UpToDate = false
		obs.Drift = append(obs.Drift, driftDisplayName)
	}
	revoked, err := p.checkToken(ctx, req, &obs)
	if err != nil {
		return adapter.Observation{}, err
	}
	p.observeToken(req, &obs, revoked, userID, acct.PlanInstance)
	return obs, nil
}

// userID is the primary user's id: from the status when a create or an earlier
// observe recorded it, else looked up by username (an adopted account).
func (p *Adapter) userID(ctx context.Context, req *adapter.Request, username string, accountID int64) (int64, error) {
	if st := req.Account.Status.VectorCharts; st != nil && st.UserID != "" {
		if id, err := strconv.ParseInt(st.UserID, 10, 64); err == nil && id > 0 {
			return id, nil
		}
	}
	u, found, err := p.client.FindUserByUsername(ctx, username)
	if err != nil {
		return 0, fmt.Errorf("find user: %w", err)
	}
	if !found || u.AccountID != accountID {
		return 0, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"spec.vectorCharts.username: upstream account %d has no user %q", accountID, username)
	}
	return u.ID, nil
}

// statusFunc records the non-secret facts of the account, keeping what it
// does not set (the held token's fingerprint); extra set more.
func statusFunc(userID int64, plan string, extra ...func(*v1alpha1.VectorChartsAccountStatus)) func(*v1alpha1.AccountStatus) {
	return onStatus(append([]func(*v1alpha1.VectorChartsAccountStatus){func(s *v1alpha1.VectorChartsAccountStatus) {
		s.UserID, s.PlanInstance = strconv.FormatInt(userID, 10), plan
	}}, extra...)...)
}

// onStatus applies fs to the Account's VectorCharts status, made when absent.
func onStatus(fs ...func(*v1alpha1.VectorChartsAccountStatus)) func(*v1alpha1.AccountStatus) {
	return func(s *v1alpha1.AccountStatus) {
		if s.VectorCharts == nil {
			s.VectorCharts = &v1alpha1.VectorChartsAccountStatus{}
		}
		for _, f := range fs {
			f(s.VectorCharts)
		}
	}
}

func vcSpec(req *adapter.Request) (*v1alpha1.VectorChartsAccountSpec, error) {
	if req.Account.Spec.VectorCharts == nil {
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.vectorCharts: required by a VectorCharts provider")
	}
	return req.Account.Spec.VectorCharts, nil
}

// accountID parses status.accountID: portal ids are positive integers, so
// anything else (a mistyped spec.externalID) can never exist upstream.
func accountID(req *adapter.Request) (int64, error) {
	raw := req.Account.Status.AccountID
	id, err := strconv.ParseInt(raw, 10, 64)
	if err == nil && id > 0 {
		return id, nil
	}
	field := "status.accountID"
	if req.Account.Spec.ExternalID == raw {
		field = "spec.externalID"
	}
	return 0, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
		"%s: %q is not a VectorCharts account id (a positive integer)", field, raw)
}
