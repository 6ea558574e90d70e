package ccm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/account-operator/account-operator/internal/adapter"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

var _ adapter.Prober = (*Adapter)(nil)

// probePage is how many accounts the probe lists: one page, small.
const probePage = 5

// maxDetail bounds one check's detail.
const maxDetail = 512

// Probe checks the instance against what the operator relies on, read-only:
// log in, refresh the session, list the first page of accounts, read and
// select the first one listed, and read an account id that does not exist.
// Each answer is compared with the vendor's documented model. Nothing here
// creates, changes or deletes an account.
func (p *Adapter) Probe(ctx context.Context) []adapter.ProbeCheck {
	login := p.probeLogin(ctx)
	if !login.OK {
		return []adapter.ProbeCheck{login}
	}
	checks := []adapter.ProbeCheck{login,
		conformCheck("RefreshSession", &ccmapi.DocSessionResponse{})(p.api.RawRefresh(ctx))}
	list, first := p.probeList(ctx)
	checks = append(checks, list)
	if first == "" {
		none := "no account listed to read"
		checks = append(checks, adapter.ProbeCheck{Name: "GetAccount", OK: list.OK, Detail: none},
			adapter.ProbeCheck{Name: "SelectAccount", OK: list.OK, Detail: none})
	} else {
		checks = append(checks, conformCheck("GetAccount", &ccmapi.DocAccount{})(p.api.RawGetAccount(ctx, first)),
			p.probeSelect(ctx, first))
	}
	return append(checks, p.probeUnknown(ctx))
}

// probeLogin logs in with Basic credentials; the answer's token is blanked
// by the client before it gets here.
func (p *Adapter) probeLogin(ctx context.Context) adapter.ProbeCheck {
	resp, err := p.api.RawLogin(ctx)
	c := conformCheck("Authenticate", &ccmapi.DocAuthResponse{})(resp, err)
	if err != nil {
		return c
	}
	var info struct {
		SessionInfo struct {
			TokenExpiresAt int64 `json:"session_token_expires_at"`
		} `json:"session_info"`
	}
	if json.Unmarshal(resp.Body, &info) == nil && ccmapi.IsMillis(info.SessionInfo.TokenExpiresAt) {
		c.Detail = joinDetail(c.Detail, "session expiry timestamps are epoch milliseconds, not seconds (handled)")
	}
	return c
}

// probeList lists the first page and returns the first account id.
func (p *Adapter) probeList(ctx context.Context) (adapter.ProbeCheck, string) {
	resp, err := p.api.RawListAccounts(ctx, probePage)
	c := conformCheck("ListAccounts", &ccmapi.DocAccountList{})(resp, err)
	if err != nil {
		return c, ""
	}
	var page struct {
		Items []struct {
			AcctID string `json:"acct_id"`
		} `json:"items"`
	}
	if json.Unmarshal(resp.Body, &page) != nil || len(page.Items) == 0 {
		return c, ""
	}
	return c, page.Items[0].AcctID
}

// probeSelect selects the account: 200 with session_info is documented; 204
// and em-client's path are accepted and noted.
func (p *Adapter) probeSelect(ctx context.Context, id string) adapter.ProbeCheck {
	resp, err := p.api.RawSelectAccount(ctx, id)
	c := conformCheck("SelectAccount", &ccmapi.DocSessionResponse{})(resp, err)
	if err != nil {
		return c
	}
	if resp.StatusCode == http.StatusNoContent {
		c.Detail = "answered 204 without a body, not 200 with session_info (accepted)"
	}
	if path := p.api.SelectPath(); !strings.HasPrefix(path, "/sys/session/") {
		c.Detail = joinDetail(c.Detail, "served at "+path+", not /sys/session/select_account/{id} (accepted)")
	}
	return c
}

// probeUnknown reads an account id that cannot exist, to learn how this
// instance answers for a deleted account: 404, or 403 like a forbidden one.
func (p *Adapter) probeUnknown(ctx context.Context) adapter.ProbeCheck {
	const name = "GetUnknownAccount"
	_, err := p.api.RawGetAccount(ctx, randomUUID())
	switch code := httpapi.StatusCode(err); {
	case code == http.StatusNotFound:
		return adapter.ProbeCheck{Name: name, OK: true}
	case code == http.StatusForbidden:
		return adapter.ProbeCheck{Name: name, OK: true, Detail: "answered 403, not 404, for an account id that " +
			"does not exist (handled: a 403 for an account the account list does not show is read as deleted)"}
	case err == nil:
		return adapter.ProbeCheck{Name: name, Detail: "answered 2xx for an account id that does not exist"}
	}
	return failedCheck(name, err)
}

// conformCheck turns a raw answer into a check: its differences from the
// documented model, or why there was no usable answer.
func conformCheck(name string, model any) func(*httpapi.Response, error) adapter.ProbeCheck {
	return func(resp *httpapi.Response, err error) adapter.ProbeCheck {
		if err != nil {
			return failedCheck(name, err)
		}
		if resp.StatusCode == http.StatusNoContent && len(resp.Body) == 0 {
			return adapter.ProbeCheck{Name: name, OK: true}
		}
		return adapter.ProbeCheck{Name: name, OK: true, Detail: bounded(strings.Join(httpapi.Conform(resp.Body, model), "; "))}
	}
}

// failedCheck names the status code, or why no answer came. httpapi errors
// carry no secret: credentials are scrubbed from them where they arise.
func failedCheck(name string, err error) adapter.ProbeCheck {
	var he *httpapi.Error
	if errors.As(err, &he) && he.StatusCode != 0 {
		return adapter.ProbeCheck{Name: name, Detail: fmt.Sprintf("answered HTTP %d", he.StatusCode)}
	}
	return adapter.ProbeCheck{Name: name, Detail: bounded("no answer: " + err.Error())}
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return bounded(a + "; " + b)
}

func bounded(s string) string {
	if len(s) <= maxDetail {
		return s
	}
	return strings.ToValidUTF8(s[:maxDetail-3], "") + "..."
}

// randomUUID is a version 4 UUID no account has.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
