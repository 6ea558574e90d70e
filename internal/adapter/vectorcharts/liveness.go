package vectorcharts

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// defaultCheckInterval is spec.vectorCharts.tokenCheckInterval when unset.
const defaultCheckInterval = time.Hour

// The CredentialsValid verdicts.
var (
	tokenValid = &adapter.CredentialsCheck{Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonTokenValid,
		Message: "the API token in the connection Secret is valid: the operator issued it, or it answered its last check"}
	tokenRevoked = &adapter.CredentialsCheck{Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonTokenRevokedUpstream,
		Message: "the API token in the connection Secret was refused (401): it was revoked upstream; a new one is being issued"}
	tokenReissued = &adapter.CredentialsCheck{Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonTokenReissued,
		Message: "the API token had been revoked upstream; a new one was issued into the connection Secret"}
	checksDisabled = &adapter.CredentialsCheck{}
)

// checkToken checks the Secret's token with one call authenticated by it,
// when its check is due: at spec.vectorCharts.tokenCheckInterval (jittered),
// or on a requested reconcile. revoked reports a 401. When no check is due
// the observation asks to look again when one is.
func (p *Adapter) checkToken(ctx context.Context, req *adapter.Request, obs *adapter.Observation) (revoked bool, err error) {
	uid, iv := req.Account.UID, checkInterval(req)
	if iv <= 0 {
		p.checks.forget(uid)
		obs.Credentials = checksDisabled
		return false, nil
	}
	cur := req.Connection[keyToken]
	if len(cur) == 0 {
		return false, nil // re-issued this pass anyway
	}
	requested := req.Account.Annotations[v1alpha1.AnnotationReconcileRequestedAt] != req.Account.Status.LastHandledReconcileAt
	wait, due := p.checks.due(uid, iv, p.now(), requested)
	if !due {
		obs.RecheckAfter = earliest(obs.RecheckAfter, wait)
		return false, nil
	}
	err = p.client.CheckApiToken(ctx, httpapi.Secret(cur))
	switch {
	case httpapi.IsStatus(err, http.StatusUnauthorized):
		obs.Credentials = tokenRevoked
		return true, nil
	case err != nil:
		return false, fmt.Errorf("check the API token: %w", err)
	}
	obs.Credentials = tokenValid
	obs.RecheckAfter = earliest(obs.RecheckAfter, p.checks.done(uid, iv, p.now()))
	return false, nil
}

// checkInterval is spec.vectorCharts.tokenCheckInterval, or its default.
func checkInterval(req *adapter.Request) time.Duration {
	if d := req.Account.Spec.VectorCharts.TokenCheckInterval; d != nil {
		return d.Duration
	}
	return defaultCheckInterval
}

// checkSchedule holds, per Account, when its token's next check is due. It
// lives in memory, so the checks cost no API writes: after a restart each
// Account's first check falls at a random point within its interval, which
// also spreads the checks of Accounts created together.
type checkSchedule struct {
	mu    sync.Mutex
	next  map[types.UID]time.Time
	swept time.Time
}

func newCheckSchedule() *checkSchedule { return &checkSchedule{next: map[types.UID]time.Time{}} }

// due reports whether uid's check is due at now (or requested), else how long
// until it is. An Account seen for the first time, or whose interval shrank
// below its wait, is scheduled at random within the interval.
func (s *checkSchedule) due(uid types.UID, iv time.Duration, now time.Time, requested bool) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.next[uid]
	if !ok || n.Sub(now) > iv {
		n = now.Add(time.Duration(rand.Int64N(int64(iv))))
		s.next[uid] = n
	}
	if requested || !now.Before(n) {
		return 0, true
	}
	return n.Sub(now), false
}

// done schedules uid's next check 90 % to 100 % of iv after now and returns
// the wait. Entries of Accounts not seen for two days (deleted, paused) go.
func (s *checkSchedule) done(uid types.UID, iv time.Duration, now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	wait := iv - time.Duration(rand.Int64N(int64(iv)/10+1))
	s.next[uid] = now.Add(wait)
	if now.Sub(s.swept) > time.Hour {
		for k, n := range s.next {
			if now.Sub(n) > 48*time.Hour {
				delete(s.next, k)
			}
		}
		s.swept = now
	}
	return wait
}

// dueNow makes uid's check due at once (its token was refused elsewhere).
func (s *checkSchedule) dueNow(uid types.UID, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next[uid] = now
}

func (s *checkSchedule) forget(uid types.UID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.next, uid)
}
