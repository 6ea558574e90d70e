package vectorcharts

import (
	"context"
	"encoding/json"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// The models below are the answers as the vendor documents them (reference
// section 3), fuller than the types the operator decodes: the probe compares
// a real instance's answers with them, strictly.

type accountModel struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	PlanInstance string         `json:"planInstance"`
	Metadata     map[string]any `json:"metadata"`
	CreatedAt    int64          `json:"createdAt"`
}

// userSummaryModel is a getAllUsers element (no modifiedAt).
type userSummaryModel struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	AccountID int64  `json:"accountId"`
	IsAdmin   bool   `json:"isAdmin"`
	CreatedAt int64  `json:"createdAt"`
}

type jobsPageModel struct {
	Jobs []jobModel `json:"jobs"`
}

// jobModel: parameters and result are free-form; log timestamps are ISO 8601
// strings while createdAt/updatedAt are epoch milliseconds.
type jobModel struct {
	ID              string          `json:"id"`
	ParentJobID     *string         `json:"parentJobId"`
	JobType         string          `json:"jobType"`
	JobState        string          `json:"jobState"`
	AccountID       int64           `json:"accountId"`
	Parameters      json.RawMessage `json:"parameters"`
	Result          json.RawMessage `json:"result"`
	Logs            []jobLogModel   `json:"logs"`
	PercentComplete float64         `json:"percentComplete"`
	Priority        int             `json:"priority"`
	CreatedAt       int64           `json:"createdAt"`
	UpdatedAt       int64           `json:"updatedAt"`
}

type jobLogModel struct {
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Message   string `json:"message"`
}

// ProbeRead is one read of the conformance probe: how the answer differs from
// the documented shape (Notes name fields and types, never values), how many
// list elements the operator's own decoding leaves out, and Err when the call
// failed or the operator cannot use the answer.
type ProbeRead struct {
	Notes      []string
	Unreadable int
	Total      int // list elements in the answer
	Err        error
}

// ProbeAccounts lists accounts (getAllAccounts, admin only: it also proves
// the token) and returns the ones the operator can read.
func (c *Client) ProbeAccounts(ctx context.Context) (ProbeRead, []Account) {
	resp, err := c.do(ctx, OpGetAllAccounts, "/admin/getAllAccounts", nil)
	if err != nil {
		return ProbeRead{Err: err}, nil
	}
	r := ProbeRead{Notes: httpapi.Conform(resp.Body, []accountModel{})}
	var raws []json.RawMessage
	if r.Err = c.http.Decode(OpGetAllAccounts, resp, &raws); r.Err != nil {
		return r, nil
	}
	accounts, bad := eachOf[Account](raws)
	r.Unreadable, r.Total = bad, len(raws)
	return r, accounts
}

// ProbeAccount reads one account (getAccount).
func (c *Client) ProbeAccount(ctx context.Context, id int64) ProbeRead {
	resp, err := c.do(ctx, OpGetAccount, "/admin/getAccount", idQuery("id", id))
	if err != nil {
		return ProbeRead{Err: err}
	}
	var a Account
	return ProbeRead{Notes: httpapi.Conform(resp.Body, accountModel{}),
		Err: c.http.Decode(OpGetAccount, resp, &a)}
}

// ProbeUsers lists users (getAllUsers), as an adoption by username does.
func (c *Client) ProbeUsers(ctx context.Context) ProbeRead {
	resp, err := c.do(ctx, OpGetAllUsers, "/admin/getAllUsers", nil)
	if err != nil {
		return ProbeRead{Err: err}
	}
	r := ProbeRead{Notes: httpapi.Conform(resp.Body, []userSummaryModel{})}
	var raws []json.RawMessage
	if r.Err = c.http.Decode(OpGetAllUsers, resp, &raws); r.Err == nil {
		_, r.Unreadable = eachOf[User](raws)
		r.Total = len(raws)
	}
	return r
}

// ProbeJobs reads the first page of jobs, the upstream's default size.
func (c *Client) ProbeJobs(ctx context.Context) ProbeRead {
	resp, err := c.do(ctx, OpListJobs, "/jobs", ListJobsOptions{}.query())
	if err != nil {
		return ProbeRead{Err: err}
	}
	r := ProbeRead{Notes: httpapi.Conform(resp.Body, jobsPageModel{})}
	var page jobsPage
	if r.Err = c.http.Decode(OpListJobs, resp, &page); r.Err == nil {
		_, r.Unreadable = eachOf[Job](page.Jobs)
		r.Total = len(page.Jobs)
	}
	return r
}
