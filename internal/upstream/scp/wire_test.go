package scp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// canned is a server that answers every request with one body and keeps the
// request bodies, for wire-level checks of what the client sends and decodes.
// It checks no signature: these tests are about JSON, not auth.
type canned struct {
	mu     sync.Mutex
	bodies []map[string]any
	answer string
}

func (c *canned) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	if json.Unmarshal(b, &m) == nil {
		c.mu.Lock()
		c.bodies = append(c.bodies, m)
		c.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, c.answer)
}

func (c *canned) last(t *testing.T) map[string]any {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.bodies) == 0 {
		t.Fatal("no request body recorded")
	}
	return c.bodies[len(c.bodies)-1]
}

// cannedClient is a client whose both services are one canned server.
func cannedClient(t *testing.T, answer string) (*Client, *canned) {
	t.Helper()
	h := &canned{answer: answer}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Config{CloudControlURL: srv.URL, OrganizationURL: srv.URL,
		AccessKey: "ak-wire", SecretKey: "sk-wire", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c, h
}

// Samsung's own client leaves organization_id out when it has none; an empty
// string is not "none" to a server that looks the organization up.
func TestMoveAccountOrganizationIDOnTheWire(t *testing.T) {
	c, h := cannedClient(t, `{"success_ids":[{"success_id":"acc-1"}]}`)
	ctx := context.Background()
	if _, err := c.MoveAccount(ctx, "", "acc-1", "ou-2"); err != nil {
		t.Fatal(err)
	}
	body := h.last(t)
	if v, ok := body["organization_id"]; ok {
		t.Errorf("organization_id sent as %#v with no organization configured; want it left out", v)
	}
	if body["parent_unit_id"] != "ou-2" || len(body["target_account_ids"].([]any)) != 1 {
		t.Errorf("body %v", body)
	}
	if _, err := c.MoveAccount(ctx, "o-x9y8", "acc-1", "ou-2"); err != nil {
		t.Fatal(err)
	}
	if got := h.last(t)["organization_id"]; got != "o-x9y8" {
		t.Errorf("organization_id = %#v, want o-x9y8", got)
	}
}

// The vendor's own example entry of ListBaselineAssignments (cloudcontrol
// 1.2), with an account id and type, decodes; so does an entry whose unused
// fields carry other types than documented.
func TestBaselineAssignmentDecodesOnlyWhatIsUsed(t *testing.T) {
	for _, tc := range []struct{ name, entry string }{
		{"vendor example", `{"account_assigned_count":3,"account_count":4,"detective_guardrail_status":"ENABLED",
			"detective_guardrail_type":"SSI","id":"acc-1","ou_assigned_count":5,"ou_count":10,
			"preventive_guardrail_activated_count":8,"sso_user_name":"testuser","status":"REGISTERED","type":"ACCOUNT"}`},
		{"odd types in unused fields", `{"id":"acc-1","type":"ACCOUNT","status":"REGISTERED",
			"account_count":"4","account_assigned_count":null,"ou_count":[1],"ou_assigned_count":{"n":5},
			"preventive_guardrail_activated_count":"8","sso_user_name":7,"name":{"x":1},
			"detective_guardrail_status":["ENABLED"],"detective_guardrail_type":false,
			"landing_zone_id":42,"a_field_nobody_documented":{"deep":[true]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := cannedClient(t, `{"baseline_assignments":[`+tc.entry+`]}`)
			b, err := c.GetBaselineAssignment(context.Background(), "acc-1")
			if err != nil {
				t.Fatalf("GetBaselineAssignment: %v", err)
			}
			if b.ID != "acc-1" || b.Type != "ACCOUNT" || b.Status != StatusRegistered {
				t.Errorf("assignment %+v", b)
			}
		})
	}
}

// Organization answers: fields the operator does not use may be missing,
// null, or of any type without failing the call.
func TestOrganizationAnswersDecodeOnlyWhatIsUsed(t *testing.T) {
	odd := `"email":{"primary":"x"},"login_id":5,"organization_id":{"id":"o"},"parent_unit_name":[],
		"srn":false,"type":7,"joined_method":null,"joined_time":1716000000,"created_at":1716000000,
		"created_by":{},"modified_at":[2024],"modified_by":1,"creator_name":0,"modifier_name":true,
		"control_policies":"none","something_new":{"a":[1,2]}`
	account := `{"id":"acc-1","name":"team-a","state":"ACTIVE","parent_unit_id":"ou-1",` + odd + `}`
	ctx := context.Background()

	t.Run("GetAccount", func(t *testing.T) {
		c, _ := cannedClient(t, `{"account":`+account+`,"extra":1}`)
		a, err := c.GetAccount(ctx, "acc-1")
		if err != nil {
			t.Fatalf("GetAccount: %v", err)
		}
		if a.ID != "acc-1" || a.Name != "team-a" || a.State != StateActive || a.ParentUnitID != "ou-1" {
			t.Errorf("account %+v", a)
		}
	})
	t.Run("ListAccounts", func(t *testing.T) {
		c, _ := cannedClient(t, `{"accounts":[`+account+`],"count":1,"page":"0","size":"20","sort":["created_at:desc"]}`)
		a, err := c.AccountsNamed(ctx, "team-a")
		if err != nil || len(a) != 1 || a[0].ID != "acc-1" {
			t.Fatalf("AccountsNamed = %+v, %v", a, err)
		}
	})
	t.Run("MoveAccount", func(t *testing.T) {
		c, _ := cannedClient(t, `{"success_ids":[{"success_id":"acc-1","success_name":5,"target_id":{"a":1},"target_name":null}],
			"failed_ids":[],"total":"1"}`)
		if _, err := c.MoveAccount(ctx, "", "acc-1", "ou-2"); err != nil {
			t.Fatalf("MoveAccount: %v", err)
		}
	})
	t.Run("MoveAccount failure", func(t *testing.T) {
		c, _ := cannedClient(t, `{"success_ids":[],"failed_ids":[{"failed_id":"acc-1","failed_name":{"n":1},
			"error_code":"Organization.AccountNotMovable","failed_caused":"closing"}]}`)
		_, err := c.MoveAccount(ctx, "", "acc-1", "ou-2")
		if e := statusOf(t, err); e.Code != "Organization.AccountNotMovable" || e.Message != "closing" {
			t.Fatalf("MoveAccount failure = %+v", e)
		}
	})
	t.Run("CreateAccount", func(t *testing.T) {
		c, _ := cannedClient(t, `{"account_id":"acc-1","job_id":"job-1","resource_type":7}`)
		out, err := c.CreateAccount(ctx, createReq("team-a"))
		if err != nil || out.AccountID != "acc-1" || out.JobID != "job-1" {
			t.Fatalf("CreateAccount = %+v, %v", out, err)
		}
	})
}
