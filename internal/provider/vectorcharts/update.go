package vectorcharts

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/account-operator/account-operator/internal/provider"
	vc "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// reissuedTokenName names tokens minted to replace a lost one, so an admin can
// tell them apart from the account's initial token.
const reissuedTokenName = "account-operator"

// noteTokenReissued is the event recorded when a lost token is replaced. It
// never carries the token.
var noteTokenReissued = provider.Note{Reason: "TokenReissued",
	Message: "issued a new API token: the connection Secret had lost it"}

// Update renames the account when the observation found name drift, and
// issues a new API token when the connection Secret lost the one-time token.
func (p *Provider) Update(ctx context.Context, req *provider.Request, obs provider.Observation) (provider.Update, error) {
	id, err := accountID(req)
	if err != nil {
		return provider.Update{}, err
	}
	if slices.Contains(obs.Drift, driftDisplayName) {
		if _, err := p.client.EditAccount(ctx, id, req.DisplayName()); err != nil {
			return provider.Update{}, fmt.Errorf("rename account %d: %w", id, err)
		}
	}
	if len(req.Connection[keyToken]) > 0 {
		return provider.Update{}, nil
	}
	userID, err := strconv.ParseInt(string(obs.Details[keyUserID]), 10, 64)
	if err != nil || userID <= 0 {
		return provider.Update{}, fmt.Errorf("vectorcharts: observation of account %d has no user id", id)
	}
	// Never retried by the client: a blind retry could mint two tokens.
	tok, err := p.client.CreateApiToken(ctx, vc.CreateApiTokenRequest{UserID: userID, AccountID: id,
		Name: reissuedTokenName})
	if err != nil {
		return provider.Update{}, fmt.Errorf("issue API token for account %d: %w", id, err)
	}
	return provider.Update{Details: map[string][]byte{keyToken: []byte(tok.ID.Reveal())},
		Notes: []provider.Note{noteTokenReissued}}, nil
}
