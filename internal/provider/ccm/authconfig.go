package ccm

import (
	"context"
	"fmt"

	"k8s.io/utils/ptr"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/provider"
	"github.com/account-operator/account-operator/internal/upstream/ccm"
)

// authConfig maps one spec auth config to the vendor's AuthenticationConfig,
// reading the Secrets it refers to. field is e.g. "spec.ccm.authConfigs[1]".
func authConfig(ctx context.Context, r provider.Resolver, field string, c v1alpha1.CCMAuthConfig) (ccm.AuthenticationConfig, error) {
	set := 0
	for _, ok := range []bool{c.Password != nil, c.OAuth != nil, c.ClusterAuthRef != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return ccm.AuthenticationConfig{}, provider.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: set exactly one of password, oauth or clusterAuthRef", field)
	}
	switch {
	case c.Password != nil:
		return ccm.AuthenticationConfig{Password: &ccm.AuthConfigPassword{
			Require2FA:         ptr.Deref(c.Password.Require2FA, false),
			AdministratorsOnly: ptr.Deref(c.Password.AdministratorsOnly, false)}}, nil
	case c.ClusterAuthRef != nil:
		return ccm.AuthenticationConfig{ClusterAuthRef: &ccm.AuthConfigRef{TargetID: c.ClusterAuthRef.TargetID}}, nil
	}
	o, err := oauthConfig(ctx, r, field+".oauth", c.OAuth)
	if err != nil {
		return ccm.AuthenticationConfig{}, err
	}
	return ccm.AuthenticationConfig{Oauth: o}, nil
}

func oauthConfig(ctx context.Context, r provider.Resolver, field string, o *v1alpha1.CCMOAuthConfig) (*ccm.AuthConfigOauth, error) {
	secret, err := secretKey(ctx, r, field+".clientSecretRef", o.ClientSecretRef)
	if err != nil {
		return nil, err
	}
	tls, err := tlsConfig(ctx, r, field+".tls", o.TLS)
	if err != nil {
		return nil, err
	}
	return &ccm.AuthConfigOauth{
		IdpName:                  o.IDPName,
		IdpIconURL:               string(o.IDPIconURL),
		IdpAuthorizationEndpoint: string(o.AuthorizationEndpoint),
		IdpTokenEndpoint:         string(o.TokenEndpoint),
		IdpRequiresBasicAuth:     ptr.Deref(o.RequiresBasicAuth, false),
		IdpUserinfoEndpoint:      string(o.UserinfoEndpoint),
		TLS:                      tls,
		ClientID:                 o.ClientID,
		ClientSecret:             ccm.WireSecret(secret),
	}, nil
}

// tlsConfig maps the TLS mode; Required carries a CA choice and an optional
// client certificate, all read from Secrets.
func tlsConfig(ctx context.Context, r provider.Resolver, field string, t v1alpha1.CCMTLSConfig) (ccm.TlsConfig, error) {
	switch t.Mode {
	case v1alpha1.TLSDisabled:
		return ccm.TLSDisabled(), nil
	case v1alpha1.TLSOpportunistic:
		return ccm.TLSOpportunistic(), nil
	case v1alpha1.TLSRequired:
	default:
		return ccm.TlsConfig{}, provider.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s.mode: must be Disabled, Opportunistic or Required", field)
	}
	req := ccm.TlsConfigRequired{ValidateHostname: t.ValidateHostname == nil || *t.ValidateHostname}
	ca, err := caConfig(ctx, r, field, t)
	if err != nil {
		return ccm.TlsConfig{}, err
	}
	req.Ca = ca
	if (t.ClientCertRef == nil) != (t.ClientKeyRef == nil) {
		return ccm.TlsConfig{}, provider.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: clientCertRef and clientKeyRef must be set together", field)
	}
	if t.ClientCertRef != nil {
		if req.ClientCert, err = secretKey(ctx, r, field+".clientCertRef", *t.ClientCertRef); err != nil {
			return ccm.TlsConfig{}, err
		}
		key, err := secretKey(ctx, r, field+".clientKeyRef", *t.ClientKeyRef)
		if err != nil {
			return ccm.TlsConfig{}, err
		}
		req.ClientKey = ccm.SecretBytes(key)
	}
	return ccm.TLSRequired(req), nil
}

func caConfig(ctx context.Context, r provider.Resolver, field string, t v1alpha1.CCMTLSConfig) (ccm.CaConfig, error) {
	switch {
	case t.CASet != "" && len(t.PinnedCARefs) > 0, t.CASet == "" && len(t.PinnedCARefs) == 0:
		return ccm.CaConfig{}, provider.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: mode Required needs exactly one of caSet or pinnedCARefs", field)
	case t.CASet == "GlobalRoots":
		return ccm.CaConfig{CaSet: ccm.CaSetGlobalRoots}, nil
	case t.CASet != "":
		return ccm.CaConfig{}, provider.Terminalf(v1alpha1.ReasonInvalidSpec, "%s.caSet: must be GlobalRoots", field)
	}
	var out ccm.CaConfig
	for i, sel := range t.PinnedCARefs {
		b, err := secretKey(ctx, r, fmt.Sprintf("%s.pinnedCARefs[%d]", field, i), sel)
		if err != nil {
			return ccm.CaConfig{}, err
		}
		out.Pinned = append(out.Pinned, b)
	}
	return out, nil
}
