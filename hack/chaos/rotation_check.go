package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Connection Secret keys of a VectorCharts token (README, "The connection
// Secret"): the current one, and the one a rotation replaced until it is
// revoked.
const (
	keyToken         = "token"
	keyTokenPrevious = "token.previous"
)

// upstreamToken is one API token that authenticates, as the VectorCharts
// sandbox's admin endpoint lists it (GET /vectorcharts/tokens): never the
// bearer, its SHA-256.
type upstreamToken struct {
	AccountID int64  `json:"accountId"`
	Name      string `json:"name"`
	SHA256    string `json:"sha256"`
	Initial   bool   `json:"initial"`   // made by createAccount with the account
	CreatedAt int64  `json:"createdAt"` // Unix milliseconds
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fingerprint is status.vectorCharts.tokenFingerprint of a token: the first
// 8 hex digits of its SHA-256 (its field documentation).
func fingerprint(tok []byte) string { return sha256Hex(tok)[:8] }

// handledRotation is status.vectorCharts.lastHandledRotateRequestedAt.
func handledRotation(a *v1alpha1.Account) string {
	if st := a.Status.VectorCharts; st != nil {
		return st.LastHandledRotateRequestedAt
	}
	return ""
}

// rotationPending says why an Account's rotation to value has not settled,
// or "" once it has: Ready, value handled, the Secret holding a token and no
// token.previous, and status recording the Secret's token as held (so the
// pass that revokes what the operator no longer holds is over).
func rotationPending(a *v1alpha1.Account, s *corev1.Secret, value string) string {
	switch {
	case !ready(a.Status.Conditions, a.Generation):
		return "not Ready"
	case handledRotation(a) != value:
		return "last rotation not handled"
	case s == nil || len(s.Data[keyToken]) == 0:
		return "no token in the connection Secret"
	case s.Data[keyTokenPrevious] != nil:
		return "token.previous not yet revoked"
	case a.Status.VectorCharts.TokenFingerprint != fingerprint(s.Data[keyToken]):
		return "status does not record the Secret's token as held"
	}
	return ""
}

// tokenFigures is what one Account's upstream tokens show.
type tokenFigures struct {
	lost        bool          // the Secret's token does not authenticate upstream
	tooOld      time.Duration // > 0: it was made this long before the last rotation was requested
	strayMinted int           // other valid tokens the operator named (account-operator-*)
	strayInit   int           // other valid tokens createAccount made
	strayOther  int           // other valid tokens by any other name
}

// mintedPrefix starts the name of every token the operator mints (README,
// "Token rotation and revocation").
const mintedPrefix = "account-operator"

// judgeTokens sorts an upstream account's valid tokens against the one the
// connection Secret holds: every token but that one is stray (no user makes
// tokens in a chaos run, so every one of them came from the operator's
// calls). requested is when the last rotation was asked for.
func judgeTokens(held []byte, toks []upstreamToken, requested time.Time) tokenFigures {
	var f tokenFigures
	f.lost = true
	want := ""
	if len(held) > 0 {
		want = sha256Hex(held)
	}
	for _, t := range toks {
		switch {
		case want != "" && t.SHA256 == want:
			f.lost = false
			f.tooOld = max(0, time.Duration(requested.UnixMilli()-t.CreatedAt)*time.Millisecond)
		case t.Initial:
			f.strayInit++
		case strings.HasPrefix(t.Name, mintedPrefix):
			f.strayMinted++
		default:
			f.strayOther++
		}
	}
	return f
}

// checkRotation checks every Account of a rotation scenario once its
// rotations have settled (or the wait gave up): its last rotation handled,
// by a token made after it was requested; the connection Secret's token
// valid upstream (else it is lost); no other valid token on its upstream
// account.
func (h *harness) checkRotation(ctx context.Context, ns string, accts []account, last string, r *Result) error {
	requested, err := time.Parse(time.RFC3339Nano, last)
	if err != nil {
		return err
	}
	return h.eachTokenHolder(ctx, ns, accts, func(a *v1alpha1.Account, s *corev1.Secret, toks []upstreamToken) {
		tallyRotation(a, s, toks, last, requested, r)
	})
}

// checkTokens counts, in a scenario without rotations, the VectorCharts
// Accounts whose connection Secret's token is missing or not valid upstream:
// lost tokens.
func (h *harness) checkTokens(ctx context.Context, ns string, accts []account, r *Result) error {
	st := r.HA
	return h.eachTokenHolder(ctx, ns, accts, func(a *v1alpha1.Account, s *corev1.Secret, toks []upstreamToken) {
		var held []byte
		if s != nil {
			held = s.Data[keyToken]
		}
		st.TokensChecked += len(toks)
		if judgeTokens(held, toks, time.Time{}).lost {
			st.LostTokens++
			r.note("%s: the connection Secret's token is missing or not valid upstream (account %s)", a.Name, a.Status.AccountID)
		}
	})
}

// eachTokenHolder calls f with every VectorCharts Account of accts, its
// connection Secret (nil if missing) and its upstream account's valid API
// tokens. An Account that is gone is left out: checkConverged counts it.
func (h *harness) eachTokenHolder(ctx context.Context, ns string, accts []account,
	f func(*v1alpha1.Account, *corev1.Secret, []upstreamToken)) error {
	l, err := h.accounts(ctx, ns)
	if err != nil {
		return err
	}
	secrets, err := h.secrets(ctx, ns)
	if err != nil {
		return err
	}
	var toks []upstreamToken
	if err := h.env.AdminGet(ctx, "/vectorcharts/tokens", &toks); err != nil {
		return err
	}
	byAccount := map[string][]upstreamToken{}
	for _, t := range toks {
		id := strconv.FormatInt(t.AccountID, 10)
		byAccount[id] = append(byAccount[id], t)
	}
	byName := map[string]*v1alpha1.Account{}
	for i := range l {
		byName[l[i].Name] = &l[i]
	}
	for _, a := range accts {
		if obj := byName[a.Name]; obj != nil && a.Upstream == "vectorcharts" {
			f(obj, secrets[obj.ConnectionSecretName()], byAccount[obj.Status.AccountID])
		}
	}
	return nil
}

// tallyRotation adds one Account's figures to r.
func tallyRotation(a *v1alpha1.Account, s *corev1.Secret, toks []upstreamToken, last string, requested time.Time, r *Result) {
	st := r.Rotation
	var held []byte
	if s != nil {
		held = s.Data[keyToken]
	}
	f := judgeTokens(held, toks, requested)
	st.TokensChecked += len(toks)
	if handledRotation(a) != last {
		st.NotHandled++
		r.note("%s: last rotation handled %q, want %q", a.Name, handledRotation(a), last)
	}
	if f.lost {
		st.LostTokens++
		r.note("%s: the connection Secret's token is missing or not valid upstream (account %s)", a.Name, a.Status.AccountID)
	} else if f.tooOld > 0 {
		st.TokenTooOld++
		r.note("%s: the Secret's token was made %s before the last rotation was requested (%s)", a.Name, f.tooOld, last)
	}
	st.StrayMinted += f.strayMinted
	st.StrayInitial += f.strayInit
	st.StrayOther += f.strayOther
	if n := f.strayMinted + f.strayInit + f.strayOther; n > 0 {
		r.note("%s: %d valid tokens beyond the Secret's: %d minted, %d initial, %d other", a.Name, n,
			f.strayMinted, f.strayInit, f.strayOther)
	}
}
