package controllers_test

import (
	"encoding/base64"
	"fmt"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Runtime rows about CCM Accounts: the logo ConfigMap and the Secrets the
// auth configs refer to. All are local: no create may reach CCM.

// Image headers for logo cases.
var (
	pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	gifHeader = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04")
)

// withLogo is a CCM Account whose customLogo is ConfigMap "logo" key
// "logo.png", with the ConfigMap made by mk (none when nil).
func withLogo(mk func(e *caseEnv)) func(e *caseEnv) {
	return func(e *caseEnv) {
		e.good("ccm")
		if mk != nil {
			mk(e)
		}
		e.account("ccm", func(a *v1alpha1.Account) {
			a.Spec.CCM.CustomLogo = &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logo", Key: "logo.png"}}
		})
	}
}

func logoData(data map[string]string, binary map[string][]byte) func(e *caseEnv) {
	return withLogo(func(e *caseEnv) { e.configMap("logo", data, binary) })
}

// withOAuth is a CCM Account with one OAuth sign-in whose client secret is
// Secret "oauth" key "clientSecret"; mk makes the Secrets and edits the TLS;
// the endpoint gives the answers.
func withOAuth(mk func(e *caseEnv, o *v1alpha1.CCMOAuthConfig), answers ...answer) func(e *caseEnv) {
	return func(e *caseEnv) {
		e.good("ccm", answers...)
		o := &v1alpha1.CCMOAuthConfig{IDPName: "Okta", IDPIconURL: "https://idp.example.com/i.png",
			AuthorizationEndpoint: "https://idp.example.com/auth", TokenEndpoint: "https://idp.example.com/token",
			ClientID: "cid", ClientSecretRef: v1alpha1.SecretKeySelector{Name: "oauth", Key: "clientSecret"},
			TLS: v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSRequired, CASet: "GlobalRoots"}}
		if mk != nil {
			mk(e, o)
		}
		e.account("ccm", func(a *v1alpha1.Account) { a.Spec.CCM.AuthConfigs = []v1alpha1.CCMAuthConfig{{OAuth: o}} })
	}
}

func oauthSecretData(data map[string]string) func(e *caseEnv, o *v1alpha1.CCMOAuthConfig) {
	return func(e *caseEnv, _ *v1alpha1.CCMOAuthConfig) { e.secret("oauth", data) }
}

func ccmRuntimeCases() []badCase {
	const field = "spec.ccm.authConfigs[0].oauth"
	oversize := append(append([]byte{}, pngHeader...), make([]byte, 129<<10)...)
	return []badCase{
		{name: "ccm-logo-configmap-missing", object: "spec.ccm.customLogo naming a ConfigMap that does not exist",
			want:  stall(v1alpha1.ReasonInvalidSpec, `spec.ccm.customLogo.configMapKeyRef: ConfigMap "logo"`),
			setup: withLogo(nil)},
		{name: "ccm-logo-key-missing", object: `logo ConfigMap without key "logo.png"`,
			want:  stall(v1alpha1.ReasonInvalidSpec, `spec.ccm.customLogo.configMapKeyRef: ConfigMap "logo" has no key "logo.png"`),
			setup: logoData(nil, map[string][]byte{"logo.jpg": pngHeader})},
		{name: "ccm-logo-empty", object: `logo ConfigMap whose "logo.png" is empty`,
			want:  stall(v1alpha1.ReasonInvalidSpec, `spec.ccm.customLogo: ConfigMap "logo" key "logo.png" is empty`),
			setup: logoData(map[string]string{"logo.png": ""}, nil)},
		{name: "ccm-logo-oversize", object: "logo of 129 KiB (CCM accepts 128 KiB)",
			want: stall(v1alpha1.ReasonInvalidSpec, fmt.Sprintf(`spec.ccm.customLogo: ConfigMap "logo" key "logo.png" holds %d bytes; `+
				"CCM accepts at most 131072", len(oversize))),
			setup: logoData(nil, map[string][]byte{"logo.png": oversize})},
		{name: "ccm-logo-gif", object: "logo that is a GIF",
			want:  stall(v1alpha1.ReasonInvalidSpec, `spec.ccm.customLogo: ConfigMap "logo" key "logo.png" is not a PNG, JPEG or SVG image`),
			setup: logoData(nil, map[string][]byte{"logo.png": gifHeader})},
		{name: "ccm-logo-base64-text", object: "logo given as base64 text in data instead of bytes in binaryData",
			want:  stall(v1alpha1.ReasonInvalidSpec, `spec.ccm.customLogo: ConfigMap "logo" key "logo.png" is not a PNG, JPEG or SVG image`),
			setup: logoData(map[string]string{"logo.png": base64.StdEncoding.EncodeToString(pngHeader)}, nil)},
		{name: "ccm-oauth-secret-missing", object: "spec.ccm.authConfigs[0].oauth.clientSecretRef naming a Secret that does not exist",
			want: stall(v1alpha1.ReasonInvalidSpec, field+`.clientSecretRef: Secret "oauth"`), setup: withOAuth(nil)},
		{name: "ccm-oauth-secret-key-missing", object: `OAuth client Secret without key "clientSecret"`,
			want:  stall(v1alpha1.ReasonInvalidSpec, field+`.clientSecretRef: Secret "oauth" has no key "clientSecret"`),
			setup: withOAuth(oauthSecretData(map[string]string{"client-secret": oauthSecret}))},
		{name: "ccm-oauth-secret-empty", object: `OAuth client Secret whose "clientSecret" is empty`,
			want:  stall(v1alpha1.ReasonInvalidSpec, field+`.clientSecretRef: Secret "oauth" key "clientSecret" is empty`),
			setup: withOAuth(oauthSecretData(map[string]string{"clientSecret": ""}))},
		{name: "ccm-pinned-ca-key-missing", object: `spec.ccm…tls.pinnedCARefs[0] Secret without key "ca.pem"`,
			want: stall(v1alpha1.ReasonInvalidSpec, field+`.tls.pinnedCARefs[0]: Secret "ca" has no key "ca.pem"`),
			setup: withOAuth(func(e *caseEnv, o *v1alpha1.CCMOAuthConfig) {
				e.secret("oauth", map[string]string{"clientSecret": oauthSecret})
				e.secret("ca", map[string]string{"ca.crt": "-----BEGIN CERTIFICATE-----"})
				o.TLS.CASet, o.TLS.PinnedCARefs = "", []v1alpha1.SecretKeySelector{{Name: "ca", Key: "ca.pem"}}
			})},
		{name: "ccm-client-key-empty", object: `spec.ccm…tls.clientKeyRef Secret whose "tls.key" is empty`,
			want: stall(v1alpha1.ReasonInvalidSpec, field+`.tls.clientKeyRef: Secret "tls" key "tls.key" is empty`),
			setup: withOAuth(func(e *caseEnv, o *v1alpha1.CCMOAuthConfig) {
				e.secret("oauth", map[string]string{"clientSecret": oauthSecret})
				e.secret("tls", map[string]string{"tls.crt": "-----BEGIN CERTIFICATE-----", "tls.key": ""})
				o.TLS.ClientCertRef = &v1alpha1.SecretKeySelector{Name: "tls", Key: "tls.crt"}
				o.TLS.ClientKeyRef = &v1alpha1.SecretKeySelector{Name: "tls", Key: "tls.key"}
			})},
		{name: "ccm-externalid-unknown", object: `spec.externalID "acct-does-not-exist" (CCM)`,
			want: stall(v1alpha1.ReasonNotFoundUpstream, "upstream account acct-does-not-exist no longer exists"),
			setup: func(e *caseEnv) {
				e.good("ccm")
				e.account("ccm", func(a *v1alpha1.Account) { a.Spec.ExternalID = "acct-does-not-exist" })
			}},
		{name: "ccm-externalid-dot-dot", object: `spec.externalID ".." (CCM)`,
			want: stall(v1alpha1.ReasonNotFoundUpstream, "upstream account .. no longer exists"),
			setup: func(e *caseEnv) {
				e.good("ccm")
				e.account("ccm", func(a *v1alpha1.Account) { a.Spec.ExternalID = ".." })
			}},
	}
}
