package scp

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// maxPages bounds FindAccountByName whatever the server reports as count.
const maxPages = 1000

// GetAccount reads an organization account (GET /v1/organization-accounts/{id}).
// A 404 (httpapi.IsNotFound) means unknown or closed; right after CreateAccount
// it may also mean "not visible yet", which the caller treats as pending.
func (c *Client) GetAccount(ctx context.Context, accountID string) (*Account, error) {
	id, err := pathID("account", accountID)
	if err != nil {
		return nil, err
	}
	cl := c.organizationCall("GetAccount", http.MethodGet, "/v1/organization-accounts/"+id)
	cl.idempotent = true
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

// ListAccounts lists organization accounts (GET /v1/organization-accounts).
// Whether the name filter is exact or a substring match is undocumented; use
// FindAccountByName to match a name.
func (c *Client) ListAccounts(ctx context.Context, opts ListAccountsOptions) (*AccountPage, error) {
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

// FindAccountByName pages through the accounts and returns the one whose name
// equals name exactly, nil if none, or ErrAmbiguousName if several do. It is
// how a create that may have happened (timeout, 5xx, 409) is adopted.
//
// A name that would need percent-escaping in the query is not sent as a
// filter: how the server signs an escaped URL is the one unclear point of the
// scheme, so such names are matched over an unfiltered listing instead.
func (c *Client) FindAccountByName(ctx context.Context, name string) (*Account, error) {
	opts := ListAccountsOptions{Size: c.pageSize}
	if wireSafe(name) {
		opts.Name = name
	}
	var found []Account
	for page := 0; page < maxPages; page++ {
		opts.Page = page
		p, err := c.ListAccounts(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, a := range p.Accounts {
			if a.Name == name {
				found = append(found, a)
			}
		}
		if lastPage(p, page, opts.Size) {
			break
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	default:
		return nil, fmt.Errorf("%w: %d accounts named %q", ErrAmbiguousName, len(found), name)
	}
}

func lastPage(p *AccountPage, page, size int) bool {
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
			return &httpapi.Error{Provider: Provider, Operation: op, StatusCode: resp.StatusCode,
				Code: c.scrub(f.ErrorCode), Message: c.scrub(f.FailedCaused), Err: ErrMoveFailed}
		}
	}
	for _, s := range out.SuccessIDs {
		if s.SuccessID == accountID {
			return nil
		}
	}
	return &httpapi.Error{Provider: Provider, Operation: op, StatusCode: resp.StatusCode,
		Message: "account not listed in success_ids", Err: ErrMoveFailed}
}

// scrub bounds and cleans an upstream string the client puts in an error
// itself (httpapi does the same for error bodies).
func (c *Client) scrub(s string) string {
	return httpapi.Truncate(httpapi.Scrub(s, c.accessKey, c.secretKey))
}

// DeleteAccount closes an account (DELETE /v1/organization-accounts/{id},
// organization 1.2 only, 204). The account then stays PENDING_CLOSURE for a
// while before reads answer 404; poll GetAccount until httpapi.IsNotFound.
// A 404 here means already gone and returns nil (done). Caveat: within the
// short window after CreateAccount where the organization does not see the
// account yet, a 404 only means "not visible yet"; a caller deleting a
// just-created account should confirm with GetBaselineAssignment.
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
