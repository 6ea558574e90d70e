package controllers_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// A ClusterAccountProvider's rate limit is shared by every namespace that uses
// it. One namespace applying many Accounts must not make another namespace's
// one wait behind all of them: the work queue hands out the namespaces' Accounts
// in turn, and the provider's token bucket serves waiting namespaces in turn.
var _ = Describe("Fair sharing between namespaces", func() {
	It("serves one Account of namespace B while namespace A's many wait for the same rate limit", func() {
		name := fmt.Sprintf("fair-ccm-%d", nsSeq.Add(1))
		createSecret(operatorNS, name, upstreams["ccm"].creds)
		cp := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: upstreams["ccm"].spec(
				v1alpha1.SecretReference{Name: v1alpha1.ObjectName(name), Namespace: operatorNS})}}
		cp.Spec.PollInterval = &metav1.Duration{Duration: minPollInterval}
		cp.Spec.RateLimit = &v1alpha1.RateLimit{RequestsPerSecond: 5, Burst: 1}
		Expect(k8sClient.Create(rootCtx, cp)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(meta.IsStatusConditionTrue(getClusterProvider(name).Status.Conditions, v1alpha1.ConditionReady)).To(BeTrue())
		}).Should(Succeed())
		ref := v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: v1alpha1.ObjectName(name)}

		By("namespace A applying 20 Accounts: 40 upstream calls, 8 s of the provider's budget")
		teamA, teamB := newNamespace(nil), newNamespace(nil)
		const n = 20
		many := make([]*v1alpha1.Account, n)
		for i := range many {
			many[i] = sharedCCMAccount(teamA, fmt.Sprintf("a-%02d", i), ref)
			Expect(k8sClient.Create(rootCtx, many[i])).To(Succeed())
		}

		By("namespace B applying one Account behind them")
		one := sharedCCMAccount(teamB, "b", ref)
		Expect(k8sClient.Create(rootCtx, one)).To(Succeed())
		Expect(waitReady(one).Status.AccountID).NotTo(BeEmpty())
		Expect(readyCount(teamA)).To(BeNumerically("<=", n/2),
			"namespace B's Account was served only after most of namespace A's")

		By("namespace A's Accounts all getting Ready too")
		for _, a := range many {
			waitReady(a)
		}
	})
})

func sharedCCMAccount(ns, name string, ref v1alpha1.ProviderReference) *v1alpha1.Account {
	return &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.AccountSpec{ProviderRef: ref, DisplayName: ns + "-" + name, CCM: &v1alpha1.CCMAccountSpec{}}}
}

// readyCount is how many Accounts in ns are Ready now.
func readyCount(ns string) int {
	var list v1alpha1.AccountList
	Expect(k8sClient.List(rootCtx, &list, client.InNamespace(ns))).To(Succeed())
	n := 0
	for _, a := range list.Items {
		if meta.IsStatusConditionTrue(a.Status.Conditions, v1alpha1.ConditionReady) {
			n++
		}
	}
	return n
}
