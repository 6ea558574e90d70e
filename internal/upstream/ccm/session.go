package ccm

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// minTokenLife is assumed when the upstream reports an expiry that is already
// past by our clock (clock skew): without it every call would log in again.
const minTokenLife = 30 * time.Second

// session is one login. token and the pointer identity never change; the
// expiry fields change on refresh under Client.mu; selected is guarded by
// Client.scopeMu.
type session struct {
	token      httpapi.Secret
	info       SessionInfo
	expires    time.Time // token expiry
	refreshAt  time.Time // when to refresh: expires minus the margin
	sessionEnd time.Time // refresh cannot extend past this
	selected   string
}

// Format prints the session without its token, whatever the verb.
func (s session) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "ccm.session{token: %s, expires: %s}", httpapi.Redacted, s.expires.Format(time.RFC3339))
}

// flight is a login or refresh in progress; every caller that needs a session
// meanwhile waits on the same one.
type flight struct {
	done chan struct{}
	s    *session
	err  error
}

// session returns a session that is good to use, refreshing or logging in
// first when the cached one is due. Concurrent callers share one flight.
func (c *Client) session(ctx context.Context) (*session, error) {
	c.mu.Lock()
	if s := c.cur; s != nil && c.cfg.Now().Before(s.refreshAt) {
		c.mu.Unlock()
		return s, nil
	}
	f := c.startFlight(ctx)
	c.mu.Unlock()
	return f.wait(ctx)
}

// startFlight joins the flight in progress or starts one: a refresh while the
// token and session are still valid, a login otherwise. Caller holds mu.
func (c *Client) startFlight(ctx context.Context) *flight {
	if c.fl != nil {
		return c.fl
	}
	f := &flight{done: make(chan struct{})}
	c.fl = f
	old, now := c.cur, c.cfg.Now()
	if old != nil && !(now.Before(old.expires) && now.Before(old.sessionEnd)) {
		old = nil // expired: a refresh would only get a 401
	}
	// Detached from the caller: others wait on this flight and must not fail
	// because the first caller gave up.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.LoginTimeout)
	go func() {
		defer cancel()
		var s *session
		var err error
		if old != nil {
			s = c.refresh(fctx, old)
		}
		if s == nil {
			s, err = c.login(fctx)
		}
		c.mu.Lock()
		f.s, f.err, c.fl = s, err, nil
		if err == nil {
			c.cur = s
		}
		c.mu.Unlock()
		close(f.done)
	}()
	return f
}

func (f *flight) wait(ctx context.Context) (*session, error) {
	select {
	case <-f.done:
		return f.s, f.err
	case <-ctx.Done():
		return nil, &httpapi.Error{Upstream: Upstream, Operation: "Login", Err: ctx.Err()}
	}
}

// invalidate drops s after a 401, unless a newer session already replaced it,
// so that many callers failing with the same old token cause one login.
func (c *Client) invalidate(s *session) {
	c.mu.Lock()
	if c.cur == s {
		c.cur = nil
	}
	c.mu.Unlock()
}

// login is POST /sys/auth with Basic credentials and no body.
func (c *Client) login(ctx context.Context) (*session, error) {
	s, _, err := c.loginRaw(ctx)
	return s, err
}

// loginRaw logs in and returns the new session and the answer as received.
func (c *Client) loginRaw(ctx context.Context) (*session, *httpapi.Response, error) {
	cl := call{op: "Login", method: http.MethodPost, path: "/sys/auth", idempotent: true}
	req := c.request(cl, nil, nil)
	build := req.Build
	req.Build = func(ctx context.Context) (*http.Request, error) {
		r, err := build(ctx)
		if err == nil {
			r.Header.Set("Authorization", "Basic "+c.basicValue())
		}
		return r, err
	}
	resp, err := c.api.Do(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		AccessToken httpapi.Secret `json:"access_token"`
		SessionInfo SessionInfo    `json:"session_info"`
	}
	if err := c.api.Decode("Login", resp, &out); err != nil {
		return nil, nil, err
	}
	if out.AccessToken.Empty() {
		return nil, nil, &httpapi.Error{Upstream: Upstream, Operation: "Login", StatusCode: resp.StatusCode,
			Message: "response has no access_token"}
	}
	s := &session{token: out.AccessToken}
	c.setExpiry(s, out.SessionInfo)
	return s, resp, nil
}

// refresh extends old's token with POST /sys/session/refresh. It returns nil
// when that fails or gains nothing, and the caller logs in instead.
func (c *Client) refresh(ctx context.Context, old *session) *session {
	cl := call{op: "RefreshSession", method: http.MethodPost, path: "/sys/session/refresh"}
	resp, err := c.api.Do(ctx, c.request(cl, nil, old))
	if err != nil {
		return nil
	}
	var out sessionResponse
	if c.api.Decode(cl.op, resp, &out) != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !epoch(out.SessionInfo.SessionTokenExpiresAt).After(old.expires) {
		return nil // at the session's end: only a new login helps
	}
	c.setExpiry(old, out.SessionInfo)
	return old
}

// setExpiry computes when s expires and when to refresh it. Callers hold mu
// or own s exclusively.
func (c *Client) setExpiry(s *session, info SessionInfo) {
	now := c.cfg.Now()
	s.info = info
	s.expires = epoch(info.SessionTokenExpiresAt)
	if !s.expires.After(now) {
		s.expires = now.Add(minTokenLife)
	}
	s.sessionEnd = epoch(info.SessionExpiresAt)
	if s.sessionEnd.Before(s.expires) {
		s.sessionEnd = s.expires
	}
	margin := min(c.cfg.RefreshMargin, s.expires.Sub(now)/2)
	s.refreshAt = s.expires.Add(-margin)
}

// epoch reads a CCM timestamp. The unit is undocumented and assumed to be
// seconds; values too large for seconds are read as milliseconds.
func epoch(v int64) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case IsMillis(v):
		return time.UnixMilli(v)
	}
	return time.Unix(v, 0)
}

// IsMillis reports whether a CCM timestamp is in milliseconds: above 1e11,
// which in seconds is the year 5138 and in milliseconds March 1973, so the
// two ranges cannot meet for any session of today.
func IsMillis(v int64) bool { return v > 1e11 }

// Login logs in now, joining a login or refresh already in flight, and
// caches the session for later calls.
func (c *Client) Login(ctx context.Context) (*SessionInfo, error) {
	c.mu.Lock()
	c.cur = nil
	f := c.startFlight(ctx)
	c.mu.Unlock()
	s, err := f.wait(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	info := s.info
	c.mu.Unlock()
	return &info, nil
}
