package controllers_test

import (
	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Runtime rows about SCP and VectorCharts Accounts: ids, passwords, and the
// states the upstream reports.

func notReady(reason, message string) expect {
	return expect{where: isNotReady, reason: reason, message: message}
}

// account is a case of one Account of kind on a good provider whose endpoint
// gives the answers.
func account(kind string, mutate func(a *v1alpha1.Account), answers ...answer) func(e *caseEnv) {
	return func(e *caseEnv) {
		e.good(kind, answers...)
		e.account(kind, mutate)
	}
}

func externalID(id string) func(a *v1alpha1.Account) {
	return func(a *v1alpha1.Account) { a.Spec.ExternalID = id }
}

func scpRuntimeCases() []badCase {
	return []badCase{
		{name: "scp-externalid-unknown", object: `spec.externalID "acc-does-not-exist" (SCP)`,
			want:  stall(v1alpha1.ReasonNotFoundUpstream, "upstream account acc-does-not-exist no longer exists"),
			setup: account("scp", externalID("acc-does-not-exist"))},
		{name: "scp-externalid-dot-dot", object: `spec.externalID ".." (SCP)`,
			want:  stall(v1alpha1.ReasonNotFoundUpstream, "upstream account .. no longer exists"),
			setup: account("scp", externalID(".."))},
		{name: "scp-registration-failed", object: "SCP account whose registration ends in REGISTRATION_FAILED",
			want: stall(v1alpha1.ReasonRegistrationFailed, "baseline assignment status REGISTRATION_FAILED"), upstreamBad: true,
			setup: func(e *caseEnv) {
				scpSandbox.FailRegistration(e.c.name)
				account("scp", nil)(e)
			}},
		{name: "scp-unknown-account-state", object: `SCP organization account in an unknown state "FROZEN"`,
			want: notReady(v1alpha1.ReasonProvisioning, `the account is in state "FROZEN" upstream, which this operator does not know`), upstreamBad: true,
			setup: account("scp", nil, answer{op: "GetAccount", edit: setIn("account", "state", "FROZEN")})},
		{name: "scp-unknown-registration", object: `SCP baseline assignment in an unknown status "MYSTERY"`,
			want: notReady(v1alpha1.ReasonProvisioning, "unexpected baseline assignment status MYSTERY"), upstreamBad: true,
			setup: account("scp", nil, answer{op: "GetBaselineAssignment", edit: setIn("baseline_assignments", "status", "MYSTERY")})},
		{name: "scp-default-name-over-30-characters", object: "SCP Account without spec.displayName whose metadata.name (the default name) has 35 characters; SCP takes 3 to 30",
			want:  stall(v1alpha1.ReasonInvalidSpec, "spec.displayName: SCP account names are 3 to 30 characters and metadata.name"),
			setup: account("scp", nil)},
		{name: "scp-landing-zone-unknown", object: `spec.scp.landingZoneID "lz-nope" that SCP does not know (404)`,
			want:        stall(v1alpha1.ReasonInvalidSpec, `spec.scp.landingZoneID "lz-nope" or spec.scp.parentUnitID "ou-one" does not exist upstream`),
			upstreamBad: true,
			setup: account("scp", func(a *v1alpha1.Account) { a.Spec.SCP.LandingZoneID = "lz-nope" },
				answer{op: "CreateAccount", status: 404, body: jsonText(map[string]any{"errors": []any{map[string]any{
					"status": 404, "code": "LandingZone.NotFound", "detail": "landing zone lz-nope not found"}}})})},
		{name: "scp-name-taken", object: "SCP account name already used in the organization (409)",
			want:        stall(v1alpha1.ReasonAlreadyExists, `spec.displayName: an upstream account named "scp-name-taken" already exists`),
			upstreamBad: true,
			setup: func(e *caseEnv) {
				scpSandbox.CreateAccountDirect(e.c.name, "ou-one")
				account("scp", nil)(e)
			}},
	}
}

// withPassword is a VectorCharts Account with passwordSecretRef pw/password
// and Secret "pw" holding data (none when nil).
func withPassword(data map[string]string) func(e *caseEnv) {
	return func(e *caseEnv) {
		e.good("vectorCharts")
		if data != nil {
			e.secret("pw", data)
		}
		e.account("vectorCharts", func(a *v1alpha1.Account) {
			a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "pw", Key: "password"}
		})
	}
}

func vcRuntimeCases() []badCase {
	const pwField = "spec.vectorCharts.passwordSecretRef"
	return []badCase{
		{name: "vc-password-secret-missing", object: "spec.vectorCharts.passwordSecretRef naming a Secret that does not exist",
			want: stall(v1alpha1.ReasonInvalidSpec, pwField+`: Secret "pw"`), setup: withPassword(nil)},
		{name: "vc-password-key-missing", object: `password Secret without key "password"`,
			want:  stall(v1alpha1.ReasonInvalidSpec, pwField+`: Secret "pw" has no key "password"`),
			setup: withPassword(map[string]string{"pass": vcUserPasswd})},
		{name: "vc-password-too-short", object: "password Secret holding 3 characters (the portal needs 4)",
			want:  stall(v1alpha1.ReasonInvalidSpec, pwField+`: Secret "pw" key "password" must hold at least 4 characters`),
			setup: withPassword(map[string]string{"password": "abc"})},
		{name: "vc-password-empty", object: `password Secret whose "password" is empty`,
			want:  stall(v1alpha1.ReasonInvalidSpec, pwField+`: Secret "pw" key "password" must hold at least 4 characters`),
			setup: withPassword(map[string]string{"password": ""})},
		{name: "vc-externalid-not-a-number", object: `spec.externalID "abc" (VectorCharts ids are integers)`,
			want:  stall(v1alpha1.ReasonInvalidSpec, `spec.externalID: "abc" is not a VectorCharts account id`),
			setup: account("vectorCharts", externalID("abc"))},
		{name: "vc-externalid-zero", object: `spec.externalID "0" (VectorCharts)`,
			want:  stall(v1alpha1.ReasonInvalidSpec, `spec.externalID: "0" is not a VectorCharts account id`),
			setup: account("vectorCharts", externalID("0"))},
		{name: "vc-externalid-unknown", object: `spec.externalID "424242" (VectorCharts)`,
			want:  stall(v1alpha1.ReasonNotFoundUpstream, "upstream account 424242 no longer exists"),
			setup: account("vectorCharts", externalID("424242"))},
		{name: "vc-externalid-foreign-user", object: "spec.externalID of an account whose users do not include spec.vectorCharts.username",
			want:  stall(v1alpha1.ReasonInvalidSpec, `spec.vectorCharts.username: upstream account 1 has no user "vc-externalid-foreign-user@badinput.example"`),
			setup: account("vectorCharts", externalID("1"))},
	}
}
