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

// noteTokenReissued is the event recorded when a lost token is replaced. It
// never carries the token.
var noteTokenReissued = adapter.Note{Reason: "TokenReissued",
	Message: "issued a new API token: the connection Secret had lost it"}

// Update renames the account when the observation found name drift, issues a
// new API token when the connection Secret lost the one-time token, and, once
// the Secret holds a token other than the one status records, revokes the
// recorded one. The new token's fingerprint is recorded only then: a
// re-issue leaves the lost token's in status, so the next pass revokes it.
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
	if cur := req.Connection[keyToken]; len(cur) > 0 {
		if held := heldFingerprint(req); held != "" && held != fingerprint(cur) {
			return p.revokeReplaced(ctx, req, id, cur, held)
		}
		if v, ok := rotationRequested(req); ok {
			return p.rotate(ctx, req, id, obs, cur, v)
		}
		return adapter.Update{}, nil
	}
	tok, err := p.mint(ctx, id, obs, tokenName(req.Account))
	if err != nil {
		return adapter.Update{}, err
	}
	return adapter.Update{Details: map[string][]byte{keyToken: tok}, Notes: []adapter.Note{noteTokenReissued}}, nil
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
