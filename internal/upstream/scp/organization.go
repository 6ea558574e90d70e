package scp

import (
	"context"
	"net/http"
	"strconv"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// maxPages bounds AccountsNamed whatever the server reports as count.
const maxPages = 1000

// GetAccount reads an organization account (GET /v1/organization-accounts/{id}).
// A 404 (httpapi.IsNotFound) means unknown or closed; right after CreateAccount
// it may also mean "not visible yet", which the caller treats as provisioning
// for a bounded time.
func (c *Client) GetAccount(ctx context.Context, accountID string) (*Account, error) {
	cl, err := c.getAccountCall(accountID)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var out accountEnvelope
	if err := c.http.Decode(cl.op, resp, &out); err != nil {
		return nil, err
	}
	if out.Account == nil || out.Account.ID == "" {
		return nil, malformed(cl.op, resp, "account missing")
	}
	return out.Account, nil
}

func (c *Client) getAccountCall(accountID string) (call, error) {
	id, err := pathID("account", accountID)
	if err != nil {
		return call{}, err
	}
	cl := c.organizationCall("GetAccount", http.MethodGet, "/v1/organization-accounts/"+id)
	cl.idempotent = true
	return cl, nil
}

// ListAccounts lists organization accounts (GET /v1/organization-accounts).
// Whether the name filter is exact or a substring match is undocumented; use
// AccountsNamed to match a name.
func (c *Client) ListAccounts(ctx context.Context, opts ListAccountsOptions) (*AccountPage, error) {
	cl := c.listCall(opts)
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var out AccountPage
	if err := c.http.Decode(cl.op, resp, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) listCall(opts ListAccountsOptions) call {
	cl := c.organizationCall("ListAccounts", http.MethodGet, "/v1/organization-accounts")
	cl.idempotent = true
	for _, kv := range [][2]string{{"name", opts.Name}, {"email", opts.Email},
		{"parent_unit_id", opts.ParentUnitID}, {"organization_id", opts.OrganizationID}} {
		if kv[1] != "" {
			cl.query.add(kv[0], kv[1])
		}
	}
	if opts.Page > 0 {
		cl.query.add("page", strconv.Itoa(opts.Page))
	}
	if opts.Size > 0 {
		cl.query.add("size", strconv.Itoa(opts.Size))
	}
	return cl
}

// AccountsNamed pages through the accounts and returns those whose name
// equals name exactly (in any state). It is how a create that may have
// happened (timeout, 5xx, a duplicate answer) is found again; the caller
// decides which states it may adopt.
func (c *Client) AccountsNamed(ctx context.Context, name string) ([]Account, error) {
	return c.accountsWhere(ctx, ListAccountsOptions{Name: name}, func(a Account) bool { return a.Name == name })
}

// AccountsWithEmail returns the accounts whose email equals email exactly,
// to tell which of name or email a duplicate answer was about.
func (c *Client) AccountsWithEmail(ctx context.Context, email string) ([]Account, error) {
	return c.accountsWhere(ctx, ListAccountsOptions{Email: email}, func(a Account) bool { return string(a.Email) == email })
}

// accountsWhere pages through a filtered listing and keeps what match
// accepts: whether the server filters exactly or by substring is
// undocumented. A filter value that would need percent-escaping in the query
// is not sent: how the server signs an escaped URL is the one unclear point
// of the scheme, so such values are matched over an unfiltered listing.
func (c *Client) accountsWhere(ctx context.Context, filter ListAccountsOptions, match func(Account) bool) ([]Account, error) {
	opts := ListAccountsOptions{Size: c.pageSize}
	if wireSafe(filter.Name) {
		opts.Name = filter.Name
	}
	if wireSafe(filter.Email) {
		opts.Email = filter.Email
	}
	var found []Account
	for page := 0; page < maxPages; page++ {
		opts.Page = page
		p, err := c.ListAccounts(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, a := range p.Accounts {
			if match(a) {
				found = append(found, a)
			}
		}
		if LastPage(p, page, opts.Size) {
			break
		}
	}
	return found, nil
}

// LastPage reports whether p, page number page of size, is the last.
func LastPage(p *AccountPage, page, size int) bool {
	if len(p.Accounts) < size {
		return true
	}
	return p.Count > 0 && (page+1)*size >= p.Count
}

// MoveAccount moves one account under another OU
// (PUT /v1/organization-accounts/parent). The call answers 200 even when the
// move failed for some targets; a failed_ids entry for the account, or no
// success_ids entry, comes back as an *httpapi.Error wrapping ErrMoveFailed
// with the upstream error_code and cause. Moving to the current OU again is
// harmless, so the call is retried like a read.
func (c *Client) MoveAccount(ctx context.Context, organizationID, accountID, parentUnitID string) (*MoveAccountResponse, error) {
	cl := c.organizationCall("MoveAccount", http.MethodPut, "/v1/organization-accounts/parent")
	cl.idempotent = true
	cl.body = MoveAccountRequest{OrganizationID: organizationID, ParentUnitID: parentUnitID,
		TargetAccountIDs: []string{accountID}}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var out MoveAccountResponse
	if err := c.http.Decode(cl.op, resp, &out); err != nil {
		return nil, err
	}
	return &out, c.moveOutcome(cl.op, resp, &out, accountID)
}

func (c *Client) moveOutcome(op string, resp *httpapi.Response, out *MoveAccountResponse, accountID string) error {
	for _, f := range out.FailedIDs {
		if f.FailedID == accountID {
			return &httpapi.Error{Upstream: Upstream, Operation: op, StatusCode: resp.StatusCode,
				Code: c.scrub(f.ErrorCode), Message: c.scrub(f.FailedCaused), Err: ErrMoveFailed}
		}
	}
	for _, s := range out.SuccessIDs {
		if s.SuccessID == accountID {
			return nil
		}
	}
	return &httpapi.Error{Upstream: Upstream, Operation: op, StatusCode: resp.StatusCode,
		Message: "account not listed in success_ids", Err: ErrMoveFailed}
}

// scrub bounds and cleans an upstream string the client puts in an error
// itself (httpapi does the same for error bodies).
func (c *Client) scrub(s string) string {
	return httpapi.Truncate(httpapi.Scrub(s, c.accessKey, c.secretKey))
}

// DeleteAccount closes an account (DELETE /v1/organization-accounts/{id},
// organization 1.2 only, 204). The account is then PENDING_CLOSURE; what
// follows is undocumented: it disappears (reads answer 404) or stays listed
// as SUSPENDED. A 404 here means already gone and returns nil (done). Never
// call it again for an account already closing or suspended: read first.
func (c *Client) DeleteAccount(ctx context.Context, accountID string) error {
	id, err := pathID("account", accountID)
	if err != nil {
		return err
	}
	cl := c.organizationCall("DeleteAccount", http.MethodDelete, "/v1/organization-accounts/"+id)
	cl.idempotent = true
	_, err = c.do(ctx, cl)
	if httpapi.IsNotFound(err) {
		return nil
	}
	return err
}

// Verify checks the credentials with the cheapest authenticated call, a
// one-item account listing: 401 means a bad key or signature (or clock skew),
// 403 not the organization's management account.
func (c *Client) Verify(ctx context.Context) error {
	_, err := c.ListAccounts(ctx, ListAccountsOptions{Size: 1})
	return err
}
