package ccm

import (
	"reflect"
	"strings"
	"testing"

	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

func pw(twoFA bool) ccmapi.AuthenticationConfig {
	return ccmapi.AuthenticationConfig{Password: &ccmapi.AuthConfigPassword{Require2FA: twoFA}}
}

func ref(target string) ccmapi.AuthenticationConfig {
	return ccmapi.AuthenticationConfig{ClusterAuthRef: &ccmapi.AuthConfigRef{TargetID: target}}
}

// oa is an OAuth config; secret "" is how CCM shows it on read.
func oa(name, secret string) ccmapi.AuthenticationConfig {
	return ccmapi.AuthenticationConfig{Oauth: &ccmapi.AuthConfigOauth{IdpName: name, ClientID: "c",
		ClientSecret: ccmapi.WireSecret(secret), TLS: ccmapi.TLSRequired(ccmapi.TlsConfigRequired{
			ClientKey: ccmapi.SecretBytes(secret), Ca: ccmapi.CaConfig{CaSet: ccmapi.CaSetGlobalRoots}})}}
}

func TestPlanConfigs(t *testing.T) {
	p := &Adapter{key: "k"}
	marksOf := func(cs ...ccmapi.AuthenticationConfig) []string { return p.mark(&desired{configs: cs}).configs }
	up := map[string]ccmapi.AuthenticationConfig{"a": pw(false), "b": oa("okta", ""), "c": ref("t1")}
	kept := []string{"a", "b", "c"}
	applied := marksOf(pw(false), oa("okta", "s1"), ref("t1"))
	for name, tc := range map[string]struct {
		want          []ccmapi.AuthenticationConfig
		kept, applied []string
		plan          configPlan
	}{
		"unchanged": {want: []ccmapi.AuthenticationConfig{pw(false), oa("okta", "s1"), ref("t1")},
			plan: configPlan{ids: []string{"a", "b", "c"}}},
		"secret rotated": {want: []ccmapi.AuthenticationConfig{pw(false), oa("okta", "s2"), ref("t1")},
			plan: configPlan{ids: []string{"a", "b", "c"}, mod: []int{1}}},
		"reordered": {want: []ccmapi.AuthenticationConfig{ref("t1"), pw(false), oa("okta", "s1")},
			plan: configPlan{ids: []string{"c", "a", "b"}}},
		"changed in place": {want: []ccmapi.AuthenticationConfig{pw(true), oa("okta", "s1"), ref("t2")},
			plan: configPlan{ids: []string{"a", "b", "c"}, mod: []int{0, 2}}},
		"removed": {want: []ccmapi.AuthenticationConfig{pw(false), ref("t1")},
			plan: configPlan{ids: []string{"a", "c"}, del: []string{"b"}}},
		"added": {want: []ccmapi.AuthenticationConfig{pw(false), oa("okta", "s1"), ref("t1"), oa("google", "g")},
			plan: configPlan{ids: []string{"a", "b", "c", ""}, add: []int{3}}},
		"other variant is not reused": {want: []ccmapi.AuthenticationConfig{pw(false), oa("okta", "s1"), oa("google", "g")},
			plan: configPlan{ids: []string{"a", "b", ""}, add: []int{2}, del: []string{"c"}}},
		"adopted, nothing recorded": {want: []ccmapi.AuthenticationConfig{pw(false), oa("okta", "s1")},
			kept: []string{}, applied: []string{},
			plan: configPlan{ids: []string{"a", "b"}, mod: []int{1}, del: []string{"c"}}},
	} {
		t.Run(name, func(t *testing.T) {
			k, ap := kept, applied
			if tc.kept != nil {
				k, ap = tc.kept, tc.applied
			}
			got := planConfigs(tc.want, marksOf(tc.want...), k, ap, up)
			if !reflect.DeepEqual(got, tc.plan) {
				t.Errorf("plan = %+v, want %+v", got, tc.plan)
			}
		})
	}
}

func TestMarksRoundTrip(t *testing.T) {
	p := &Adapter{key: "k"}
	m := p.mark(&desired{logo: []byte("logo"), configs: []ccmapi.AuthenticationConfig{pw(true), oa("x", "secret")}})
	s := m.String()
	if got := parseMarks(s); !reflect.DeepEqual(got, m) || !strings.HasPrefix(s, "v1.") {
		t.Errorf("parseMarks(%q) = %+v, want %+v", s, got, m)
	}
	if (marks{}).String() != "" || !reflect.DeepEqual(parseMarks("garbage"), marks{}) {
		t.Error("empty or unreadable marks must be empty")
	}
	// The secret is covered: the same config with another secret has another mark.
	if p.mark(&desired{configs: []ccmapi.AuthenticationConfig{oa("x", "other")}}).configs[0] == m.configs[1] {
		t.Error("the mark ignores the client secret")
	}
}
