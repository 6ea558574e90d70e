package vectorcharts

import (
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

func TestCreateAccount(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	res := create(t, c, "Zydro Marine", "owner@zydro.com")
	a, u, tok := res.Account, res.User, res.InitialToken
	if a.ID <= 0 || a.Name != "Zydro Marine" || a.PlanInstance != "oem" {
		t.Fatalf("account = %+v", a)
	}
	if u.ID <= 0 || u.AccountID != a.ID || u.Email != "owner@zydro.com" {
		t.Fatalf("user = %+v", u)
	}
	if tok.ID.Empty() {
		t.Fatalf("token = %+v", tok)
	}
	if code := e.bearerWorks(t, tok.ID); code != 200 {
		t.Fatalf("initial token does not work: %d", code)
	}
	if got := e.sb.TokensFor(a.ID); len(got) != 1 || got[0] != tok.ID.Reveal() {
		t.Fatalf("sandbox tokens %v do not match the returned one", len(got))
	}
}

func TestCreateAccountErrors(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.client(t, adminToken, nil)
	create(t, admin, "Taken", "taken@x.com")
	const pw = httpapi.Secret("hunter2-very-secret")
	tests := []struct {
		name     string
		token    httpapi.Secret
		req      CreateAccountRequest
		want     int
		contains string
	}{
		{"duplicate username", adminToken, CreateAccountRequest{"Other", "taken@x.com", pw}, 400, "in use"},
		{"missing name", adminToken, CreateAccountRequest{"", "n@x.com", pw}, 400, "required"},
		{"short password", adminToken, CreateAccountRequest{"N", "n@x.com", "abc"}, 400, "at least 4"},
		{"non-admin", userToken, CreateAccountRequest{"N", "n@x.com", pw}, 403, "administrator"},
		{"bad token", "wrong-token-value", CreateAccountRequest{"N", "n@x.com", pw}, 401, "invalid token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client(t, tt.token, nil).CreateAccount(ctxT(t), tt.req)
			if got := statusOf(t, err); got != tt.want || !strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("err = %v, want %d containing %q", err, tt.want, tt.contains)
			}
			if strings.Contains(err.Error(), pw.Reveal()) {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
	if e.calls(OpCreateAccount) != 1+len(tests) {
		t.Fatalf("CreateAccount calls = %d: a create was retried", e.calls(OpCreateAccount))
	}
}

func TestGetAccount(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	res := create(t, c, "Readable", "r@x.com")
	tests := []struct {
		name string
		id   int64
		want int
	}{
		{"found", res.Account.ID, 200},
		{"not found", 9999, 404},
		{"invalid id", 0, 400},
		{"negative id", -5, 400},
	}
	for _, tt := range tests {
		a, err := c.GetAccount(ctxT(t), tt.id)
		if got := statusOf(t, err); got != tt.want {
			t.Errorf("%s: err = %v, want %d", tt.name, err, tt.want)
		}
		if tt.want == 200 && (a.ID != res.Account.ID || a.Name != "Readable") {
			t.Errorf("%s: account = %+v", tt.name, a)
		}
	}
	all, err := c.GetAllAccounts(ctxT(t))
	if err != nil || len(all) != 2 || all[1].ID != res.Account.ID {
		t.Fatalf("GetAllAccounts = %+v, %v", all, err)
	}
	if _, err := e.client(t, userToken, nil).GetAccount(ctxT(t), res.Account.ID); statusOf(t, err) != 403 {
		t.Fatalf("non-admin GetAccount = %v, want 403", err)
	}
}

func TestEditAccount(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	res := create(t, c, "Before", "ed@x.com")
	tests := []struct {
		name, newName string
		id            int64
		want          int
	}{
		{"rename", "After", res.Account.ID, 200},
		{"not found", "X", 9999, 404},
		{"missing name", "", res.Account.ID, 400},
		{"missing id", "X", 0, 400},
	}
	for _, tt := range tests {
		a, err := c.EditAccount(ctxT(t), tt.id, tt.newName)
		if got := statusOf(t, err); got != tt.want {
			t.Errorf("%s: err = %v, want %d", tt.name, err, tt.want)
		}
		if tt.want == 200 && a.Name != tt.newName {
			t.Errorf("%s: account = %+v", tt.name, a)
		}
	}
	// Drift made behind the client's back is visible on the next read.
	e.sb.SetAccountName(res.Account.ID, "Drifted")
	if a, err := c.GetAccount(ctxT(t), res.Account.ID); err != nil || a.Name != "Drifted" {
		t.Fatalf("GetAccount after drift = %+v, %v", a, err)
	}
}

func TestDeleteAccount(t *testing.T) {
	e := newEnv(t, func(o *sandboxOptions) { o.AdminAccountID = 7 })
	c := e.client(t, adminToken, nil)
	res := create(t, c, "Doomed", "doomed@x.com")
	jobID, err := c.DeleteAccount(ctxT(t), res.Account.ID)
	if err != nil || jobID == "" {
		t.Fatalf("DeleteAccount = %q, %v", jobID, err)
	}
	job, found, err := c.FindJob(ctxT(t), jobID)
	if err != nil || !found || !job.Concerns(res.Account.ID) || !job.Active() {
		t.Fatalf("FindJob right after delete = %+v, %v, %v", job, found, err)
	}
	// Poll as the operator does: getAccount until 404, bounded.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.GetAccount(ctxT(t), res.Account.ID)
		if httpapi.IsNotFound(err) {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("account never went away: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if job, _, _ := c.FindJob(ctxT(t), jobID); job.JobState != JobCompleted {
		t.Fatalf("job after 404 = %+v", job)
	}
	if code := e.bearerWorks(t, res.InitialToken.ID); code != 401 {
		t.Fatalf("token of deleted account answers %d, want 401", code)
	}
	// Already gone: done, no job.
	if again, err := c.DeleteAccount(ctxT(t), res.Account.ID); err != nil || again != "" {
		t.Fatalf("second DeleteAccount = %q, %v; want \"\", nil", again, err)
	}
	if _, err := c.DeleteAccount(ctxT(t), 7); statusOf(t, err) != 400 {
		t.Fatalf("deleting own account = %v, want 400", err)
	}
	if _, err := e.client(t, userToken, nil).DeleteAccount(ctxT(t), res.Account.ID); statusOf(t, err) != 403 {
		t.Fatalf("non-admin delete = %v, want 403", err)
	}
}
