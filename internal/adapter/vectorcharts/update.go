package vectorcharts

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// reissuedTokenName prefixes the name of every token the operator mints (a
// re-issue or a rotation), so it, and an admin, can tell them from tokens
// users made.
const reissuedTokenName = "account-operator"

// tokenName names the tokens minted for one Account: the prefix and the
// Account's UID, so that two Accounts over one upstream account (say, an
// adopted one) never revoke each other's tokens.
func tokenName(a *v1alpha1.Account) string {
	if a.UID == "" {
		return reissuedTokenName
	}
	return reissuedTokenName + "-" + string(a.UID)
}

// Events of the token steps. They never carry a token.
var (
	noteTokenReissued = adapter.Note{Reason: "TokenReissued",
		Message: "issued a new API token: the connection Secret had lost it"}
	noteTokenRevokedUpstream = adapter.Note{Reason: "TokenReissued",
		Message: "issued a new API token: the one in the connection Secret was revoked upstream (its check got 401)"}
)

// Update renames the account when the observation found name drift, then
// takes the token's next step (planToken): re-issue a lost or revoked token,
// revoke a token the operator no longer holds, or rotate. A new token's
// fingerprint is recorded only once the Secret stores it (Update.Status takes
// effect after the Secret write).
func (p *Adapter) Update(ctx context.Context, req *adapter.Request, obs adapter.Observation) (adapter.Update, error) {
	id, err := accountID(req)
	if err != nil {
		return adapter.Update{}, err
	}
	if slices.Contains(obs.Drift, driftDisplayName) {
		if _, err := p.client.EditAccount(ctx, id, req.DisplayName()); err != nil {
			return adapter.Update{}, fmt.Errorf("rename account %d: %w", id, err)
		}
	}
	revoked := obs.Credentials == tokenRevoked
	step, _ := p.planToken(req, revoked)
	switch step {
	case stepReissue:
		return p.reissue(ctx, req, id, obs, revoked)
	case stepRevokeLost:
		return p.revokeLost(ctx, req, id)
	case stepRevokePrevious:
		return p.revokePrevious(ctx, req, id)
	case stepRotate:
		return p.rotate(ctx, req, id, obs)
	}
	return adapter.Update{}, nil
}

// reissue mints a token for a Secret that lost its token or holds a revoked
// one. The replaced token stays recorded as held, so the next pass, once the
// new one is stored, revokes it (a revoked one is simply gone by then).
func (p *Adapter) reissue(ctx context.Context, req *adapter.Request, id int64, obs adapter.Observation, revoked bool) (adapter.Update, error) {
	tok, err := p.mint(ctx, id, obs, tokenName(req.Account))
	if err != nil {
		return adapter.Update{}, err
	}
	u := adapter.Update{Details: map[string][]byte{keyToken: tok}, Notes: []adapter.Note{noteTokenReissued}}
	if revoked {
		u.Notes, u.Credentials = []adapter.Note{noteTokenRevokedUpstream}, tokenReissued
		p.checks.done(req.Account.UID, checkInterval(req), p.now())
	}
	return u, nil
}

// rotate mints a new token into the Secret's token key and keeps the current
// one as token.previous until the overlap ends.
func (p *Adapter) rotate(ctx context.Context, req *adapter.Request, id int64, obs adapter.Observation) (adapter.Update, error) {
	cur := req.Connection[keyToken]
	tok, err := p.mint(ctx, id, obs, tokenName(req.Account))
	if err != nil {
		return adapter.Update{}, err
	}
	why := "tokenRotation.interval elapsed"
	if stateOf(req).requested != "" {
		why = "requested by annotation " + v1alpha1.AnnotationRotateRequestedAt
	}
	note := adapter.Note{Reason: "TokenRotated", Message: fmt.Sprintf("issued a new API token (%s); the previous one "+
		"stays as token.previous for %s, then it is revoked", why, rotationOverlap(req))}
	rotated := p.rotatedTo(req, tok, fingerprint(cur), true)
	return adapter.Update{Details: map[string][]byte{keyToken: tok, keyTokenPrevious: cur},
		Notes:  []adapter.Note{note},
		Status: onStatus(rotated)}, nil
}

// mint issues a new API token for the account's primary user, named so the
// operator can tell its tokens from those users made in the portal.
func (p *Adapter) mint(ctx context.Context, id int64, obs adapter.Observation, name string) ([]byte, error) {
	userID, err := strconv.ParseInt(string(obs.Details[keyUserID]), 10, 64)
	if err != nil || userID <= 0 {
		return nil, fmt.Errorf("vectorcharts: observation of account %d has no user id", id)
	}
	// Never retried by the client: a blind retry could mint two.
	tok, err := p.client.CreateApiToken(ctx, vcapi.CreateApiTokenRequest{UserID: userID, AccountID: id,
		Name: name})
	if err != nil {
		return nil, fmt.Errorf("issue API token for account %d: %w", id, err)
	}
	return []byte(tok.ID.Reveal()), nil
}
