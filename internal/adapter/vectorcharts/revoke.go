package vectorcharts

import (
	"context"
	"fmt"
	"net/http"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// revoke revokes, authenticated with the Secret's token cur (there is no
// admin revoke), the token of fingerprint target and any other token the
// operator named for this Account but cur (one minted by a pass that crashed
// before the Secret stored it), then drops token.previous and records done.
// It runs only while cur is in the Secret. A failure is retried with backoff,
// never dropped: status keeps target until it works. A 401 means cur itself
// was revoked behind the operator's back: its check is made due, so the next
// pass re-issues it.
func (p *Adapter) revoke(ctx context.Context, req *adapter.Request, accountID int64, target string,
	done func(*v1alpha1.VectorChartsAccountStatus)) (adapter.Update, error) {
	cur := req.Connection[keyToken]
	toks, err := p.client.GetApiTokens(ctx, accountID)
	if err != nil {
		return adapter.Update{}, revokeFailed(accountID, err)
	}
	curFP, n := fingerprint(cur), 0
	for _, t := range toks {
		fp := fingerprint([]byte(t.ID.Reveal()))
		if fp == curFP || (fp != target && t.Name != tokenName(req.Account)) {
			continue
		}
		err := p.client.DeleteApiToken(ctx, httpapi.Secret(cur), t.ID)
		if httpapi.IsStatus(err, http.StatusUnauthorized) {
			p.checks.dueNow(req.Account.UID, p.now())
		}
		if err != nil && !httpapi.IsNotFound(err) {
			return adapter.Update{}, revokeFailed(accountID, err)
		}
		n++
	}
	u := adapter.Update{Drop: []string{keyTokenPrevious}, Status: onStatus(func(s *v1alpha1.VectorChartsAccountStatus) {
		s.PreviousTokenFingerprint, s.PreviousTokenRevokeAt = "", nil
		if done != nil {
			done(s)
		}
	})}
	if n > 0 {
		u.Notes = []adapter.Note{{Reason: "TokenRevoked",
			Message: fmt.Sprintf("revoked %d API token(s) the operator made and no longer holds", n)}}
	}
	return u, nil
}

// revokeLost revokes the token status records as held, which the Secret no
// longer holds (it was lost and re-issued), and records cur as held. A
// rotation asked for meanwhile stays to do: cur may be older than the request.
func (p *Adapter) revokeLost(ctx context.Context, req *adapter.Request, accountID int64) (adapter.Update, error) {
	return p.revoke(ctx, req, accountID, heldFingerprint(req), p.holds(req.Connection[keyToken]))
}

// revokePrevious revokes the rotated-out token once the overlap ended.
func (p *Adapter) revokePrevious(ctx context.Context, req *adapter.Request, accountID int64) (adapter.Update, error) {
	return p.revoke(ctx, req, accountID, req.Account.Status.VectorCharts.PreviousTokenFingerprint, nil)
}

func revokeFailed(accountID int64, err error) error {
	return adapter.Transient(v1alpha1.ReasonTokenRevokeFailed, fmt.Sprintf(
		"revoke the API token(s) of account %d the operator no longer holds (retried with backoff)", accountID), err)
}
