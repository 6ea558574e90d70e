package vectorcharts

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

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

// GetApiTokens lists an account's API tokens (admin getApiTokens). Their ids
// are bearer strings: they stay Secrets. An unknown account is a 404.
func (c *Client) GetApiTokens(ctx context.Context, accountID int64) ([]ApiToken, error) {
	var ws []apiTokenListWire
	q := url.Values{"accountId": {strconv.FormatInt(accountID, 10)}}
	if err := c.get(ctx, OpGetApiTokens, "/admin/getApiTokens", q, &ws); err != nil {
		return nil, err
	}
	out := make([]ApiToken, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.token())
	}
	return out, nil
}

// DeleteApiToken revokes token id with DELETE /apiTokens/{id}, authenticated
// with as, a valid token of the same account (there is no admin revoke): the
// portal answers 204, and the deleted token gets 401 from then on. A token not
// on as's account (or already gone) is a 404. Deleting is idempotent, so it is
// retried like a read.
func (c *Client) DeleteApiToken(ctx context.Context, as, id httpapi.Secret) error {
	target := c.base + "/apiTokens/" + url.PathEscape(id.Reveal())
	_, err := c.http.Do(ctx, httpapi.Request{Operation: OpDeleteApiToken, Idempotent: true,
		Secrets: []httpapi.Secret{as, id},
		Build: func(ctx context.Context) (*http.Request, error) {
			return c.newRequest(withBearer(ctx, as), http.MethodDelete, target, nil)
		}})
	return err
}

// bearerKey carries a per-call bearer that replaces the admin token.
type bearerKey struct{}

func withBearer(ctx context.Context, s httpapi.Secret) context.Context {
	return context.WithValue(ctx, bearerKey{}, s)
}

// bearerOf is the per-call bearer set by withBearer, else def.
func bearerOf(ctx context.Context, def httpapi.Secret) httpapi.Secret {
	if s, ok := ctx.Value(bearerKey{}).(httpapi.Secret); ok && !s.Empty() {
		return s
	}
	return def
}

// CheckApiToken proves that tok still authenticates, with the self-scoped read
// GET /apiTokens (the caller's account's tokens, documented by the vendor),
// authenticated by tok itself. A revoked token gets 401. Nothing of the
// answer is decoded: only its status is used.
func (c *Client) CheckApiToken(ctx context.Context, tok httpapi.Secret) error {
	target := c.base + "/apiTokens"
	_, err := c.http.Do(ctx, httpapi.Request{Operation: OpCheckApiToken, Idempotent: true,
		Secrets: []httpapi.Secret{tok},
		Build: func(ctx context.Context) (*http.Request, error) {
			return c.newRequest(withBearer(ctx, tok), http.MethodGet, target, nil)
		}})
	return err
}
