package controllers_test

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Runtime rows about providers, their credentials and CA Secrets, and the
// provider an Account names.

func down(reason, message string) expect {
	return expect{where: isProviderDown, reason: reason, message: message}
}

func stall(reason, message string) expect {
	return expect{where: isStalled, reason: reason, message: message}
}

func retry(reason, message string) expect {
	return expect{where: isRetrying, reason: reason, message: message}
}

// withProvider is a provider case: a provider of kind built by mk, and an
// Account that uses it (which must never reach the upstream's create).
func withProvider(kind string, mk func(e *caseEnv)) func(e *caseEnv) {
	return func(e *caseEnv) {
		mk(e)
		e.account(kind, nil)
	}
}

func creds(kind string, data map[string]string) func(e *caseEnv) {
	return withProvider(kind, func(e *caseEnv) { e.provider(kind, data, nil) })
}

func caBundle(data map[string]string) func(e *caseEnv) {
	return withProvider("vectorCharts", func(e *caseEnv) {
		if data != nil {
			e.secret("ca", data)
		}
		e.provider("vectorCharts", upstreams["vectorCharts"].creds, func(s *v1alpha1.AccountProviderSpec) {
			s.CABundleSecretRef = &v1alpha1.SecretKeyReference{Name: "ca"}
		})
	})
}

func providerRuntimeCases() []badCase {
	gateway := []answer{{op: "*", status: 503, header: map[string]string{"Content-Type": "text/html"}, body: htmlPage}}
	return []badCase{
		{name: "ccm-credentials-secret-missing", object: "AccountProvider credentials Secret that does not exist",
			want: down(v1alpha1.ReasonCredentialsMissing, "spec.ccm.credentialsSecretRef: Secret <ns>/creds not found"), setup: creds("ccm", nil)},
		{name: "ccm-credentials-key-missing", object: `CCM credentials Secret without key "password"`,
			want:  down(v1alpha1.ReasonCredentialsMissing, `credentials Secret <ns>/creds lacks key "password"`),
			setup: creds("ccm", map[string]string{"username": ccmUser})},
		{name: "ccm-credentials-wrong-keys", object: `CCM credentials Secret with keys "user" and "pass"`,
			want:  down(v1alpha1.ReasonCredentialsMissing, `credentials Secret <ns>/creds lacks key "username"`),
			setup: creds("ccm", map[string]string{"user": ccmUser, "pass": ccmPassword})},
		{name: "scp-credentials-empty-value", object: `SCP credentials Secret with an empty "secretKey"`,
			want:  down(v1alpha1.ReasonCredentialsMissing, `credentials Secret <ns>/creds lacks key "secretKey"`),
			setup: creds("scp", map[string]string{"accessKey": scpAccessKey, "secretKey": ""})},
		{name: "vc-credentials-blank-token", object: `VectorCharts credentials Secret whose "token" is only whitespace`,
			want:  down(v1alpha1.ReasonCredentialsMissing, `spec.vectorCharts.credentialsSecretRef: key "token" is empty`),
			setup: creds("vectorCharts", map[string]string{"token": " \n"})},
		{name: "ccm-credentials-wrong-password", object: "CCM credentials with a wrong password",
			want:  down(v1alpha1.ReasonUnauthorized, "HTTP 401"),
			setup: creds("ccm", map[string]string{"username": ccmUser, "password": "wrong-password-0001"})},
		{name: "scp-credentials-unknown-key", object: "SCP credentials with an unknown access key",
			want:  down(v1alpha1.ReasonUnauthorized, "HTTP 401"),
			setup: creds("scp", map[string]string{"accessKey": "unknown-access-key", "secretKey": "wrong-secret-0002"})},
		{name: "vc-credentials-wrong-token", object: "VectorCharts credentials with a token the portal does not know",
			want:  down(v1alpha1.ReasonUnauthorized, "HTTP 401"),
			setup: creds("vectorCharts", map[string]string{"token": "wrong-token-0003"})},
		{name: "cabundle-secret-missing", object: "spec.caBundleSecretRef naming a Secret that does not exist",
			want: down(v1alpha1.ReasonCredentialsMissing, "spec.caBundleSecretRef: Secret <ns>/ca not found"), setup: caBundle(nil)},
		{name: "cabundle-key-missing", object: `spec.caBundleSecretRef Secret without key "ca.crt"`,
			want:  down(v1alpha1.ReasonInvalidSpec, `spec.caBundleSecretRef: Secret ca lacks key "ca.crt"`),
			setup: caBundle(map[string]string{"tls.crt": "-----BEGIN CERTIFICATE-----"})},
		{name: "cabundle-not-pem", object: "spec.caBundleSecretRef Secret holding no PEM certificate",
			want:  down(v1alpha1.ReasonInvalidSpec, "spec.caBundleSecretRef: no PEM certificate found"),
			setup: caBundle(map[string]string{"ca.crt": "not a certificate"})},
		{name: "ccm-pathprefix-wrong", object: `CCM spec.ccm.pathPrefix "/v9" where CCM serves /v1`,
			want: down(v1alpha1.ReasonUnreachable, "HTTP 404"),
			setup: withProvider("ccm", func(e *caseEnv) {
				e.provider("ccm", upstreams["ccm"].creds, func(s *v1alpha1.AccountProviderSpec) { s.CCM.PathPrefix = "/v9" })
			})},
		{name: "vc-url-serves-html", object: "VectorCharts spec.vectorCharts.url pointing at a web page (200 text/html)",
			want: down(v1alpha1.ReasonUnreachable, "malformed response body"),
			setup: withProvider("vectorCharts", func(e *caseEnv) {
				e.good("vectorCharts", answer{op: "*", status: 200, header: map[string]string{"Content-Type": "text/html"}, body: htmlPage})
			})},
		{name: "scp-gateway-503-html", object: "SCP endpoint behind a gateway answering 503 with an HTML page",
			want:  down(v1alpha1.ReasonUnreachable, "HTTP 503: <!DOCTYPE html>"),
			setup: withProvider("scp", func(e *caseEnv) { e.good("scp", gateway...) })},
		{name: "clusterprovider-secret-namespace-missing", object: "ClusterAccountProvider credentials in a namespace that does not exist",
			want: down(v1alpha1.ReasonCredentialsMissing, "Secret no-such-namespace/creds not found"),
			setup: func(e *caseEnv) {
				e.clusterProvider("vectorCharts", "no-such-namespace", nil)
				e.account("vectorCharts", func(a *v1alpha1.Account) { a.Spec.ProviderRef = clusterRef(e) })
			}},
	}
}

func clusterRef(e *caseEnv) v1alpha1.ProviderReference {
	return v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: v1alpha1.ObjectName("bi-" + e.c.name)}
}

func accountRuntimeCases() []badCase {
	return []badCase{
		{name: "providerref-accountprovider-missing", object: "Account spec.providerRef naming an AccountProvider that does not exist",
			want:  stall(v1alpha1.ReasonProviderNotFound, `spec.providerRef: AccountProvider "ccm" not found`),
			setup: func(e *caseEnv) { e.account("ccm", nil) }},
		{name: "providerref-clusterprovider-missing", object: "Account spec.providerRef naming a ClusterAccountProvider that does not exist",
			want: stall(v1alpha1.ReasonProviderNotFound, `spec.providerRef: ClusterAccountProvider "bi-none" not found`),
			setup: func(e *caseEnv) {
				e.account("ccm", func(a *v1alpha1.Account) {
					a.Spec.ProviderRef = v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: "bi-none"}
				})
			}},
		{name: "provider-mismatch", object: "SCP Account (spec.scp) naming a CCM provider",
			want: stall(v1alpha1.ReasonProviderMismatch, `spec.providerRef: AccountProvider "ccm" serves ccm`),
			setup: func(e *caseEnv) {
				e.good("ccm")
				e.account("scp", func(a *v1alpha1.Account) { a.Spec.ProviderRef.Name = "ccm" })
			}},
		{name: "clusterprovider-namespace-not-selected", object: "Account in a namespace the ClusterAccountProvider's namespaceSelector excludes",
			want: stall(v1alpha1.ReasonProviderNotAllowed, `does not allow namespace "<ns>"`),
			setup: func(e *caseEnv) {
				e.secret("creds", upstreams["ccm"].creds)
				e.clusterProvider("ccm", e.ns, func(p *v1alpha1.ClusterAccountProvider) {
					p.Spec.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"team": "other"}}
				})
				e.account("ccm", func(a *v1alpha1.Account) { a.Spec.ProviderRef = clusterRef(e) })
			}},
		{name: "connection-secret-conflict", object: "spec.connectionSecret.name naming a Secret the Account does not own",
			want:             stall(v1alpha1.ReasonSecretConflict, `spec.connectionSecret: Secret "taken" exists and is not owned by this Account`),
			foundAfterCreate: true,
			setup: func(e *caseEnv) {
				e.good("ccm")
				e.secret("taken", map[string]string{"note": "someone else's"})
				e.account("ccm", func(a *v1alpha1.Account) { a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Name: "taken"} })
			}},
		{name: "account-provider-unauthorized", object: "Account whose provider's credentials are refused",
			want:  stall(v1alpha1.ReasonProviderNotReady, `spec.providerRef: AccountProvider "vectorcharts" is not Ready (Unauthorized:`),
			setup: creds("vectorCharts", map[string]string{"token": "wrong-token-0004"})},
		{name: "account-provider-unreachable", object: "Account whose provider's upstream answers 503",
			want: retry(v1alpha1.ReasonUnreachable, `spec.providerRef: AccountProvider "ccm" is not Ready (Unreachable:`),
			setup: withProvider("ccm", func(e *caseEnv) {
				e.good("ccm", answer{op: "*", status: 503, body: "Service Unavailable"})
			})},
	}
}
