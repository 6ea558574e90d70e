package ccm

import (
	"fmt"
	"slices"

	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// configDrift names the spec fields of the auth configs the plan changes, as
// precisely as CCM's answer allows: a replaced config names its differing
// fields (compared in canonical form), an added one its position, a config
// that differs only in what CCM does not show (client secret, client key)
// its oauth block, and configs to delete the list itself.
func configDrift(want []ccmapi.AuthenticationConfig, cp configPlan, up map[string]ccmapi.AuthenticationConfig) []string {
	var out []string
	for i := range want {
		at := fmt.Sprintf("spec.ccm.authConfigs[%d]", i)
		switch {
		case slices.Contains(cp.add, i):
			out = append(out, at)
		case slices.Contains(cp.mod, i):
			out = append(out, configFields(at, canonicalConfig(want[i]), canonicalConfig(up[cp.ids[i]]))...)
		}
	}
	if len(cp.del) > 0 {
		out = append(out, "spec.ccm.authConfigs")
	}
	return out
}

// configFields names the fields in which two canonical configs differ; at
// least one name, so a change that shows in no field (a hidden secret) is
// still reported.
func configFields(at string, want, got ccmapi.AuthenticationConfig) []string {
	var out []string
	add := func(differs bool, field string) {
		if differs {
			out = append(out, at+"."+field)
		}
	}
	switch {
	case kindOf(want) != kindOf(got):
		return []string{at}
	case want.Password != nil:
		add(want.Password.Require2FA != got.Password.Require2FA, "password.require2FA")
		add(want.Password.AdministratorsOnly != got.Password.AdministratorsOnly, "password.administratorsOnly")
	case want.ClusterAuthRef != nil:
		add(want.ClusterAuthRef.TargetID != got.ClusterAuthRef.TargetID, "clusterAuthRef.targetID")
	case want.Oauth != nil:
		out = oauthFields(at+".oauth", *want.Oauth, *got.Oauth)
	}
	if len(out) == 0 {
		out = []string{at + "." + kindOf(want)}
	}
	return out
}

func oauthFields(at string, w, g ccmapi.AuthConfigOauth) []string {
	var out []string
	for _, f := range []struct {
		differs bool
		name    string
	}{
		{w.IdpName != g.IdpName, "idpName"},
		{w.IdpIconURL != g.IdpIconURL, "idpIconURL"},
		{w.IdpAuthorizationEndpoint != g.IdpAuthorizationEndpoint, "authorizationEndpoint"},
		{w.IdpTokenEndpoint != g.IdpTokenEndpoint, "tokenEndpoint"},
		{w.IdpUserinfoEndpoint != g.IdpUserinfoEndpoint, "userinfoEndpoint"},
		{w.IdpRequiresBasicAuth != g.IdpRequiresBasicAuth, "requiresBasicAuth"},
		{w.ClientID != g.ClientID, "clientID"},
	} {
		if f.differs {
			out = append(out, at+"."+f.name)
		}
	}
	return append(out, tlsFields(at+".tls", w.TLS, g.TLS)...)
}

func tlsFields(at string, w, g ccmapi.TlsConfig) []string {
	wr, gr := w.Required, g.Required
	if (w.Disabled == nil) != (g.Disabled == nil) || (w.Opportunistic == nil) != (g.Opportunistic == nil) ||
		(wr == nil) != (gr == nil) {
		return []string{at + ".mode"}
	}
	if wr == nil {
		return nil
	}
	var out []string
	for _, f := range []struct {
		differs bool
		name    string
	}{
		{wr.ValidateHostname != gr.ValidateHostname, "validateHostname"},
		{wr.Ca.CaSet != gr.Ca.CaSet, "caSet"},
		{!slices.EqualFunc(wr.Ca.Pinned, gr.Ca.Pinned, func(a, b ccmapi.Binary) bool { return string(a) == string(b) }), "pinnedCARefs"},
		{string(wr.ClientCert) != string(gr.ClientCert), "clientCertRef"},
	} {
		if f.differs {
			out = append(out, at+"."+f.name)
		}
	}
	return out
}
