package scp

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// CreateAccount creates an account through the account factory
// (POST /v1/accounts, 201). It is never retried: after a 5xx or a timeout the
// account may exist, so list by name (AccountsNamed) before trying again.
// Errors: 400 invalid request, 401 key or signature, 403 not the management
// account or no landing zone, 404 landing zone or OU unknown, 409 name or
// email in use (look up with AccountsNamed).
func (c *Client) CreateAccount(ctx context.Context, req CreateAccountRequest) (*CreateAccountResponse, error) {
	cl := c.cloudControlCall("CreateAccount", http.MethodPost, "/v1/accounts")
	cl.body = req
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var out CreateAccountResponse
	if err := c.http.Decode(cl.op, resp, &out); err != nil {
		return nil, err
	}
	if out.AccountID == "" {
		return nil, malformed(cl.op, resp, "account_id missing")
	}
	return &out, nil
}

// GetBaselineAssignment reads the Cloud Control registration of an account
// (GET /v1/baseline-assignments?assignment_id=<id>&resource_type=ACCOUNT).
// Status is REGISTERING, REGISTERED (ready), REGISTRATION_FAILED or
// UNREGISTERING. It returns ErrNoAssignment when the list holds no entry.
func (c *Client) GetBaselineAssignment(ctx context.Context, accountID string) (*BaselineAssignment, error) {
	cl, err := c.assignmentCall(accountID)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var out baselineAssignmentList
	if err := c.http.Decode(cl.op, resp, &out); err != nil {
		return nil, err
	}
	return pickAssignment(out.BaselineAssignments, accountID)
}

func (c *Client) assignmentCall(accountID string) (call, error) {
	if _, err := pathID("account", accountID); err != nil {
		return call{}, err
	}
	cl := c.cloudControlCall("GetBaselineAssignment", http.MethodGet, "/v1/baseline-assignments")
	cl.idempotent = true
	cl.query.add("assignment_id", accountID)
	cl.query.add("resource_type", "ACCOUNT")
	return cl, nil
}

// pickAssignment prefers the entry whose id is the account; a single entry is
// accepted as is, because the filter already selected it and whether "id" is
// the assignee or the assignment itself is undocumented.
func pickAssignment(list []BaselineAssignment, accountID string) (*BaselineAssignment, error) {
	for i := range list {
		if list[i].ID == accountID {
			return &list[i], nil
		}
	}
	if len(list) == 1 {
		return &list[0], nil
	}
	return nil, ErrNoAssignment
}

// malformed reports a 2xx body that parsed but lacks what the call needs.
func malformed(op string, resp *httpapi.Response, what string) error {
	return &httpapi.Error{Upstream: Upstream, Operation: op, StatusCode: resp.StatusCode,
		Err: fmt.Errorf("malformed response body: %w", errors.New(what))}
}
