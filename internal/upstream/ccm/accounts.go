package ccm

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// maxPages bounds FindAccountByName and FindAccountByID against an upstream that never ends a listing.
const maxPages = 10000

// ListOptions are the query parameters of GET /accounts. Paging is by keyset:
// PreviousID is the last acct_id of the previous page.
type ListOptions struct {
	Limit      int    // 0: upstream default
	PreviousID string // "" for the first page
	Scope      string // USER | SYSTEM; "" for the upstream default (USER)
	SortBy     string // e.g. "name:ASC"; "" for the upstream default
}

// Version is GET /sys/version, which needs no authentication.
func (c *Client) Version(ctx context.Context) (*VersionResponse, error) {
	var out VersionResponse
	err := c.decode(ctx, call{op: "Version", method: http.MethodGet, path: "/sys/version",
		idempotent: true, noAuth: true}, &out)
	return nilIfErr(&out, err)
}

// Verify checks the credentials with the cheapest authenticated call: a login
// (if no session is cached) and a one-item listing.
func (c *Client) Verify(ctx context.Context) error {
	_, err := c.ListAccounts(ctx, ListOptions{Limit: 1})
	return err
}

// CreateAccount is POST /accounts (200 with the Account). It is never retried:
// a lost response may still have created the account, so on any failure look
// it up with FindAccountByName before creating again. A duplicate name is a
// 400 (the vendor documents no distinct code).
func (c *Client) CreateAccount(ctx context.Context, req AccountRequest) (*Account, error) {
	var out Account
	err := c.decode(ctx, call{op: "CreateAccount", method: http.MethodPost, path: "/accounts",
		body: req, secrets: configSecrets(req.AuthConfigs...)}, &out)
	return nilIfErr(&out, err)
}

// GetAccount is GET /accounts/{id}; totals are filled when withTotals is set.
// An account the user is not a member of is a 403; an unknown id is a 404,
// or a 403 on an instance that checks membership first (undocumented; see
// FindAccountByID).
func (c *Client) GetAccount(ctx context.Context, id string, withTotals bool) (*Account, error) {
	var out Account
	err := c.decode(ctx, call{op: "GetAccount", method: http.MethodGet, path: accountPath(id),
		query: url.Values{"with_totals": {strconv.FormatBool(withTotals)}}, idempotent: true}, &out)
	return nilIfErr(&out, err)
}

// ListAccounts returns one page of GET /accounts.
func (c *Client) ListAccounts(ctx context.Context, opts ListOptions) (*AccountListResponse, error) {
	q := url.Values{}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	for k, v := range map[string]string{"previous_id": opts.PreviousID, "scope": opts.Scope, "sort_by": opts.SortBy} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var out AccountListResponse
	err := c.decode(ctx, call{op: "ListAccounts", method: http.MethodGet, path: "/accounts",
		query: q, idempotent: true}, &out)
	return nilIfErr(&out, err)
}

// FindAccountByName pages through every account the user can see and returns
// the one with exactly this name, or nil (and no error) when there is none.
// CCM has no name filter; names are unique per instance.
func (c *Client) FindAccountByName(ctx context.Context, name string) (*Account, error) {
	return c.find(ctx, func(a *Account) bool { return a.Name == name })
}

// FindAccountByID pages through every account the user can see for this id,
// or returns nil (and no error). Unlike GetAccount it tells an account that
// is gone from one the user may not read, where CCM answers both with 403:
// a deleted account is not listed, an existing one the user belongs to is.
func (c *Client) FindAccountByID(ctx context.Context, id string) (*Account, error) {
	return c.find(ctx, func(a *Account) bool { return a.AcctID == id })
}

// find pages through the listing until match holds. Paging is bounded and
// must make progress.
func (c *Client) find(ctx context.Context, match func(*Account) bool) (*Account, error) {
	prev := ""
	for range maxPages {
		page, err := c.ListAccounts(ctx, ListOptions{Limit: c.cfg.PageSize, PreviousID: prev})
		if err != nil {
			return nil, err
		}
		for i := range page.Items {
			if match(&page.Items[i]) {
				return &page.Items[i], nil
			}
		}
		if len(page.Items) < c.cfg.PageSize {
			return nil, nil
		}
		last := page.Items[len(page.Items)-1].AcctID
		if last == prev || last == "" {
			return nil, &httpapi.Error{Upstream: Upstream, Operation: "ListAccounts",
				Err: fmt.Errorf("paging made no progress")}
		}
		prev = last
	}
	return nil, &httpapi.Error{Upstream: Upstream, Operation: "ListAccounts",
		Err: fmt.Errorf("more than %d pages of accounts", maxPages)}
}

// UpdateAccount is PATCH /accounts/{id} after selecting the account. A
// request that adds auth configs is not retried (a repeat would add them
// twice); other changes are idempotent and retried on 5xx. An unknown id is
// a 404 or 403 (from select_account), as for GetAccount.
func (c *Client) UpdateAccount(ctx context.Context, id string, req AccountUpdateRequest) (*Account, error) {
	secrets := configSecrets(req.AddAuthConfigs...)
	for _, cfg := range req.ModAuthConfigs {
		secrets = append(secrets, configSecrets(cfg)...)
	}
	var out Account
	err := c.decode(ctx, call{op: "UpdateAccount", method: http.MethodPatch, path: accountPath(id),
		body: req, idempotent: len(req.AddAuthConfigs) == 0, scope: id, secrets: secrets}, &out)
	return nilIfErr(&out, err)
}

// DeleteAccount is DELETE /accounts/{id} (204) after selecting the account.
// A 404, from select_account or the delete, means already gone and returns
// nil. A 403 is returned as it is: it may be a missing role or, on some
// instances, a deleted account; FindAccountByID tells them apart.
func (c *Client) DeleteAccount(ctx context.Context, id string) error {
	_, err := c.do(ctx, call{op: "DeleteAccount", method: http.MethodDelete, path: accountPath(id),
		idempotent: true, scope: id})
	if httpapi.IsNotFound(err) {
		return nil
	}
	return err
}

// SelectAccount is POST /sys/session/select_account/{id} (or em-client's
// /accounts/select_account/{id}): it scopes the shared session to the
// account. Update and Delete do this themselves. A 204 without a body is
// success too; the SessionInfo is then the client's own view.
func (c *Client) SelectAccount(ctx context.Context, id string) (*SessionInfo, error) {
	c.scopeMu.Lock()
	defer c.scopeMu.Unlock()
	var sel *session
	resp, err := c.withSession(ctx, func(s *session) (*httpapi.Response, error) {
		sel = s
		return c.postSelect(ctx, s, id)
	})
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		c.mu.Lock()
		info := sel.info
		c.mu.Unlock()
		info.SelectedAccountID = id
		return &info, nil
	}
	var out sessionResponse
	if err := c.api.Decode("SelectAccount", resp, &out); err != nil {
		return nil, err
	}
	return &out.SessionInfo, nil
}

func (c *Client) decode(ctx context.Context, cl call, out any) error {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	return c.api.Decode(cl.op, resp, out)
}

func accountPath(id string) string { return "/accounts/" + url.PathEscape(id) }

func nilIfErr[T any](v *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

// PageSize is the page size listings use.
func (c *Client) PageSize() int { return c.cfg.PageSize }
