package crd

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func pcrIdentity() []int32 {
	out := make([]int32, 23)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

func oauthConfig() *v1alpha1.CCMOAuthConfig {
	return &v1alpha1.CCMOAuthConfig{
		IDPName:               "Okta",
		IDPIconURL:            "https://okta.example.com/icon.png",
		AuthorizationEndpoint: "https://okta.example.com/authorize",
		TokenEndpoint:         "https://okta.example.com/token",
		ClientID:              "abc",
		ClientSecretRef:       v1alpha1.SecretKeySelector{Name: "okta", Key: "clientSecret"},
		TLS:                   v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSRequired, ValidateHostname: ptr.To(true), CASet: "GlobalRoots"},
	}
}

func account(name string) *v1alpha1.Account {
	return &v1alpha1.Account{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a"},
		Spec: v1alpha1.AccountSpec{
			ProviderRef: v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: "p"},
		},
	}
}

func validCCMAccount(name string) *v1alpha1.Account {
	a := account(name)
	a.Spec.CCM = &v1alpha1.CCMAccountSpec{
		Component: "DEFAULT",
		AuthConfigs: []v1alpha1.CCMAuthConfig{
			{Password: &v1alpha1.CCMPasswordAuth{Require2FA: true}},
			{OAuth: oauthConfig()},
		},
		CustomLogo:          &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logos", Key: "a.png"}},
		AzureCVMPCRPriority: pcrIdentity(),
	}
	return a
}

func validSCPAccount(name string) *v1alpha1.Account {
	a := account(name)
	a.Spec.SCP = &v1alpha1.SCPAccountSpec{
		LandingZoneID: "lz-1",
		ParentUnitID:  "ou-1",
		Email:         "a@example.com",
		SSOUser:       &v1alpha1.SCPSSOUser{Email: "u@example.com", Name: "user"},
	}
	return a
}

func validVCAccount(name string) *v1alpha1.Account {
	a := account(name)
	a.Spec.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: "owner@example.com"}
	return a
}

func validProviderSpec() v1alpha1.AccountProviderSpec {
	return v1alpha1.AccountProviderSpec{
		VectorCharts: &v1alpha1.VectorChartsProviderSpec{
			URL:                  "https://charts.example.com:9909",
			CredentialsSecretRef: v1alpha1.SecretReference{Name: "vc"},
		},
	}
}

func validAccountProvider(name string) *v1alpha1.AccountProvider {
	return &v1alpha1.AccountProvider{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a"},
		Spec:       validProviderSpec(),
	}
}

func validClusterProvider(name string) *v1alpha1.ClusterAccountProvider {
	spec := validProviderSpec()
	spec.VectorCharts.CredentialsSecretRef.Namespace = "account-operator"
	return &v1alpha1.ClusterAccountProvider{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: spec},
	}
}
