package vectorcharts

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// CreateAccount creates an account, its primary user and an initial API token
// in one atomic upstream step. It is never retried: after a transport error or
// 5xx the account may exist, so look it up with FindUserByUsername before
// trying again. A username already in use is a 400 (not 409), as is a missing
// field. The result's InitialToken.ID is returned only here; store it at once.
func (c *Client) CreateAccount(ctx context.Context, req CreateAccountRequest) (CreateAccountResult, error) {
	body := createAccountWire{Name: req.Name, Username: req.Username, Password: req.Password.Reveal()}
	var w createAccountResultWire
	if err := c.post(ctx, OpCreateAccount, "/admin/createAccount", false, body, &w, req.Password); err != nil {
		return CreateAccountResult{}, err
	}
	return CreateAccountResult{Account: w.Account, User: w.User, InitialToken: w.InitialToken.token()}, nil
}

// GetAccount reads one account. Unknown ids are a 404 (httpapi.IsNotFound);
// ids that are not positive integers are a 400.
func (c *Client) GetAccount(ctx context.Context, id int64) (Account, error) {
	var a Account
	err := c.get(ctx, OpGetAccount, "/admin/getAccount", idQuery("id", id), &a)
	return a, err
}

// GetAllAccounts lists every account. The upstream has no paging or filter. An
// account this client cannot read is left out rather than failing the list.
func (c *Client) GetAllAccounts(ctx context.Context) ([]Account, error) {
	var raws []json.RawMessage
	if err := c.get(ctx, OpGetAllAccounts, "/admin/getAllAccounts", nil, &raws); err != nil {
		return nil, err
	}
	accounts, _ := eachOf[Account](raws)
	return accounts, nil
}

// EditAccount renames an account (the only editable field) and returns it.
// Unknown ids are a 404. Renaming is idempotent, so it is retried.
func (c *Client) EditAccount(ctx context.Context, id int64, name string) (Account, error) {
	body := struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}{id, name}
	var a Account
	err := c.post(ctx, OpEditAccount, "/admin/editAccount", true, body, &a)
	return a, err
}

// DeleteAccount starts the asynchronous deletion of an account and returns the
// job id; poll GetAccount until 404 (or FindJob). A 404 means the account is
// already gone: it returns "" and nil. Deleting the caller's own account is a
// 400. Deletes are idempotent and retried.
func (c *Client) DeleteAccount(ctx context.Context, id int64) (jobID string, err error) {
	body := struct {
		ID int64 `json:"id"`
	}{id}
	var out struct {
		JobID string `json:"jobId"`
	}
	err = c.post(ctx, OpDeleteAccount, "/admin/deleteAccount", true, body, &out)
	if httpapi.IsNotFound(err) {
		return "", nil
	}
	return out.JobID, err
}

func idQuery(key string, id int64) url.Values {
	return url.Values{key: {strconv.FormatInt(id, 10)}}
}
