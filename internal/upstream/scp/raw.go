package scp

import "context"

// Raw reads for the conformance probe: the same signed GETs as ListAccounts,
// GetAccount and GetBaselineAssignment, answering the body as received so the
// probe can compare it with the documented shapes (docmodel.go). Non-2xx
// answers come back as *httpapi.Error, as from every other call.

// ListAccountsRaw reads one page of organization accounts.
func (c *Client) ListAccountsRaw(ctx context.Context, opts ListAccountsOptions) ([]byte, error) {
	return c.raw(ctx, c.listCall(opts), nil)
}

// GetAccountRaw reads one organization account.
func (c *Client) GetAccountRaw(ctx context.Context, accountID string) ([]byte, error) {
	cl, err := c.getAccountCall(accountID)
	return c.raw(ctx, cl, err)
}

// GetBaselineAssignmentRaw reads the baseline assignment list of one account.
func (c *Client) GetBaselineAssignmentRaw(ctx context.Context, accountID string) ([]byte, error) {
	cl, err := c.assignmentCall(accountID)
	return c.raw(ctx, cl, err)
}

func (c *Client) raw(ctx context.Context, cl call, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}
