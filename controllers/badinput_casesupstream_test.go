package controllers_test

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Runtime rows where the upstream's answer is the bad part: error bodies that
// are not JSON, odd status codes, 2xx bodies that do not parse, unknown
// states. Creates are bounded by the backoff, not zero.

const (
	textPlain = "text/plain"
	textHTML  = "text/html"
	appJSON   = "application/json"
)

// createAnswer answers the kind's create with status and body.
func createAnswer(kind string, status int, contentType, body string) func(e *caseEnv) {
	return account(kind, nil, answer{op: "CreateAccount", status: status,
		header: map[string]string{"Content-Type": contentType}, body: body})
}

func upstreamAnswerCases() []badCase {
	rejected := func(msg string) expect { return stall(v1alpha1.ReasonUpstreamRejected, msg) }
	return []badCase{
		{name: "ccm-create-500-html", object: "CCM create answered 500 with an HTML page",
			want: retry("UpstreamError", "ccm CreateAccount: HTTP 500: <!DOCTYPE html>"), upstreamBad: true,
			setup: createAnswer("ccm", 500, textHTML, htmlPage)},
		{name: "ccm-create-500-after-stall", object: "CCM create answered 500 for an Account that first stalled on a missing provider",
			want: retry("UpstreamError", "ccm CreateAccount: HTTP 500: <!DOCTYPE html>"), upstreamBad: true,
			ready: func(c *metav1.Condition) bool {
				return c.Status == metav1.ConditionFalse && c.Reason == v1alpha1.ReasonReconcileError &&
					strings.Contains(c.Message, "HTTP 500")
			},
			setup: func(e *caseEnv) {
				e.accountNow("ccm", nil)
				e.good("ccm", answer{op: "CreateAccount", status: 500, header: map[string]string{"Content-Type": textHTML}, body: htmlPage})
			}},
		{name: "ccm-create-400-text", object: "CCM create answered 400 with plain text",
			want: rejected("ccm CreateAccount: HTTP 400: name contains forbidden characters"), upstreamBad: true,
			setup: createAnswer("ccm", 400, textPlain, "name contains forbidden characters")},
		{name: "ccm-create-422-truncated-json", object: "CCM create answered 422 with truncated JSON",
			want: rejected("ccm CreateAccount: HTTP 422: " + truncatedJSON), upstreamBad: true,
			setup: createAnswer("ccm", 422, appJSON, truncatedJSON)},
		{name: "ccm-create-400-huge-body", object: "CCM create answered 400 with a 1 MiB body",
			want: rejected("ccm CreateAccount: HTTP 400: upstream trace: xxxx"), upstreamBad: true,
			setup: createAnswer("ccm", 400, textPlain, hugeBody)},
		{name: "ccm-create-echoes-secret", object: "CCM create answered 400 echoing the OAuth client secret",
			want: rejected("ccm CreateAccount: HTTP 400: client_secret [REDACTED] is not accepted"), upstreamBad: true,
			setup: withOAuth(oauthSecretData(map[string]string{"clientSecret": oauthSecret}),
				answer{op: "CreateAccount", status: 400, body: "client_secret " + oauthSecret + " is not accepted"})},
		{name: "ccm-create-echo-at-cut", object: "CCM create answered 400 echoing the OAuth client secret across the 256-byte cut",
			want: rejected("client_secret=[REDACTED]"), upstreamBad: true,
			setup: withOAuth(oauthSecretData(map[string]string{"clientSecret": oauthSecret}),
				answer{op: "CreateAccount", status: 400, body: strings.Repeat("y", 226) + " client_secret=" + oauthSecret})},
		{name: "ccm-create-bad-id", object: "CCM create answered 200 with an acct_id that is not a string",
			want: retry("UpstreamError", "malformed response body"), upstreamBad: true,
			setup: createAnswer("ccm", 200, appJSON, `{"acct_id":42,"name":"x","custom_logo":"%%%not-base64"}`)},
		{name: "ccm-create-418", object: "CCM create answered 418 (a status CCM does not document)",
			want: retry("UpstreamError", "ccm CreateAccount: HTTP 418: I'm a teapot"), upstreamBad: true,
			setup: createAnswer("ccm", 418, textPlain, "I'm a teapot")},
		{name: "ccm-unknown-account-status", object: `CCM account_status "Frozen" (neither Active nor Deactivated)`,
			want:        expect{where: isNotReady, reason: v1alpha1.ReasonProvisioning, message: `has account_status "Frozen"`},
			upstreamBad: true,
			setup:       account("ccm", nil, answer{op: "GetAccount", edit: setIn("", "account_status", "Frozen")})},
		{name: "scp-create-503-html", object: "SCP create answered 503 with an HTML page",
			want: retry("UpstreamError", "scp CreateAccount: HTTP 503: <!DOCTYPE html>"), upstreamBad: true,
			setup: createAnswer("scp", 503, textHTML, htmlPage)},
		{name: "scp-create-400-text", object: "SCP create answered 400 with plain text (no error envelope)",
			want: rejected("scp CreateAccount: HTTP 400: invalid parent unit"), upstreamBad: true,
			setup: createAnswer("scp", 400, textPlain, "invalid parent unit")},
		{name: "scp-create-truncated-json", object: "SCP create answered 201 with truncated JSON",
			want: retry("UpstreamError", "malformed response body: unexpected end of JSON input"), upstreamBad: true,
			setup: createAnswer("scp", 201, appJSON, `{"account_id":"acc-1`)},
		{name: "scp-create-429-retry-after", object: "SCP create answered 429 with Retry-After: 2, every time",
			want: retry("UpstreamError", "scp CreateAccount: HTTP 429: slow down"), upstreamBad: true, retryAfter: 2,
			setup: account("scp", nil, answer{op: "CreateAccount", status: 429,
				header: map[string]string{"Retry-After": "2", "Content-Type": textPlain}, body: "slow down"})},
		{name: "vc-create-500-truncated-json", object: "VectorCharts create answered 500 with truncated JSON",
			want: retry("UpstreamError", "vectorCharts CreateAccount: HTTP 500: "+truncatedJSON), upstreamBad: true,
			setup: createAnswer("vectorCharts", 500, appJSON, truncatedJSON)},
		{name: "vc-create-400-html", object: "VectorCharts create answered 400 with an HTML page",
			want: rejected("vectorCharts CreateAccount: HTTP 400: <!DOCTYPE html>"), upstreamBad: true,
			setup: createAnswer("vectorCharts", 400, textHTML, htmlPage)},
		{name: "vc-create-403-text", object: "VectorCharts create answered 403 with plain text",
			want:        stall(v1alpha1.ReasonUnauthorized, "vectorCharts CreateAccount: HTTP 403: admin role required"),
			upstreamBad: true, setup: createAnswer("vectorCharts", 403, textPlain, "admin role required")},
		{name: "vc-create-200-empty-object", object: "VectorCharts create answered 200 with {} (no account id)",
			want:        retry("UpstreamError", "vectorCharts CreateAccount: HTTP 200: response has no account or user id"),
			upstreamBad: true,
			setup:       createAnswer("vectorCharts", 200, appJSON, "{}")},
		{name: "vc-create-204-no-body", object: "VectorCharts create answered 204 with no body",
			want: retry("UpstreamError", "malformed response body: unexpected end of JSON input"), upstreamBad: true,
			setup: createAnswer("vectorCharts", 204, appJSON, "")},
		{name: "vc-getaccount-not-json", object: "VectorCharts getAccount answered 200 with plain text",
			want: retry("UpstreamError", "malformed response body: invalid character"), upstreamBad: true,
			setup: account("vectorCharts", nil, answer{op: "GetAccount", status: 200,
				header: map[string]string{"Content-Type": textPlain}, body: "OK"})},
	}
}
