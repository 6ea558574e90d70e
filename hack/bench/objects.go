package main

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/localenv"
)

// upstreams are the three providers, in the order Accounts are spread over them.
var upstreams = localenv.Upstreams

// providerObjects are one credentials Secret and one AccountProvider per
// upstream in ns, pointing at the sandbox.
func providerObjects(ns string, urls localenv.SandboxURLs) []client.Object {
	secret := func(name string, data map[string]string) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, StringData: data}
	}
	prov := func(name string, spec v1alpha1.AccountProviderSpec) *v1alpha1.AccountProvider {
		return &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: spec}
	}
	ref := func(name string) v1alpha1.SecretReference {
		return v1alpha1.SecretReference{Name: v1alpha1.ObjectName(name)}
	}
	return []client.Object{
		secret("ccm-admin", map[string]string{"username": localenv.CCMUser, "password": localenv.CCMPassword}),
		secret("scp-admin", map[string]string{"accessKey": localenv.SCPAccessKey, "secretKey": localenv.SCPSecretKey}),
		secret("vectorcharts-admin", map[string]string{"token": localenv.VectorChartsAdminKey}),
		prov("ccm", v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{
			URL: v1alpha1.HTTPSURL(urls.CCM), CredentialsSecretRef: ref("ccm-admin")}}),
		prov("scp", v1alpha1.AccountProviderSpec{SCP: &v1alpha1.SCPProviderSpec{
			CloudControlURL: v1alpha1.HTTPSURL(urls.SCP), OrganizationURL: v1alpha1.HTTPSURL(urls.SCP),
			CredentialsSecretRef: ref("scp-admin")}}),
		prov("vectorcharts", v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{
			URL: v1alpha1.HTTPSURL(urls.VectorCharts), CredentialsSecretRef: ref("vectorcharts-admin")}}),
	}
}

// account is the i-th benchmark Account: upstreams take turns.
func account(ns string, i int) *v1alpha1.Account {
	up := upstreams[i%len(upstreams)]
	name := fmt.Sprintf("%s-%05d", up, i)
	a := &v1alpha1.Account{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.AccountSpec{
			ProviderRef: v1alpha1.ProviderReference{Kind: v1alpha1.AccountProviderKind, Name: v1alpha1.ObjectName(up)},
			DisplayName: name,
		},
	}
	switch up {
	case "ccm":
		a.Spec.CCM = &v1alpha1.CCMAccountSpec{}
	case "scp":
		a.Spec.SCP = &v1alpha1.SCPAccountSpec{LandingZoneID: "lz-bench", ParentUnitID: "ou-bench",
			Email: name + "@" + ns + ".example.com"}
	default:
		a.Spec.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: name + "@" + ns + ".example.com"}
	}
	return a
}

// unrelatedSecret is a Secret the operator has no business with, of a
// typical size (a TLS pair is a few KiB).
func unrelatedSecret(ns string, i int, payload []byte) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("unrelated-%05d", i), Namespace: ns,
			Labels: map[string]string{"app": "someone-else"}},
		Data: map[string][]byte{"tls.key": payload},
	}
}
