package rbac

import (
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// createWorld makes, as the cluster administrator, one provider and one
// Account per upstream: CCM through a ClusterAccountProvider, with a logo
// ConfigMap and an OAuth client secret; SCP and VectorCharts through
// AccountProviders, the VectorCharts one with a connection ConfigMap.
// Together they use every grant the table marks exercised.
func createWorld(u upstreamURLs) []*v1alpha1.Account {
	mk := func(objs ...client.Object) {
		for _, o := range objs {
			Expect(admin.Create(ctx, o)).To(Succeed())
		}
	}
	secret := func(ns, name string, data map[string]string) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, StringData: data}
	}
	mk(secret(operatorNS, "ccm-creds", map[string]string{"username": ccmUser, "password": ccmPassword}),
		secret(tenantNS, "scp-creds", map[string]string{"accessKey": scpAccess, "secretKey": scpSecret}),
		secret(tenantNS, "vc-creds", map[string]string{"token": vcToken}),
		secret(tenantNS, "oauth", map[string]string{"clientSecret": "rbac-oauth-secret"}),
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: tenantNS, Name: "logo"},
			Data: map[string]string{"logo.svg": `<svg xmlns="http://www.w3.org/2000/svg"/>`}},
		&v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: "ccm"},
			Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: v1alpha1.AccountProviderSpec{
				CCM: &v1alpha1.CCMProviderSpec{URL: v1alpha1.HTTPSURL(u.ccm),
					CredentialsSecretRef: v1alpha1.SecretReference{Name: "ccm-creds", Namespace: operatorNS}}}}},
		&v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: tenantNS, Name: "scp"},
			Spec: v1alpha1.AccountProviderSpec{SCP: &v1alpha1.SCPProviderSpec{CloudControlURL: v1alpha1.HTTPSURL(u.scp),
				OrganizationURL: v1alpha1.HTTPSURL(u.scp), CredentialsSecretRef: v1alpha1.SecretReference{Name: "scp-creds"}}}},
		&v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: tenantNS, Name: "vc"},
			Spec: v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{URL: v1alpha1.HTTPSURL(u.vc),
				CredentialsSecretRef: v1alpha1.SecretReference{Name: "vc-creds"}}}},
	)
	accounts := []*v1alpha1.Account{ccmAccount(),
		account("scp", v1alpha1.AccountProviderKind, func(s *v1alpha1.AccountSpec) {
			s.SCP = &v1alpha1.SCPAccountSpec{LandingZoneID: "lz-1", ParentUnitID: "ou-one", Email: "scp@team-a.example.com"}
		}),
		account("vc", v1alpha1.AccountProviderKind, func(s *v1alpha1.AccountSpec) {
			s.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: "vc@team-a.example.com"}
			s.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{}
		}),
	}
	for _, a := range accounts {
		mk(a)
	}
	return accounts
}

func account(provider string, kind v1alpha1.ProviderKind, set func(*v1alpha1.AccountSpec)) *v1alpha1.Account {
	a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: tenantNS, Name: provider + "-account"},
		Spec: v1alpha1.AccountSpec{ProviderRef: v1alpha1.ProviderReference{Kind: kind, Name: v1alpha1.ObjectName(provider)}}}
	set(&a.Spec)
	return a
}

func ccmAccount() *v1alpha1.Account {
	return account("ccm", v1alpha1.ClusterAccountProviderKind, func(s *v1alpha1.AccountSpec) {
		s.CCM = &v1alpha1.CCMAccountSpec{
			CustomLogo: &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logo", Key: "logo.svg"}},
			AuthConfigs: []v1alpha1.CCMAuthConfig{{OAuth: &v1alpha1.CCMOAuthConfig{IDPName: "Okta",
				IDPIconURL: "https://idp.example.com/i.png", AuthorizationEndpoint: "https://idp.example.com/auth",
				TokenEndpoint: "https://idp.example.com/token", ClientID: "cid",
				ClientSecretRef: v1alpha1.SecretKeySelector{Name: "oauth", Key: "clientSecret"},
				TLS:             v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSRequired, CASet: "GlobalRoots"}}}},
		}
	})
}
