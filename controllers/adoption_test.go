package controllers_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Through a shared ClusterAccountProvider, spec.externalID would let any
// tenant claim another team's upstream account: rename it, take its tokens,
// delete it. Adoption is off unless the provider's adoptionNamespaceSelector
// selects the namespace, and is checked before anything is touched.
var _ = Describe("Adoption through a ClusterAccountProvider", func() {
	It("is refused unless adoptionNamespaceSelector selects the namespace", func() {
		name := fmt.Sprintf("shared-ccm-%d", nsSeq.Add(1))
		createSecret(operatorNS, name, upstreams["ccm"].creds)
		cp := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: upstreams["ccm"].spec(
				v1alpha1.SecretReference{Name: v1alpha1.ObjectName(name), Namespace: operatorNS})}}
		cp.Spec.PollInterval = &metav1.Duration{Duration: pollIntervalMin}
		Expect(k8sClient.Create(rootCtx, cp)).To(Succeed())
		ref := v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: v1alpha1.ObjectName(name)}

		By("team B owning an upstream account through the shared provider")
		teamB := newNamespace(nil)
		victim := newAccount(upstreams["ccm"], teamB, "victim")
		victim.Spec.ProviderRef, victim.Spec.DisplayName = ref, "victim-"+teamB
		Expect(k8sClient.Create(rootCtx, victim)).To(Succeed())
		victim = waitReady(victim)
		id := victim.Status.AccountID

		By("team A naming it in spec.externalID")
		teamA := newNamespace(map[string]string{name: "adopt"})
		thief := newAccount(upstreams["ccm"], teamA, "thief")
		thief.Spec.ProviderRef, thief.Spec.DisplayName, thief.Spec.ExternalID = ref, "stolen", id
		updatesBefore := ccmSandbox.Faults().Calls()["UpdateAccount"]
		Expect(k8sClient.Create(rootCtx, thief)).To(Succeed())
		got := waitCondition(thief, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonAdoptionNotAllowed)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(And(
			ContainSubstring("spec.externalID"), ContainSubstring(name), ContainSubstring(teamA)))
		Expect(got.Status.AccountID).To(BeEmpty())
		Consistently(func() int { return ccmSandbox.Faults().Calls()["UpdateAccount"] - updatesBefore }, 2*time.Second).
			Should(BeZero(), "team B's account must not be touched")
		r, ok := find(ops["ccm"], id)
		Expect(ok).To(BeTrue())
		Expect(r.Name).To(Equal("victim-" + teamB))

		By("the administrator selecting team A for adoption")
		patchSpec := getClusterProvider(name)
		patchSpec.Spec.AdoptionNamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{name: "adopt"}}
		Expect(k8sClient.Update(rootCtx, patchSpec)).To(Succeed())
		got = waitReady(thief)
		Expect(got.Status.AccountID).To(Equal(id))
	})
})

func getClusterProvider(name string) *v1alpha1.ClusterAccountProvider {
	cp := &v1alpha1.ClusterAccountProvider{}
	Expect(k8sClient.Get(rootCtx, client.ObjectKey{Name: name}, cp)).To(Succeed())
	return cp
}
