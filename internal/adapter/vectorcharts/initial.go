package vectorcharts

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

var _ adapter.Recoverer = (*Adapter)(nil)

// clockSkew is how much earlier than this Account's create marker (the
// cluster's clock) the portal's clock may date the token the create issued.
const clockSkew = 5 * time.Minute

// Recover deals with the initial token of a create whose answer was lost. The
// account Find found after this Account's own interrupted create is fresh: the
// token on it that the operator did not name is the one createAccount issued,
// which the Secret never stored. Recover records it as the held token, so the
// revocation that follows every re-issue (revokeLost) revokes it once the
// token Update issues is in the Secret. Should the Secret already hold it (the
// answer came and was stored, then status was lost), it is kept as it is.
//
// It is not put into the Secret: the reference says not to rely on reading
// bearers back, and a token read from a listing is not known to be the one the
// create issued. A fresh token named for this Account is known to be ours.
//
// Repeating it is safe: the tokens a crashed pass issued carry the operator's
// name and are not counted, so the same initial token is found again.
func (p *Adapter) Recover(ctx context.Context, req *adapter.Request, id string) (func(*v1alpha1.AccountStatus), error) {
	since, pending := req.Account.CreatePending()
	if !pending || since.IsZero() {
		return nil, nil // not an interrupted create of this Account
	}
	accountID, err := strconv.ParseInt(id, 10, 64)
	if err != nil || accountID <= 0 {
		return nil, fmt.Errorf("vectorcharts: found account id %q is not a positive integer", id)
	}
	toks, err := p.client.GetApiTokens(ctx, accountID)
	if httpapi.IsNotFound(err) {
		// Gone since Find (say its delete job ended): not a verdict on this
		// Account; the next pass finds nothing and creates.
		return nil, adapter.Transient(v1alpha1.ReasonUpstreamError, fmt.Sprintf(
			"account %d, found after an interrupted create, was gone when its API tokens were listed", accountID), err)
	}
	if err != nil {
		return nil, fmt.Errorf("list the API tokens of account %d: %w", accountID, err)
	}
	initial := initialToken(toks, since)
	if initial == nil {
		return nil, nil
	}
	return onStatus(p.holds(initial)), nil
}

// initialToken is the one token the operator did not name, if it is not older
// than the create marker (since): else nil. Several (a user logged in with the
// stored password and made one first) cannot be told apart; an older one (or
// one of unknown age) means an account that was there before this Account's
// create, found by its username: a token that may be a user's is never
// revoked.
func initialToken(toks []vcapi.ApiToken, since time.Time) []byte {
	var initial *vcapi.ApiToken
	for i, t := range toks {
		if strings.HasPrefix(t.Name, reissuedTokenName) {
			continue
		}
		if initial != nil {
			return nil
		}
		initial = &toks[i]
	}
	if initial == nil || initial.CreatedAt.IsZero() || initial.CreatedAt.Before(since.Add(-clockSkew)) {
		return nil
	}
	return []byte(initial.ID.Reveal())
}
