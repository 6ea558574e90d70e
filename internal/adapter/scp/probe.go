package scp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	scpapi "github.com/account-operator/account-operator/internal/upstream/scp"
)

// Probe check names.
const (
	checkAuthenticate = "authenticate"
	checkListAccounts = "list accounts"
	checkReadAccount  = "read account"
	checkRegistration = "read baseline assignment"
)

// probePage is the size of the listing the probe reads: one page.
const probePage = 20

var _ adapter.Prober = (*Adapter)(nil)

// Probe checks a real SCP instance against what the operator relies on, with
// GETs only: a signed one-item listing (authentication), the first page of
// organization accounts, one account of that page (a Cloud Control one if
// the page has any), and that account's baseline assignment. Each answer is
// decoded as the operator decodes it (a failure there is not OK) and compared
// with the documented shape (differences are reported, not fatal).
func (p *Adapter) Probe(ctx context.Context) []adapter.ProbeCheck {
	if _, err := p.client.ListAccountsRaw(ctx, scpapi.ListAccountsOptions{Size: 1}); err != nil {
		return append([]adapter.ProbeCheck{failed(checkAuthenticate, err)},
			skipped(checkAuthenticate, checkListAccounts, checkReadAccount, checkRegistration)...)
	}
	checks := []adapter.ProbeCheck{{Name: checkAuthenticate, OK: true}}
	body, err := p.client.ListAccountsRaw(ctx, scpapi.ListAccountsOptions{Size: probePage})
	if err != nil {
		return append(checks, append([]adapter.ProbeCheck{failed(checkListAccounts, err)},
			skipped(checkListAccounts, checkReadAccount, checkRegistration)...)...)
	}
	var page scpapi.AccountPage
	checks = append(checks, conformed(checkListAccounts, body, &page, &scpapi.DocAccountPage{}))
	id := pickProbeAccount(body)
	if id == "" {
		note := "skipped: the first page lists no account"
		return append(checks, adapter.ProbeCheck{Name: checkReadAccount, OK: true, Detail: note},
			adapter.ProbeCheck{Name: checkRegistration, OK: true, Detail: note})
	}
	checks = append(checks, p.probeRead(ctx, checkReadAccount, id, p.client.GetAccountRaw,
		&accountAnswer{}, &scpapi.DocAccountShow{}))
	return append(checks, p.probeRead(ctx, checkRegistration, id, p.client.GetBaselineAssignmentRaw,
		&assignmentAnswer{}, &scpapi.DocBaselineAssignmentList{}))
}

// Answers as the operator's calls decode them (their wire types are
// unexported in the client).
type (
	accountAnswer struct {
		Account *scpapi.Account `json:"account"`
	}
	assignmentAnswer struct {
		BaselineAssignments []scpapi.BaselineAssignment `json:"baseline_assignments"`
	}
)

func (p *Adapter) probeRead(ctx context.Context, name, id string,
	read func(context.Context, string) ([]byte, error), used, doc any) adapter.ProbeCheck {
	body, err := read(ctx, id)
	if err != nil {
		return failed(name, err)
	}
	c := conformed(name, body, used, doc)
	if c.OK && name == checkRegistration && len(used.(*assignmentAnswer).BaselineAssignments) == 0 {
		c.Detail = join(c.Detail, fmt.Sprintf("no baseline assignment is listed for account %s", id))
	}
	return c
}

// conformed decodes body as the operator does (not OK when that fails) and
// lists how it differs from the documented shape.
func conformed(name string, body []byte, used, doc any) adapter.ProbeCheck {
	if err := json.Unmarshal(body, used); err != nil {
		return adapter.ProbeCheck{Name: name, Detail: httpapi.Truncate(
			"the operator cannot decode the answer: " + decodeError(err))}
	}
	notes := httpapi.Conform(body, doc)
	if gaps := missing(used); len(gaps) > 0 {
		return adapter.ProbeCheck{Name: name, Detail: strings.Join(append(gaps, notes...), "; ")}
	}
	return adapter.ProbeCheck{Name: name, OK: true, Detail: strings.Join(notes, "; ")}
}

// missing names the fields the operator needs that an answer lacks.
func missing(used any) []string {
	var gaps []string
	switch v := used.(type) {
	case *scpapi.AccountPage:
		for i, a := range v.Accounts[:min(len(v.Accounts), 3)] {
			if a.ID == "" || a.State == "" {
				gaps = append(gaps, fmt.Sprintf("accounts[%d]: id or state missing, the operator needs both", i))
			}
		}
	case *accountAnswer:
		if a := v.Account; a == nil || a.ID == "" || a.State == "" || a.ParentUnitID == "" {
			gaps = append(gaps, "account: id, state or parent_unit_id missing, the operator needs them")
		}
	case *assignmentAnswer:
		for i, b := range v.BaselineAssignments[:min(len(v.BaselineAssignments), 3)] {
			if b.ID == "" || b.Status == "" {
				gaps = append(gaps, fmt.Sprintf("baseline_assignments[%d]: id or status missing, the operator needs both", i))
			}
		}
	}
	return gaps
}

// decodeError names the field and types of a decoding failure, never a value.
func decodeError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: %s, expected %s", te.Field, te.Value, te.Type)
	}
	return "not the expected JSON"
}

// pickProbeAccount is the first account of the page made by Cloud Control
// (which has a baseline assignment), else the first one, else "".
func pickProbeAccount(body []byte) string {
	var page struct {
		Accounts []struct {
			ID           string          `json:"id"`
			JoinedMethod json.RawMessage `json:"joined_method"`
		} `json:"accounts"`
	}
	if json.Unmarshal(body, &page) != nil || len(page.Accounts) == 0 {
		return ""
	}
	for _, a := range page.Accounts {
		if string(a.JoinedMethod) == `"CLOUD_CONTROL"` && a.ID != "" {
			return a.ID
		}
	}
	return page.Accounts[0].ID
}

// failed reports a call that got no usable answer: its status and upstream
// code, or the transport error (httpapi errors hold no secret).
func failed(name string, err error) adapter.ProbeCheck {
	var e *httpapi.Error
	if errors.As(err, &e) && e.StatusCode != 0 {
		return adapter.ProbeCheck{Name: name, Detail: strings.TrimSpace(fmt.Sprintf("HTTP %d %s", e.StatusCode, e.Code))}
	}
	return adapter.ProbeCheck{Name: name, Detail: httpapi.Truncate("no answer: " + err.Error())}
}

func skipped(after string, names ...string) []adapter.ProbeCheck {
	out := make([]adapter.ProbeCheck, 0, len(names))
	for _, n := range names {
		out = append(out, adapter.ProbeCheck{Name: n, Detail: "not run: " + after + " failed"})
	}
	return out
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
