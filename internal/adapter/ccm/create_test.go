package ccm_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestCreateMapsEveryField(t *testing.T) {
	e := newEnv(t)
	a := account("team-a", e.fullSpec())
	a.Spec.DisplayName = "Team A"
	var c adapter.Creation
	calls := e.calls(func() { c = e.create(t, a) })
	if calls["CreateAccount"] != 1 || calls["UpdateAccount"] != 0 {
		t.Errorf("calls = %v, want exactly one CreateAccount", calls)
	}

	var want map[string]any
	oauthTail := `"idp_icon_url":"https://idp.example.com/icon.png",
		"idp_authorization_endpoint":"https://idp.example.com/authorize",
		"idp_token_endpoint":"https://idp.example.com/token","idp_requires_basic_auth":true,
		"idp_userinfo_endpoint":"https://idp.example.com/userinfo"`
	raw := `{"name":"Team A","custom_logo":"` + b64(pngLogo) + `","component":"CONFIDENTIAL_AI",
		"node_enrollment":{"attestation_enforcement_disabled_insecure":true},
		"auth_configs":[
		{"password":{"require_2fa":true,"administrators_only":false}},
		{"oauth":{"idp_name":"Okta",` + oauthTail + `,"client_id":"Okta-client","client_secret":"` + oauthSecret + `",
			"tls":{"required":{"validate_hostname":false,"client_cert":"` + b64(certPEM) + `",
			"client_key":"` + b64([]byte(tlsKey)) + `","ca":{"pinned":["` + b64(caPEM) + `"]}}}}},
		{"cluster_auth_ref":{"target_id":"target-1"}},
		{"oauth":{"idp_name":"Azure",` + oauthTail + `,"client_id":"Azure-client","client_secret":"` + oauthSecret + `-azure",
			"tls":{"required":{"validate_hostname":true,"ca":{"ca_set":"GLOBAL_ROOTS"}}}}}]}`
	if err := json.Unmarshal([]byte(raw), &want); err != nil {
		t.Fatal(err)
	}
	if got := e.last(t, "POST"); !reflect.DeepEqual(got, want) {
		t.Errorf("create body:\n got %v\nwant %v", got, want)
	}

	up := e.upstream(t, c.ID)
	if up.Name != "Team A" || string(up.CustomLogo) != string(pngLogo) || up.Component != "CONFIDENTIAL_AI" ||
		!up.NodeEnrollment.AttestationEnforcementDisabledInsecure || len(up.AuthConfigs) != 4 {
		t.Errorf("sandbox stored %+v", up)
	}
	if c.State != "Active" || c.ID == "" {
		t.Errorf("Creation id %q state %q", c.ID, c.State)
	}
	wantDetails := map[string]string{"accountID": c.ID, "defaultGroupID": up.DefaultGroupID,
		"marketplaceGroupID": up.MarketplaceGroupID}
	if len(c.Details) != 3 || up.DefaultGroupID == "" || up.MarketplaceGroupID == "" {
		t.Errorf("Details = %v", c.Details)
	}
	for k, v := range wantDetails {
		if string(c.Details[k]) != v {
			t.Errorf("Details[%s] = %q, want %q", k, c.Details[k], v)
		}
	}
	st := a.Status.CCM
	if st == nil || !reflect.DeepEqual(st.Roles, []string{"MANAGER"}) || st.AccountStatus != "Active" ||
		st.DefaultGroupID != up.DefaultGroupID || st.MarketplaceGroupID != up.MarketplaceGroupID || st.AppliedHash == "" {
		t.Fatalf("status.ccm = %+v", st)
	}
	// authConfigIDs are in spec order.
	ids := st.AuthConfigIDs
	if len(ids) != 4 || up.AuthConfigs[ids[0]].Password == nil || up.AuthConfigs[ids[1]].Oauth.IdpName != "Okta" ||
		up.AuthConfigs[ids[2]].ClusterAuthRef == nil || up.AuthConfigs[ids[3]].Oauth.IdpName != "Azure" {
		t.Errorf("authConfigIDs %v do not follow spec order; upstream %v", ids, up.AuthConfigs)
	}
}

func TestCreateDuplicateNameIsAlreadyExists(t *testing.T) {
	e := newEnv(t)
	e.create(t, account("first", &v1alpha1.CCMAccountSpec{}))
	second := account("second", &v1alpha1.CCMAccountSpec{})
	second.Spec.DisplayName = "first"
	var err error
	calls := e.calls(func() { _, err = e.prov.Create(context.Background(), e.req(second)) })
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists {
		t.Fatalf("Create of a taken name = %v, want terminal AlreadyExists", err)
	}
	want := `spec.displayName: an upstream account named "first" already exists; set spec.externalID to adopt it`
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	if calls["CreateAccount"] != 1 || len(e.sb.Accounts()) != 1 {
		t.Errorf("calls %v, accounts %v", calls, e.sb.Accounts())
	}
}

// A 400 that is not about the name keeps the upstream's answer.
func TestCreateOtherRejectionPassesThrough(t *testing.T) {
	e := newEnv(t)
	e.sb.Faults().FailNext("CreateAccount", 1, 400, 0)
	_, err := e.prov.Create(context.Background(), e.req(account("fresh", &v1alpha1.CCMAccountSpec{})))
	if adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != v1alpha1.ReasonUpstreamRejected {
		t.Errorf("Create answered 400 = %v (reason %s), want terminal UpstreamRejected", err, adapter.Reason(err))
	}
	e.sb.Faults().FailNext("CreateAccount", 1, 503, 0)
	calls := e.calls(func() {
		_, err = e.prov.Create(context.Background(), e.req(account("fresh", &v1alpha1.CCMAccountSpec{})))
	})
	if adapter.Classify(err) != adapter.ClassTransient || calls["CreateAccount"] != 1 {
		t.Errorf("Create answered 503 = %v after %d calls, want transient and no retry", err, calls["CreateAccount"])
	}
}

func TestCreateLogoChecks(t *testing.T) {
	big := append(append([]byte{}, pngLogo...), make([]byte, 128<<10)...)
	exact := append(append([]byte{}, pngLogo...), make([]byte, 128<<10-len(pngLogo))...)
	for name, tc := range map[string]struct {
		logo []byte // nil: the key is missing
		want string // "" means accepted
	}{
		"png at the limit": {logo: exact},
		"svg":              {logo: svgLogo},
		"too big":          {logo: big, want: "spec.ccm.customLogo: ConfigMap \"logos\" key \"team.png\" holds 131144 bytes"},
		"wrong type":       {logo: []byte("GIF89a not allowed"), want: "spec.ccm.customLogo: ConfigMap \"logos\" key \"team.png\" is not a PNG, JPEG or SVG image"},
		"empty":            {logo: []byte{}, want: "spec.ccm.customLogo: ConfigMap \"logos\" key \"team.png\" is empty"},
		"missing key":      {want: "spec.ccm.customLogo.configMapKeyRef: ConfigMap \"logos\" has no key \"team.png\""},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			spec := e.fullSpec()
			if tc.logo == nil {
				e.res.del("logos", "team.png")
			} else {
				e.res.setConfigMap("logos", "team.png", tc.logo)
			}
			var err error
			calls := e.calls(func() { _, err = e.prov.Create(context.Background(), e.req(account("logo", spec))) })
			if tc.want == "" {
				if err != nil || calls["CreateAccount"] != 1 {
					t.Fatalf("Create = %v after %v", err, calls)
				}
				return
			}
			assertInvalidSpec(t, err, tc.want)
			if calls["CreateAccount"] != 0 {
				t.Errorf("an invalid logo still reached CCM: %v", calls)
			}
		})
	}
}

func TestCreateMissingSecretNamesTheField(t *testing.T) {
	for name, tc := range map[string]struct {
		secret, key string
		empty       bool
		want        string
	}{
		"client secret key": {secret: "okta", key: "clientSecret",
			want: `spec.ccm.authConfigs[1].oauth.clientSecretRef: Secret "okta" has no key "clientSecret"`},
		"client key": {secret: "idp-tls", key: "tls.key",
			want: `spec.ccm.authConfigs[1].oauth.tls.clientKeyRef: Secret "idp-tls" has no key "tls.key"`},
		"pinned CA": {secret: "idp-tls", key: "ca.crt",
			want: `spec.ccm.authConfigs[1].oauth.tls.pinnedCARefs[0]: Secret "idp-tls" has no key "ca.crt"`},
		"empty secret": {secret: "azure", key: "clientSecret", empty: true,
			want: `spec.ccm.authConfigs[3].oauth.clientSecretRef: Secret "azure" key "clientSecret" is empty`},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			spec := e.fullSpec()
			if tc.empty {
				e.res.setSecret(tc.secret, tc.key, nil)
			} else {
				e.res.del(tc.secret, tc.key)
			}
			var err error
			calls := e.calls(func() { _, err = e.prov.Create(context.Background(), e.req(account("sec", spec))) })
			assertInvalidSpec(t, err, tc.want)
			if calls["CreateAccount"] != 0 {
				t.Errorf("CreateAccount was called: %v", calls)
			}
		})
	}
}

// API server trouble reading a Secret is transient, not a spec problem.
func TestSecretReadTroubleIsTransient(t *testing.T) {
	e := newEnv(t)
	spec := e.fullSpec()
	e.res.fail = apierrors.NewServerTimeout(v1alpha1.GroupVersion.WithResource("secrets").GroupResource(), "get", 1)
	_, err := e.prov.Create(context.Background(), e.req(account("t", spec)))
	if err == nil || adapter.Classify(err) != adapter.ClassTransient {
		t.Errorf("Create with a timing-out API server = %v, want transient", err)
	}
}

func assertInvalidSpec(t *testing.T, err error, want string) {
	t.Helper()
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec {
		t.Fatalf("err = %v, want terminal InvalidSpec", err)
	}
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message = %q, want prefix %q", err.Error(), want)
	}
}
