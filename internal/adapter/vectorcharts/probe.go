package vectorcharts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
	vcapi "github.com/account-operator/account-operator/internal/upstream/vectorcharts"
)

// Probe check names, in the order they run.
const (
	checkAuthenticate = "authenticate"
	checkListAccounts = "list accounts"
	checkReadAccount  = "read account"
	checkListUsers    = "list users"
	checkListJobs     = "list jobs"
)

var _ adapter.Prober = (*Adapter)(nil)

// Probe checks the instance against what the operator expects, with reads
// only: getAllAccounts (an admin-only call, so it also proves the token),
// getAccount of the first account listed, getAllUsers (adoption by username)
// and the first page of jobs (delete jobs). Each answer is compared strictly
// with the vendor's documented shape.
func (p *Adapter) Probe(ctx context.Context) []adapter.ProbeCheck {
	list, accounts := p.client.ProbeAccounts(ctx)
	auth := adapter.ProbeCheck{Name: checkAuthenticate, OK: true}
	if list.Err != nil && httpapi.StatusCode(list.Err) != http.StatusOK {
		auth = adapter.ProbeCheck{Name: checkAuthenticate, Detail: callFailed(list.Err)}
		return append([]adapter.ProbeCheck{auth}, skipped("authenticate failed",
			checkListAccounts, checkReadAccount, checkListUsers, checkListJobs)...)
	}
	checks := []adapter.ProbeCheck{auth, readCheck(checkListAccounts, "accounts", list)}
	if len(accounts) == 0 {
		checks = append(checks, adapter.ProbeCheck{Name: checkReadAccount, OK: true, Detail: "skipped: no account listed"})
	} else {
		checks = append(checks, readCheck(checkReadAccount, "", p.client.ProbeAccount(ctx, accounts[0].ID)))
	}
	return append(checks, readCheck(checkListUsers, "users", p.client.ProbeUsers(ctx)),
		readCheck(checkListJobs, "jobs", p.client.ProbeJobs(ctx)))
}

// readCheck turns a probe read into a check: OK when the operator can use
// the answer; Detail lists how it differs from the documented shape.
func readCheck(name, things string, r vcapi.ProbeRead) adapter.ProbeCheck {
	if r.Err != nil {
		return adapter.ProbeCheck{Name: name, Detail: callFailed(r.Err)}
	}
	notes := r.Notes
	if r.Unreadable > 0 {
		notes = append([]string{fmt.Sprintf("%d of %d %s unreadable by the operator", r.Unreadable, r.Total, things)}, notes...)
	}
	return adapter.ProbeCheck{Name: name, OK: r.Unreadable == 0, Detail: strings.Join(notes, "; ")}
}

// callFailed says why a call gave nothing usable: the status code (with what
// it means here), an answer the operator cannot decode, or no answer. Upstream
// messages are left out: only codes and field names are reported.
func callFailed(err error) string {
	var he *httpapi.Error
	if !errors.As(err, &he) {
		return "failed"
	}
	switch {
	case he.StatusCode == http.StatusOK && he.Err != nil:
		return "the operator cannot decode the answer: " + httpapi.Truncate(he.Err.Error())
	case he.StatusCode == http.StatusUnauthorized:
		return "HTTP 401: the token is not valid"
	case he.StatusCode == http.StatusForbidden:
		return "HTTP 403: the token is not an administrator's"
	case he.StatusCode != 0:
		return fmt.Sprintf("HTTP %d", he.StatusCode)
	case he.Err != nil:
		return "no answer: " + httpapi.Truncate(he.Err.Error())
	}
	return "no answer"
}

func skipped(why string, names ...string) []adapter.ProbeCheck {
	out := make([]adapter.ProbeCheck, 0, len(names))
	for _, n := range names {
		out = append(out, adapter.ProbeCheck{Name: n, Detail: "skipped: " + why})
	}
	return out
}
