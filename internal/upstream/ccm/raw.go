package ccm

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// The Raw calls are for the conformance probe: each is a read (or a session
// call) whose answer is returned as received, for a strict comparison with
// the documented model. None changes an account. A non-2xx answer is an
// *httpapi.Error carrying the status.

// RawLogin logs in and keeps the session for later calls, like Login. The
// body comes back with the access_token's value replaced, so the token
// never leaves the package; its JSON type is kept.
func (c *Client) RawLogin(ctx context.Context) (*httpapi.Response, error) {
	s, resp, err := c.loginRaw(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.cur = s
	c.mu.Unlock()
	out := *resp
	out.Body = withoutToken(resp.Body)
	return &out, nil
}

// withoutToken replaces a string access_token with a placeholder.
func withoutToken(body []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	var tok string
	if raw, ok := m["access_token"]; ok && json.Unmarshal(raw, &tok) == nil {
		m["access_token"] = json.RawMessage(`"` + httpapi.Redacted + `"`)
	}
	out, _ := json.Marshal(m)
	return out
}

// RawRefresh refreshes the current session (logging in first if there is
// none) and keeps the new expiry.
func (c *Client) RawRefresh(ctx context.Context) (*httpapi.Response, error) {
	return c.withSession(ctx, func(s *session) (*httpapi.Response, error) {
		cl := call{op: "RefreshSession", method: http.MethodPost, path: "/sys/session/refresh"}
		resp, err := c.api.Do(ctx, c.request(cl, nil, s))
		if err != nil {
			return nil, err
		}
		var out sessionResponse
		if json.Unmarshal(resp.Body, &out) == nil && epoch(out.SessionInfo.SessionTokenExpiresAt).After(s.expires) {
			c.mu.Lock()
			c.setExpiry(s, out.SessionInfo)
			c.mu.Unlock()
		}
		return resp, nil
	})
}

// RawListAccounts is the first page of GET /accounts.
func (c *Client) RawListAccounts(ctx context.Context, limit int) (*httpapi.Response, error) {
	return c.do(ctx, call{op: "ListAccounts", method: http.MethodGet, path: "/accounts",
		query: url.Values{"limit": {strconv.Itoa(limit)}}, idempotent: true})
}

// RawGetAccount is GET /accounts/{id}.
func (c *Client) RawGetAccount(ctx context.Context, id string) (*httpapi.Response, error) {
	return c.do(ctx, call{op: "GetAccount", method: http.MethodGet, path: accountPath(id),
		query: url.Values{"with_totals": {"false"}}, idempotent: true})
}

// RawSelectAccount is select_account at whichever path the instance serves.
func (c *Client) RawSelectAccount(ctx context.Context, id string) (*httpapi.Response, error) {
	c.scopeMu.Lock()
	defer c.scopeMu.Unlock()
	return c.withSession(ctx, func(s *session) (*httpapi.Response, error) { return c.postSelect(ctx, s, id) })
}

// SelectPath is the select_account path that last worked, relative to the
// API prefix.
func (c *Client) SelectPath() string { return selectPaths[c.selectAt.Load()] + "{id}" }
