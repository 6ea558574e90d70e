package controllers_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

// An upstream that accepts an update but keeps showing the old value (here a
// CCM that answers PATCH 200 yet ignores azure_cvm_pcr_priority) must not be
// written on every poll: one write, then a report, then polling only.
var _ = Describe("No update loop", func() {
	It("writes an ignored field once, reports it as UpdateNotApplied, and writes it no more", func() {
		ccmVariant(ccmsandbox.Variants{PatchIgnores: []string{"azure_cvm_pcr_priority"}})
		ns := newNamespace(nil)
		u := upstreams["ccm"]
		createSecret(ns, "ccm-creds", u.creds)
		// No spec.pollInterval: the manager's 2 s default, so polls come by
		// themselves and the annotation (which retries once) is not used.
		p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm"},
			Spec: u.spec(v1alpha1.SecretReference{Name: "ccm-creds"})}
		Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
		a := newAccount(u, ns, "ignored")
		a.Spec.CCM.AzureCVMPCRPriority = []int32{22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())

		got := waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionFalse, v1alpha1.ReasonUpdateNotApplied)
		Expect(got.Status.Drift).NotTo(BeNil())
		Expect(got.Status.Drift.NotApplied).To(Equal([]string{"spec.ccm.azureCVMPCRPriority"}))
		c := findCond(got.Status.Conditions, v1alpha1.ConditionSynced)
		Expect(c.Message).To(ContainSubstring("spec.ccm.azureCVMPCRPriority"))
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue), "still usable")
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Status).To(Equal(metav1.ConditionFalse))

		id := got.Status.AccountID
		writes := ccmSandbox.AccountUpdates(id) // this account's: other specs' Accounts share the sandbox
		Expect(writes).To(BeNumerically(">=", 1))
		reads := ccmSandbox.AccountReads(got.Status.AccountID)
		Eventually(func() int { return ccmSandbox.AccountReads(got.Status.AccountID) }).
			Should(BeNumerically(">=", reads+4), "four more polls")
		Expect(ccmSandbox.AccountUpdates(id)).To(Equal(writes), "no write on a poll")
		Expect(count(reasons(eventsFor(a)), v1alpha1.ReasonUpdateNotApplied)).To(Equal(1), "one event")

		// A reconcile request writes once more; the upstream now applies it.
		ccmVariant(ccmsandbox.Variants{})
		forceCheck(a)
		waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionTrue, v1alpha1.ReasonReconcileSuccess)
		Expect(ccmSandbox.AccountUpdates(id)).To(Equal(writes + 1))
		Eventually(func() *v1alpha1.DriftStatus { return getAccount(a).Status.Drift }).Should(BeNil())
		deleteAndWait(a)
		Expect(k8sClient.Delete(rootCtx, p)).To(Succeed())
		Eventually(func() error { return k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p) }).ShouldNot(Succeed())
	})
})

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
