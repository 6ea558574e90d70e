package scp

import (
	"testing"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// The documented shapes accept the API reference's own examples exactly.
func TestDocModelsMatchTheVendorExamples(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		model      any
	}{
		{"ListBaselineAssignments 1.2", `{"baseline_assignments":[{"account_assigned_count":3,"account_count":4,
			"detective_guardrail_status":"ENABLED","detective_guardrail_type":"SSI",
			"id":"ou-b30e9fcc39f84a20bf9e7458e5ec3801","ou_assigned_count":5,"ou_count":10,
			"preventive_guardrail_activated_count":8,"sso_user_name":"testuser","status":"REGISTERED","type":"OU"}]}`,
			&DocBaselineAssignmentList{}},
		{"ShowAccount", `{"account":{"control_policies":[{"policy_id":"f98e76d54c32b10a9z8y7x6w5v4u3",
			"policy_name":"test-policy-name"}],"created_at":"2024-12-19 01:09:05.000",
			"created_by":"c23fb561c689455993874fa5d5ed4a2f","creator_name":"John Doe na","email":"score@samsung.com",
			"id":"0a36e0746dbf4908acf0357829701381","joined_method":"INVITED","joined_time":"2024-05-17T12:34:56.789Z",
			"login_id":"log-archive@samsung.com","modified_at":"2023-10-15 14:30:00",
			"modified_by":"c23fb561c689455993874fa5d5ed4a2f","modifier_name":"Alice","name":"score-account",
			"organization_id":"o-x9y8z7w6v5u4t3s2r1q0p9o8n7m6l5","parent_unit_id":"ou-fc8c29a138d78e24bf1fa86812fc8b",
			"parent_unit_name":"parent-unit-name",
			"srn":"srn:dev2::1b8c29a138d78e24bf1fa86812fcaa:kr-west1::organizations/account/b4d3f2h1j0l9n8p7r6t5v4x3z2y1w0",
			"state":"ACTIVE","type":"MEMBER"}}`, &DocAccountShow{}},
		{"ListAccounts", `{"accounts":[{"created_at":"2025-01-01T00:00:00.000Z","created_by":"c23f","email":null,
			"id":"0a36","joined_method":"CLOUD_CONTROL","joined_time":"2024-05-17T12:34:56.789Z","login_id":null,
			"modified_at":"2025-01-01T00:00:00.000Z","modified_by":"c23f","name":"score-account",
			"organization_id":"o-x9y8","parent_unit_id":"ou-fc8c","parent_unit_name":null,"state":"ACTIVE",
			"type":"MEMBER"}],"count":1,"page":0,"size":20,"sort":"created_at:desc"}`, &DocAccountPage{}},
	} {
		if notes := httpapi.Conform([]byte(tc.body), tc.model); len(notes) != 0 {
			t.Errorf("%s: %q", tc.name, notes)
		}
	}
}
