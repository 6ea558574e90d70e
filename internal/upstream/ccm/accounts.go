package ccm

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// maxPages bounds FindAccountByName against an upstream that never ends a listing.
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
// An unknown id is a 404, an account the user is not a member of a 403.
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
	prev := ""
	for range maxPages {
		page, err := c.ListAccounts(ctx, ListOptions{Limit: c.cfg.PageSize, PreviousID: prev})
		if err != nil {
			return nil, err
		}
		for i := range page.Items {
			if page.Items[i].Name == name {
				return &page.Items[i], nil
			}
		}
		if len(page.Items) < c.cfg.PageSize {
			return nil, nil
		}
		last := page.Items[len(page.Items)-1].AcctID
		if last == prev || last == "" {
			return nil, &httpapi.Error{Provider: Provider, Operation: "ListAccounts",
				Err: fmt.Errorf("paging made no progress")}
		}
		prev = last
	}
	return nil, &httpapi.Error{Provider: Provider, Operation: "ListAccounts",
		Err: fmt.Errorf("more than %d pages of accounts", maxPages)}
}

// UpdateAccount is PATCH /accounts/{id} after selecting the account. A
// request that adds auth configs is not retried (a repeat would add them
// twice); other changes are idempotent and retried on 5xx. An unknown id is
// a 404 (from select_account).
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
// A 404, from select_account or the delete, means already gone and returns nil.
func (c *Client) DeleteAccount(ctx context.Context, id string) error {
	_, err := c.do(ctx, call{op: "DeleteAccount", method: http.MethodDelete, path: accountPath(id),
		idempotent: true, scope: id})
	if httpapi.IsNotFound(err) {
		return nil
	}
	return err
}

// SelectAccount is POST /sys/session/select_account/{id}: it scopes the
// shared session to the account. Update and Delete do this themselves.
func (c *Client) SelectAccount(ctx context.Context, id string) (*SessionInfo, error) {
	var out sessionResponse
	err := c.decode(ctx, call{op: "SelectAccount", method: http.MethodPost,
		path: "/sys/session/select_account/" + url.PathEscape(id), idempotent: true, selects: id}, &out)
	if err != nil {
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
