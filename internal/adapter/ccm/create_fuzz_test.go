package ccm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// fuzzCCM answers login and records the create body; nothing goes on the
// network.
type fuzzCCM struct{ body []byte }

func (c *fuzzCCM) RoundTrip(req *http.Request) (*http.Response, error) {
	out, status := `{}`, http.StatusNotFound
	switch {
	case strings.HasSuffix(req.URL.Path, "/sys/auth"):
		exp := time.Now().Add(time.Hour).Unix()
		out, status = fmt.Sprintf(`{"access_token":"tok","session_info":{"subject_id":"u",`+
			`"session_expires_at":%d,"session_token_expires_at":%d}}`, exp, exp), http.StatusOK
	case req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/accounts"):
		var err error
		if c.body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		out, status = `{"acct_id":"acct-1","account_status":"Active"}`, http.StatusOK
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(out)), Request: req}, nil
}

// fuzzResolver serves one Secret key and one ConfigMap key, any selector.
type fuzzResolver struct{ secret, logo []byte }

func (r fuzzResolver) SecretKey(context.Context, v1alpha1.SecretKeySelector) ([]byte, error) {
	return r.secret, nil
}

func (r fuzzResolver) ConfigMapKey(context.Context, v1alpha1.ConfigMapKeySelector) ([]byte, error) {
	return r.logo, nil
}

// createBody reads the create body with its own field names, independent of
// the client's wire types.
type createBody struct {
	Name        string `json:"name"`
	CustomLogo  []byte `json:"custom_logo"`
	AuthConfigs []struct {
		Password *struct {
			Require2FA bool `json:"require_2fa"`
		} `json:"password"`
		Oauth *struct {
			IdpName      string                     `json:"idp_name"`
			AuthEndpoint string                     `json:"idp_authorization_endpoint"`
			ClientID     string                     `json:"client_id"`
			ClientSecret string                     `json:"client_secret"`
			TLS          map[string]json.RawMessage `json:"tls"`
		} `json:"oauth"`
		ClusterAuthRef *struct {
			TargetID string `json:"target_id"`
		} `json:"cluster_auth_ref"`
	} `json:"auth_configs"`
}

// FuzzCreateBody: for any display name, OAuth strings, cluster target,
// Secret bytes and logo bytes, Create never panics; it either fails with a
// terminal InvalidSpec error naming a spec.ccm field, or sends a create body
// that is valid JSON and carries each value unchanged, in spec order.
func FuzzCreateBody(f *testing.F) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	f.Add("Team A", "okta", "client-1", "https://idp.example/auth", "target-1", []byte("S3ntinel-secret"), png, uint8(0xff))
	f.Add("", "", "", "", "", []byte(nil), []byte("<svg/>"), uint8(0x0f))
	f.Add("ü \"q\" <b>", "i\u2028", "\x00", "https://h/?a=b&c", "t/../x", []byte("pé"), []byte("GIF89a"), uint8(0x6d))
	f.Add("n", "idp", "c", "https://h", "t", []byte("-----BEGIN CERTIFICATE-----\n"), png, uint8(0x68))
	f.Add("n", "idp", "c", "https://h", "t", []byte("secret-\xff\xfe"), png, uint8(0x08)) // not UTF-8: refused
	f.Fuzz(func(t *testing.T, name, idp, clientID, endpoint, target string, secret, logo []byte, shape uint8) {
		spec := fuzzSpec(idp, clientID, endpoint, target, shape)
		a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "acct", Namespace: "team"},
			Spec: v1alpha1.AccountSpec{DisplayName: apiString(name), CCM: spec}}
		req := &adapter.Request{Account: a, Resolve: fuzzResolver{secret: secret, logo: logo}}
		capture := &fuzzCCM{}
		p, err := NewKind().New(adapter.Config{Spec: &v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{
			URL: "https://ccm.test"}}, Credentials: map[string][]byte{keyUsername: []byte("u"), keyPassword: []byte("p")},
			HTTPClient: &http.Client{Transport: capture}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Create(context.Background(), req); err != nil {
			var te *adapter.Error
			if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec || !strings.HasPrefix(te.Message, "spec.ccm.") {
				t.Fatalf("Create error %v names no spec.ccm field", err)
			}
			return
		}
		checkCCMBody(t, capture.body, req, secret, logo)
	})
}

// fuzzSpec sets a logo and password, cluster and OAuth configs by the bits of
// shape; bits 5-6 pick the OAuth TLS mode, pinned CAs read from the Secret.
func fuzzSpec(idp, clientID, endpoint, target string, shape uint8) *v1alpha1.CCMAccountSpec {
	spec := &v1alpha1.CCMAccountSpec{}
	ref := v1alpha1.SecretKeySelector{Name: "s", Key: "k"}
	if shape&1 != 0 {
		spec.CustomLogo = &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logos", Key: "logo"}}
	}
	if shape&2 != 0 {
		spec.AuthConfigs = append(spec.AuthConfigs, v1alpha1.CCMAuthConfig{Password: &v1alpha1.CCMPasswordAuth{Require2FA: shape&16 != 0}})
	}
	if shape&4 != 0 {
		spec.AuthConfigs = append(spec.AuthConfigs, v1alpha1.CCMAuthConfig{ClusterAuthRef: &v1alpha1.CCMClusterAuthRef{TargetID: apiString(target)}})
	}
	if shape&8 != 0 {
		tls := v1alpha1.CCMTLSConfig{Mode: []v1alpha1.CCMTLSMode{v1alpha1.TLSDisabled, v1alpha1.TLSOpportunistic,
			v1alpha1.TLSRequired, v1alpha1.TLSRequired}[shape>>5%4]}
		if shape>>5%4 == 2 {
			tls.CASet = "GlobalRoots"
		} else if shape>>5%4 == 3 {
			tls.PinnedCARefs = []v1alpha1.SecretKeySelector{ref}
		}
		spec.AuthConfigs = append(spec.AuthConfigs, v1alpha1.CCMAuthConfig{OAuth: &v1alpha1.CCMOAuthConfig{
			IDPName: apiString(idp), ClientID: apiString(clientID), ClientSecretRef: ref, TLS: tls,
			AuthorizationEndpoint: v1alpha1.HTTPSURL(apiString(endpoint)), TokenEndpoint: "https://idp/token"}})
	}
	return spec
}

func checkCCMBody(t *testing.T, raw []byte, req *adapter.Request, secret, logo []byte) {
	t.Helper()
	var b createBody
	if !json.Valid(raw) || json.Unmarshal(raw, &b) != nil {
		t.Fatalf("create body is not valid JSON: %q", raw)
	}
	spec := req.Account.Spec.CCM
	if b.Name != req.DisplayName() || spec.CustomLogo != nil && string(b.CustomLogo) != string(logo) ||
		spec.CustomLogo == nil && b.CustomLogo != nil || len(b.AuthConfigs) != len(spec.AuthConfigs) {
		t.Fatalf("body %s does not carry name %q, the logo and %d configs", raw, req.DisplayName(), len(spec.AuthConfigs))
	}
	for i, c := range spec.AuthConfigs {
		got := b.AuthConfigs[i]
		switch {
		case c.Password != nil && (got.Password == nil || got.Password.Require2FA != c.Password.Require2FA),
			c.ClusterAuthRef != nil && (got.ClusterAuthRef == nil || got.ClusterAuthRef.TargetID != c.ClusterAuthRef.TargetID):
			t.Fatalf("body %s: config %d differs from the spec", raw, i)
		case c.OAuth != nil:
			o := got.Oauth
			if o == nil || o.IdpName != c.OAuth.IDPName || o.ClientID != c.OAuth.ClientID ||
				o.AuthEndpoint != string(c.OAuth.AuthorizationEndpoint) || o.ClientSecret != sentText(secret) || len(o.TLS) != 1 {
				t.Fatalf("body %s: OAuth config %d differs from the spec", raw, i)
			}
		}
	}
}

// sentText is a Secret value as the create body must carry it: unchanged.
// Bytes that are not UTF-8 would turn into U+FFFD in JSON, so the resolver
// refuses them (a terminal error naming the field) before any body is built.
func sentText(b []byte) string {
	if !utf8.Valid(b) {
		panic("a Secret value that is not UTF-8 reached the create body")
	}
	return string(b)
}

// apiString is s as the API server hands it over: JSON, so valid UTF-8.
func apiString(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
