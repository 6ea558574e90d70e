package vectorcharts

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// keyTokenPrevious holds a rotated-out token until it is revoked.
const keyTokenPrevious = "token.previous"

// fingerprint is the non-secret name of a token in status: the first 8 hex
// digits of its SHA-256. A bearer of 128 random bits cannot be recovered from
// 32 bits of its hash.
func fingerprint(tok []byte) string {
	sum := sha256.Sum256(tok)
	return hex.EncodeToString(sum[:4])
}

// tokenState is what the connection Secret and the status say of the issued
// token.
type tokenState struct {
	cur, prev          []byte // the Secret's token and token.previous
	held, prevHeld     string // status: fingerprints of the current and the previous token
	issuedAt, revokeAt time.Time
	requested          string // a rotate-requested-at value not handled yet
}

func stateOf(req *adapter.Request) tokenState {
	s := tokenState{cur: req.Connection[keyToken], prev: req.Connection[keyTokenPrevious]}
	handled := ""
	if st := req.Account.Status.VectorCharts; st != nil {
		s.held, s.prevHeld, handled = st.TokenFingerprint, st.PreviousTokenFingerprint, st.LastHandledRotateRequestedAt
		if st.TokenIssuedAt != nil {
			s.issuedAt = st.TokenIssuedAt.Time
		}
		if st.PreviousTokenRevokeAt != nil {
			s.revokeAt = st.PreviousTokenRevokeAt.Time
		}
	}
	if v := req.Account.Annotations[v1alpha1.AnnotationRotateRequestedAt]; v != handled {
		s.requested = v
	}
	return s
}

// tokenStep is what the issued token needs next.
type tokenStep int

const (
	stepNone           tokenStep = iota
	stepRecordHeld               // status has no fingerprint yet (adopted, older Account): record cur
	stepRecordRotation           // a rotation's Secret write outlived its status write: record it
	stepReissue                  // the Secret has no token, or it was revoked upstream: mint one
	stepRevokeLost               // the Secret holds another token than status records: revoke that one
	stepRevokePrevious           // the rotation's overlap ended: revoke the previous token
	stepRotate                   // requested, or tokenRotation.interval elapsed
)

// planToken decides the token's next step from the Secret, the status and
// the clock, and, when nothing is due yet, how long until something is. The
// two record steps make no upstream call.
func (p *Adapter) planToken(req *adapter.Request, revoked bool) (tokenStep, time.Duration) {
	s, now := stateOf(req), p.now()
	switch {
	case len(s.cur) == 0 || revoked:
		return stepReissue, 0
	case s.held == "":
		return stepRecordHeld, 0
	case s.held != fingerprint(s.cur):
		if len(s.prev) > 0 && fingerprint(s.prev) == s.held {
			return stepRecordRotation, 0
		}
		return stepRevokeLost, 0
	case s.prevHeld != "":
		// A rotation due or requested meanwhile waits for the overlap's end.
		if wait := s.revokeAt.Sub(now); wait > 0 {
			return stepNone, wait
		}
		return stepRevokePrevious, 0
	case s.requested != "":
		return stepRotate, 0
	}
	iv := rotationInterval(req)
	if iv <= 0 || s.issuedAt.IsZero() {
		return stepNone, 0
	}
	if wait := s.issuedAt.Add(iv).Sub(now); wait > 0 {
		return stepNone, wait
	}
	return stepRotate, 0
}

// observeToken checks the token when its check is due and plans its next
// step: the record steps become the observation's status, the others make
// it out of date, so Update takes them.
func (p *Adapter) observeToken(req *adapter.Request, obs *adapter.Observation, revoked bool, userID int64, plan string) {
	step, wait := p.planToken(req, revoked)
	obs.RecheckAfter = earliest(obs.RecheckAfter, wait)
	cur := req.Connection[keyToken]
	switch step {
	case stepNone:
	case stepRecordHeld:
		obs.Status = statusFunc(userID, plan, p.holds(cur))
	case stepRecordRotation:
		// Which request the stored token answers is not known: the annotation
		// may have changed since its mint, so none is marked handled (an
		// unhandled one costs one more rotation, never a request answered by
		// an older token).
		obs.Status = statusFunc(userID, plan, p.rotatedTo(req, cur, heldFingerprint(req), false))
		obs.RecheckAfter = earliest(obs.RecheckAfter, max(rotationOverlap(req), time.Second))
	default:
		obs.UpToDate = false
	}
}

// earliest is the sooner of two waits, 0 meaning none.
func earliest(a, b time.Duration) time.Duration {
	if a <= 0 || (b > 0 && b < a) {
		return b
	}
	return a
}

// heldFingerprint is the fingerprint of the token status records as held.
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

// rotatedTo records a rotation to tok: tok is held, the token of fingerprint
// prev stays as token.previous until the overlap ends, and, when handled (tok
// was minted in this pass, after the annotation was read), the requested
// rotation is done.
func (p *Adapter) rotatedTo(req *adapter.Request, tok []byte, prev string, handled bool) func(*v1alpha1.VectorChartsAccountStatus) {
	hold := p.holds(tok)
	revokeAt := metav1.NewTime(p.now().Add(rotationOverlap(req)))
	requested := req.Account.Annotations[v1alpha1.AnnotationRotateRequestedAt]
	return func(s *v1alpha1.VectorChartsAccountStatus) {
		hold(s)
		s.PreviousTokenFingerprint, s.PreviousTokenRevokeAt = prev, &revokeAt
		if handled {
			s.LastHandledRotateRequestedAt = requested
		}
	}
}

// rotationInterval is spec.vectorCharts.tokenRotation.interval, 0 when unset.
func rotationInterval(req *adapter.Request) time.Duration {
	if r := req.Account.Spec.VectorCharts.TokenRotation; r != nil && r.Interval != nil {
		return r.Interval.Duration
	}
	return 0
}

// rotationOverlap is spec.vectorCharts.tokenRotation.overlap, 0 when unset.
func rotationOverlap(req *adapter.Request) time.Duration {
	if r := req.Account.Spec.VectorCharts.TokenRotation; r != nil && r.Overlap != nil {
		return r.Overlap.Duration
	}
	return 0
}
