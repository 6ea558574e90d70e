package vectorcharts

import "context"

// CreateApiToken mints a token for a user of an account (a lost token is
// re-issued this way). It is never retried: a blind retry could mint two. A
// user that is not in the account is a 400, an unknown account a 404.
func (c *Client) CreateApiToken(ctx context.Context, req CreateApiTokenRequest) (ApiToken, error) {
	var w apiTokenWire
	if err := c.post(ctx, OpCreateApiToken, "/admin/createApiToken", false, req, &w); err != nil {
		return ApiToken{}, err
	}
	return w.token(), nil
}
