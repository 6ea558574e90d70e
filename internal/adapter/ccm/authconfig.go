package ccm

import (
	"context"
	"fmt"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// authConfig maps one spec auth config to the vendor's AuthenticationConfig,
// reading the Secrets it refers to. field is e.g. "spec.ccm.authConfigs[1]".
func authConfig(ctx context.Context, r adapter.Resolver, field string, c v1alpha1.CCMAuthConfig) (ccmapi.AuthenticationConfig, error) {
	set := 0
	for _, ok := range []bool{c.Password != nil, c.OAuth != nil, c.ClusterAuthRef != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return ccmapi.AuthenticationConfig{}, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: set exactly one of password, oauth or clusterAuthRef", field)
	}
	switch {
	case c.Password != nil:
		return ccmapi.AuthenticationConfig{Password: &ccmapi.AuthConfigPassword{
			Require2FA: c.Password.Require2FA, AdministratorsOnly: c.Password.AdministratorsOnly}}, nil
	case c.ClusterAuthRef != nil:
		return ccmapi.AuthenticationConfig{ClusterAuthRef: &ccmapi.AuthConfigRef{TargetID: c.ClusterAuthRef.TargetID}}, nil
	}
	o, err := oauthConfig(ctx, r, field+".oauth", c.OAuth)
	if err != nil {
		return ccmapi.AuthenticationConfig{}, err
	}
	return ccmapi.AuthenticationConfig{Oauth: o}, nil
}

func oauthConfig(ctx context.Context, r adapter.Resolver, field string, o *v1alpha1.CCMOAuthConfig) (*ccmapi.AuthConfigOauth, error) {
	secret, err := secretKey(ctx, r, field+".clientSecretRef", o.ClientSecretRef)
	if err != nil {
		return nil, err
	}
	tls, err := tlsConfig(ctx, r, field+".tls", o.TLS)
	if err != nil {
		return nil, err
	}
	return &ccmapi.AuthConfigOauth{
		IdpName:                  o.IDPName,
		IdpIconURL:               string(o.IDPIconURL),
		IdpAuthorizationEndpoint: string(o.AuthorizationEndpoint),
		IdpTokenEndpoint:         string(o.TokenEndpoint),
		IdpRequiresBasicAuth:     o.RequiresBasicAuth,
		IdpUserinfoEndpoint:      string(o.UserinfoEndpoint),
		TLS:                      tls,
		ClientID:                 o.ClientID,
		ClientSecret:             ccmapi.WireSecret(secret),
	}, nil
}

// tlsConfig maps the TLS mode; Required carries a CA choice and an optional
// client certificate, all read from Secrets.
func tlsConfig(ctx context.Context, r adapter.Resolver, field string, t v1alpha1.CCMTLSConfig) (ccmapi.TlsConfig, error) {
	switch t.Mode {
	case v1alpha1.TLSDisabled:
		return ccmapi.TLSDisabled(), nil
	case v1alpha1.TLSOpportunistic:
		return ccmapi.TLSOpportunistic(), nil
	case v1alpha1.TLSRequired:
	default:
		return ccmapi.TlsConfig{}, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s.mode: must be Disabled, Opportunistic or Required", field)
	}
	req := ccmapi.TlsConfigRequired{ValidateHostname: t.ValidateHostname == nil || *t.ValidateHostname}
	ca, err := caConfig(ctx, r, field, t)
	if err != nil {
		return ccmapi.TlsConfig{}, err
	}
	req.Ca = ca
	if (t.ClientCertRef == nil) != (t.ClientKeyRef == nil) {
		return ccmapi.TlsConfig{}, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: clientCertRef and clientKeyRef must be set together", field)
	}
	if t.ClientCertRef != nil {
		if req.ClientCert, err = secretKey(ctx, r, field+".clientCertRef", *t.ClientCertRef); err != nil {
			return ccmapi.TlsConfig{}, err
		}
		key, err := secretKey(ctx, r, field+".clientKeyRef", *t.ClientKeyRef)
		if err != nil {
			return ccmapi.TlsConfig{}, err
		}
		req.ClientKey = ccmapi.SecretBytes(key)
	}
	return ccmapi.TLSRequired(req), nil
}

func caConfig(ctx context.Context, r adapter.Resolver, field string, t v1alpha1.CCMTLSConfig) (ccmapi.CaConfig, error) {
	switch {
	case t.CASet != "" && len(t.PinnedCARefs) > 0, t.CASet == "" && len(t.PinnedCARefs) == 0:
		return ccmapi.CaConfig{}, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: mode Required needs exactly one of caSet or pinnedCARefs", field)
	case t.CASet == "GlobalRoots":
		return ccmapi.CaConfig{CaSet: ccmapi.CaSetGlobalRoots}, nil
	case t.CASet != "":
		return ccmapi.CaConfig{}, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "%s.caSet: must be GlobalRoots", field)
	}
	var out ccmapi.CaConfig
	for i, sel := range t.PinnedCARefs {
		b, err := secretKey(ctx, r, fmt.Sprintf("%s.pinnedCARefs[%d]", field, i), sel)
		if err != nil {
			return ccmapi.CaConfig{}, err
		}
		out.Pinned = append(out.Pinned, b)
	}
	return out, nil
}
