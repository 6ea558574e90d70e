package vectorcharts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// keyTokenPrevious holds a rotated-out token until it is revoked.
const keyTokenPrevious = "token.previous"

// noteTokenRotated is the event of a requested rotation. It never carries a token.
var noteTokenRotated = adapter.Note{Reason: "TokenRotated", Message: "issued a new API token on request " +
	"(annotation " + v1alpha1.AnnotationRotateRequestedAt + "); the previous one stays as token.previous until it is revoked"}

// fingerprint is the non-secret name of a token in status: the first 8 hex
// digits of its SHA-256. A bearer of 128 random bits cannot be recovered from
// 32 bits of its hash.
func fingerprint(tok []byte) string {
	sum := sha256.Sum256(tok)
	return hex.EncodeToString(sum[:4])
}

// heldFingerprint is the fingerprint of the token status last recorded as held.
func heldFingerprint(req *adapter.Request) string {
	if st := req.Account.Status.VectorCharts; st != nil {
		return st.TokenFingerprint
	}
	return ""
}

// holds records tok as the token the connection Secret holds. Status is written
// after the Secret, so a recorded fingerprint is always of a stored token.
func (p *Adapter) holds(tok []byte) func(*v1alpha1.VectorChartsAccountStatus) {
	fp, at := fingerprint(tok), metav1.NewTime(p.now())
	return func(s *v1alpha1.VectorChartsAccountStatus) {
		s.TokenFingerprint, s.TokenIssuedAt = fp, &at
	}
}

// observeToken sorts the connection Secret's token: none, so Update issues one;
// one status has no fingerprint of yet (an adopted or older Account), which is
// recorded with no upstream call; one other than the recorded one, so the
// recorded one, which the operator no longer holds, is revoked by Update.
func (p *Adapter) observeToken(req *adapter.Request, obs *adapter.Observation, userID int64, plan string) {
	cur, held := req.Connection[keyToken], heldFingerprint(req)
	switch {
	case len(cur) == 0:
		obs.UpToDate = false
	case held == "":
		obs.Status = statusFunc(userID, plan, p.holds(cur))
	case held != fingerprint(cur):
		obs.UpToDate = false
	}
	if _, ok := rotationRequested(req); ok && len(cur) > 0 {
		obs.UpToDate = false
	}
}

// rotationRequested is the rotate-requested-at value not handled yet, if any.
func rotationRequested(req *adapter.Request) (string, bool) {
	v := req.Account.Annotations[v1alpha1.AnnotationRotateRequestedAt]
	handled := ""
	if st := req.Account.Status.VectorCharts; st != nil {
		handled = st.LastHandledRotateRequestedAt
	}
	return v, v != "" && v != handled
}

// rotate issues a new token into the Secret's token key and keeps cur as
// token.previous. The fingerprint stays cur's: the next pass, once the
// Secret holds the new token, revokes cur and drops token.previous.
func (p *Adapter) rotate(ctx context.Context, req *adapter.Request, id int64, obs adapter.Observation, cur []byte, requested string) (adapter.Update, error) {
	tok, err := p.mint(ctx, id, obs, tokenName(req.Account))
	if err != nil {
		return adapter.Update{}, err
	}
	return adapter.Update{Details: map[string][]byte{keyToken: tok, keyTokenPrevious: cur},
		Notes: []adapter.Note{noteTokenRotated},
		Status: func(s *v1alpha1.AccountStatus) {
			if s.VectorCharts != nil {
				s.VectorCharts.LastHandledRotateRequestedAt = requested
			}
		}}, nil
}

// revokeReplaced revokes, authenticated with cur (there is no admin revoke),
// the token status recorded as held and any other token the operator named
// (one minted by a pass that crashed before the Secret stored it), then
// records cur as held. It runs only once cur is in the Secret. A failure is
// retried with backoff, never dropped: the fingerprint stays until it works.
func (p *Adapter) revokeReplaced(ctx context.Context, req *adapter.Request, accountID int64, cur []byte, held string) (adapter.Update, error) {
	toks, err := p.client.GetApiTokens(ctx, accountID)
	if err != nil {
		return adapter.Update{}, revokeFailed(accountID, err)
	}
	curFP, n := fingerprint(cur), 0
	for _, t := range toks {
		fp := fingerprint([]byte(t.ID.Reveal()))
		if fp == curFP || (fp != held && t.Name != tokenName(req.Account)) {
			continue
		}
		if err := p.client.DeleteApiToken(ctx, httpapi.Secret(cur), t.ID); err != nil && !httpapi.IsNotFound(err) {
			return adapter.Update{}, revokeFailed(accountID, err)
		}
		n++
	}
	// The held token is new, so a rotation asked for meanwhile (or one whose
	// handling a crash kept out of status) is done.
	requested := req.Account.Annotations[v1alpha1.AnnotationRotateRequestedAt]
	u := adapter.Update{Drop: []string{keyTokenPrevious}, Status: func(s *v1alpha1.AccountStatus) {
		if s.VectorCharts == nil {
			s.VectorCharts = &v1alpha1.VectorChartsAccountStatus{}
		}
		p.holds(cur)(s.VectorCharts)
		s.VectorCharts.LastHandledRotateRequestedAt = requested
	}}
	if n > 0 {
		u.Notes = []adapter.Note{{Reason: "TokenRevoked",
			Message: fmt.Sprintf("revoked %d API token(s) the operator made and no longer holds", n)}}
	}
	return u, nil
}

func revokeFailed(accountID int64, err error) error {
	return adapter.Transient(v1alpha1.ReasonTokenRevokeFailed, fmt.Sprintf(
		"revoke the API token(s) of account %d the operator no longer holds (retried with backoff)", accountID), err)
}
