package controllers_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
)

var _ = Describe("Tenancy", func() {
	It("uses a ClusterAccountProvider only from namespaces its selector matches, also after labels change", func() {
		u := upstreams["scp"]
		createSecret(operatorNS, "scp-cluster-creds", u.creds)
		cp := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: "scp-selective"},
			Spec: v1alpha1.ClusterAccountProviderSpec{
				AccountProviderSpec: u.spec(v1alpha1.SecretReference{Name: "scp-cluster-creds", Namespace: operatorNS}),
				NamespaceSelector:   &metav1.LabelSelector{MatchLabels: map[string]string{"scp": "allowed"}},
			}}
		Expect(k8sClient.Create(rootCtx, cp)).To(Succeed())

		allowed := newNamespace(map[string]string{"scp": "allowed"})
		denied := newNamespace(nil)
		mk := func(ns string) *v1alpha1.Account {
			a := newAccount(u, ns, "tenant")
			a.Spec.DisplayName = "tenant-" + ns // one upstream serves both namespaces
			a.Spec.ProviderRef = v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: "scp-selective"}
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			return a
		}
		ok, no := mk(allowed), mk(denied)
		waitReady(ok)
		got := waitCondition(no, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderNotAllowed)
		Expect(got.Status.AccountID).To(BeEmpty())

		var n corev1.Namespace
		Expect(k8sClient.Get(rootCtx, client.ObjectKey{Name: denied}, &n)).To(Succeed())
		n.Labels["scp"] = "allowed"
		Expect(k8sClient.Update(rootCtx, &n)).To(Succeed())
		waitReady(no)
	})

	It("cannot reference an AccountProvider in another namespace", func() {
		u := upstreams["vectorCharts"]
		other := newNamespace(nil)
		namespacedProvider(u, other)
		mine := newNamespace(nil)
		a := newAccount(u, mine, "borrower")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderNotFound)
		Expect(got.Status.AccountID).To(BeEmpty())
	})

	It("reads a referenced Secret only from the Account's own namespace", func() {
		u := upstreams["vectorCharts"]
		other := newNamespace(nil)
		createSecret(other, "pw", map[string]string{"password": vcUserPasswd})
		mine := newNamespace(nil)
		namespacedProvider(u, mine)
		a := newAccount(u, mine, "pwref")
		a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "pw", Key: "password"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSpec)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).
			To(ContainSubstring("spec.vectorCharts.passwordSecretRef"))

		createSecret(mine, "pw", map[string]string{"password": vcUserPasswd})
		got = waitReady(a)
		Expect(string(connectionSecret(got).Data["password"])).To(Equal(vcUserPasswd))
	})

	It("stalls on a provider of another upstream (ProviderMismatch)", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["ccm"], ns)
		a := newAccount(upstreams["scp"], ns, "mismatch")
		a.Spec.ProviderRef.Name = "ccm"
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderMismatch)
	})

	It("never overwrites a Secret it does not own (SecretConflict)", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["scp"], ns)
		createSecret(ns, "taken-account", map[string]string{"mine": "yes"})
		a := newAccount(upstreams["scp"], ns, "taken")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonSecretConflict)
		s := &corev1.Secret{}
		Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: "taken-account"}, s)).To(Succeed())
		Expect(s.Data).To(Equal(map[string][]byte{"mine": []byte("yes")}))
	})
})

// checkSecretHygiene runs after every spec (from AfterSuite): each secret value
// the suite used, checked against everything the operator wrote where users
// and log collectors can read it.
func checkSecretHygiene() {
	By("checking that no secret value shows in logs, events, conditions or status")
	{
		sentinels := []string{ccmPassword, scpSecretKey, vcAdminToken, oauthSecret, vcUserPasswd}
		var accounts v1alpha1.AccountList
		Expect(k8sClient.List(rootCtx, &accounts)).To(Succeed())
		Expect(accounts.Items).NotTo(BeEmpty())
		var texts []string
		for _, a := range accounts.Items {
			texts = append(texts, fmtStatus(a.Status))
			for _, e := range eventsFor(&a) {
				texts = append(texts, e.Note, e.Reason)
			}
		}
		var aps v1alpha1.AccountProviderList
		Expect(k8sClient.List(rootCtx, &aps)).To(Succeed())
		for _, p := range aps.Items {
			for _, c := range p.Status.Conditions {
				texts = append(texts, c.Message)
			}
		}
		texts = append(texts, logs.String())
		all := strings.Join(texts, "\n")
		Expect(len(logs.String())).To(BeNumerically(">", 1000), "the manager's logs were captured")
		// client-go dumps HTTP bodies (Secret data among them) at V(8): never logged.
		Expect(logs.String()).NotTo(ContainSubstring("Response Body"))
		for _, s := range sentinels {
			Expect(all).NotTo(ContainSubstring(s))
		}
	}
}

func fmtStatus(s v1alpha1.AccountStatus) string {
	var b strings.Builder
	b.WriteString(s.AccountID + s.State + s.JobID)
	for _, c := range s.Conditions {
		b.WriteString(c.Reason + c.Message)
	}
	return b.String()
}
