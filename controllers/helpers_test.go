package controllers_test

import (
	"fmt"
	"strings"
	"sync/atomic"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

var nsSeq atomic.Int64

// newNamespace makes a fresh namespace for one spec.
func newNamespace(labels map[string]string) string {
	name := fmt.Sprintf("t%d", nsSeq.Add(1))
	Expect(k8sClient.Create(rootCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}})).To(Succeed())
	return name
}

func createSecret(ns, name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, StringData: data}
	Expect(k8sClient.Create(rootCtx, s)).To(Succeed())
	return s
}

// upstream describes one sandbox the tests drive.
type upstream struct {
	name  string
	creds map[string]string
	spec  func(secretRef v1alpha1.SecretReference) v1alpha1.AccountProviderSpec
	block func(a *v1alpha1.Account, ns string)
}

var upstreams = map[string]upstream{
	"ccm": {"ccm", map[string]string{"username": ccmUser, "password": ccmPassword},
		func(ref v1alpha1.SecretReference) v1alpha1.AccountProviderSpec {
			return v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{URL: v1alpha1.HTTPSURL(ccmURL), CredentialsSecretRef: ref}}
		},
		func(a *v1alpha1.Account, ns string) {
			createSecret(ns, a.Name+"-oauth", map[string]string{"clientSecret": oauthSecret})
			a.Spec.CCM = &v1alpha1.CCMAccountSpec{AuthConfigs: []v1alpha1.CCMAuthConfig{
				{Password: &v1alpha1.CCMPasswordAuth{Require2FA: true}},
				{OAuth: &v1alpha1.CCMOAuthConfig{IDPName: "Okta", IDPIconURL: "https://idp.example.com/i.png",
					AuthorizationEndpoint: "https://idp.example.com/auth", TokenEndpoint: "https://idp.example.com/token",
					ClientID: "cid", ClientSecretRef: v1alpha1.SecretKeySelector{Name: v1alpha1.ObjectName(a.Name + "-oauth"), Key: "clientSecret"},
					TLS: v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSRequired, CASet: "GlobalRoots"}}},
			}}
		}},
	"scp": {"scp", map[string]string{"accessKey": scpAccessKey, "secretKey": scpSecretKey},
		func(ref v1alpha1.SecretReference) v1alpha1.AccountProviderSpec {
			return v1alpha1.AccountProviderSpec{SCP: &v1alpha1.SCPProviderSpec{CloudControlURL: v1alpha1.HTTPSURL(scpURL),
				OrganizationURL: v1alpha1.HTTPSURL(scpURL), CredentialsSecretRef: ref}}
		},
		func(a *v1alpha1.Account, ns string) {
			a.Spec.SCP = &v1alpha1.SCPAccountSpec{LandingZoneID: "lz-1", ParentUnitID: "ou-one", Email: a.Name + "@" + ns + ".example.com"}
		}},
	"vectorCharts": {"vectorCharts", map[string]string{"token": vcAdminToken},
		func(ref v1alpha1.SecretReference) v1alpha1.AccountProviderSpec {
			return v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{URL: v1alpha1.HTTPSURL(vcURL), CredentialsSecretRef: ref}}
		},
		func(a *v1alpha1.Account, ns string) {
			a.Spec.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: a.Name + "@" + ns + ".example.com"}
		}},
}

// namespacedProvider creates an AccountProvider (and its Secret) in ns and
// waits for it to be Ready.
func namespacedProvider(u upstream, ns string) *v1alpha1.AccountProvider {
	name := strings.ToLower(u.name)
	createSecret(ns, name+"-creds", u.creds)
	p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: u.spec(v1alpha1.SecretReference{Name: v1alpha1.ObjectName(name + "-creds")})}
	p.Spec.PollInterval = &metav1.Duration{Duration: pollIntervalMin}
	Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
	Eventually(func(g Gomega) {
		g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
		g.Expect(meta.IsStatusConditionTrue(p.Status.Conditions, v1alpha1.ConditionReady)).To(BeTrue(), "%v", p.Status.Conditions)
	}).Should(Succeed())
	return p
}

// newAccount builds an Account for u using the namespaced provider.
func newAccount(u upstream, ns, name string) *v1alpha1.Account {
	a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.AccountSpec{ProviderRef: v1alpha1.ProviderReference{
			Kind: v1alpha1.AccountProviderKind, Name: v1alpha1.ObjectName(strings.ToLower(u.name))}}}
	u.block(a, ns)
	return a
}

func getAccount(a *v1alpha1.Account) *v1alpha1.Account {
	out := &v1alpha1.Account{}
	Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), out)).To(Succeed())
	return out
}

// waitCondition waits for a condition of the Account's current generation.
func waitCondition(a *v1alpha1.Account, condType string, status metav1.ConditionStatus, reason string) *v1alpha1.Account {
	var got *v1alpha1.Account
	Eventually(func(g Gomega) {
		got = &v1alpha1.Account{}
		g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), got)).To(Succeed())
		c := meta.FindStatusCondition(got.Status.Conditions, condType)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Status).To(Equal(status), "%s: %s", c.Reason, c.Message)
		g.Expect(c.ObservedGeneration).To(Equal(got.Generation))
		if reason != "" {
			g.Expect(c.Reason).To(Equal(reason), c.Message)
		}
	}).Should(Succeed())
	return got
}

func waitReady(a *v1alpha1.Account) *v1alpha1.Account {
	return waitCondition(a, v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonAvailable)
}

func connectionSecret(a *v1alpha1.Account) *corev1.Secret {
	s := &corev1.Secret{}
	Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}, s)).To(Succeed())
	return s
}

// eventsFor lists the events about an Account.
func eventsFor(a *v1alpha1.Account) []eventsv1.Event {
	var list eventsv1.EventList
	Expect(k8sClient.List(rootCtx, &list, client.InNamespace(a.Namespace))).To(Succeed())
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Name == a.Name && e.Regarding.Kind == "Account" {
			out = append(out, e)
		}
	}
	return out
}

func reasons(evs []eventsv1.Event) []string {
	out := make([]string, 0, len(evs))
	for _, e := range evs {
		out = append(out, e.Reason)
	}
	return out
}

// deleteAndWait deletes the Account and waits until it is gone.
func deleteAndWait(a *v1alpha1.Account) {
	Expect(k8sClient.Delete(rootCtx, a)).To(Succeed())
	Eventually(func() bool {
		err := k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), &v1alpha1.Account{})
		return client.IgnoreNotFound(err) == nil && err != nil
	}).Should(BeTrue())
}
