package controllers_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// forceCheck sets the reconcile-requested-at annotation, which makes the
// operator observe the upstream now instead of at the next poll.
func forceCheck(a *v1alpha1.Account) {
	cur := getAccount(a)
	patch := client.MergeFrom(cur.DeepCopy())
	if cur.Annotations == nil {
		cur.Annotations = map[string]string{}
	}
	cur.Annotations[v1alpha1.AnnotationReconcileRequestedAt] = time.Now().Format(time.RFC3339Nano)
	Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
}

var _ = Describe("Account lifecycle", func() {
	for _, name := range []string{"ccm", "scp", "vectorCharts"} {
		u, o := upstreams[name], ops[name]

		Context("with "+name, func() {
			var ns string
			BeforeEach(func() {
				ns = newNamespace(nil)
				namespacedProvider(u, ns)
			})

			It("creates the upstream account, publishes its outputs and becomes Ready", func() {
				a := newAccount(u, ns, "main")
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				got := waitReady(a)
				Expect(got.Status.AccountID).NotTo(BeEmpty())
				Expect(got.Status.State).NotTo(BeEmpty())
				Expect(got.Status.ConnectionSecretName).To(Equal("main-account"))
				_, marked := got.CreatePending()
				Expect(marked).To(BeTrue(), "the create marker is written before the create and stays, inert once the id is recorded")
				Expect(got.Finalizers).To(ContainElement("accounts.operator.dev/finalizer"))
				for _, c := range []string{v1alpha1.ConditionSynced} {
					waitCondition(a, c, metav1.ConditionTrue, "")
				}
				waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionFalse, "")
				waitCondition(a, v1alpha1.ConditionReconciling, metav1.ConditionFalse, "")

				s := connectionSecret(got)
				for _, k := range o.secretKey {
					Expect(s.Data).To(HaveKey(k))
					Expect(s.Data[k]).NotTo(BeEmpty(), k)
				}
				Expect(string(s.Data["accountID"])).To(Equal(got.Status.AccountID))
				Expect(metav1.IsControlledBy(s, got)).To(BeTrue())
				Expect(countKey(o, uniqueKey(a))).To(Equal(1))
				Expect(reasons(eventsFor(a))).To(ContainElement("Created"))
			})

			It("applies a changed mutable field with exactly the expected upstream call", func() {
				a := newAccount(u, ns, "change")
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				a = waitReady(a)
				before := o.changeCalls(a.Status.AccountID)
				o.change(a)
				Expect(k8sClient.Update(rootCtx, a)).To(Succeed())
				Eventually(func() bool {
					r, ok := find(o, a.Status.AccountID)
					return ok && o.changed(r, a)
				}).Should(BeTrue())
				waitReady(a)
				Consistently(func() int { return o.changeCalls(a.Status.AccountID) - before },
					time.Second).Should(Equal(1))
			})

			It("corrects drift made upstream behind its back", func() {
				a := newAccount(u, ns, "drift")
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				a = waitReady(a)
				r, ok := find(o, a.Status.AccountID)
				Expect(ok).To(BeTrue())
				o.drift(r)
				forceCheck(a)
				Eventually(func() remote { r, _ := find(o, a.Status.AccountID); return r }).Should(Equal(r))
				Eventually(func() []string { return reasons(eventsFor(a)) }).Should(ContainElement("Updated"))
			})

			It("deletes the upstream account with deletionPolicy Delete, waiting for it to be gone", func() {
				a := newAccount(u, ns, "del")
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				a = waitReady(a)
				deleteAndWait(a)
				_, ok := find(o, a.Status.AccountID)
				Expect(ok).To(BeFalse(), "upstream account must be gone before the finalizer is removed")
			})

			It("leaves the upstream account with deletionPolicy Orphan", func() {
				a := newAccount(u, ns, "orphan")
				a.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				a = waitReady(a)
				deleteAndWait(a)
				_, ok := find(o, a.Status.AccountID)
				Expect(ok).To(BeTrue())
			})

			It("adopts an existing upstream account by spec.externalID", func() {
				first := newAccount(u, ns, "origin")
				first.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
				Expect(k8sClient.Create(rootCtx, first)).To(Succeed())
				first = waitReady(first)
				deleteAndWait(first)
				creates := o.faults().Calls()[o.createOp]

				adopt := newAccount(u, ns, "adopter")
				adopt.Spec.DisplayName = uniqueKey(first)
				if adopt.Spec.VectorCharts != nil {
					adopt.Spec.VectorCharts.Username = first.Spec.VectorCharts.Username
					adopt.Spec.DisplayName = ""
				}
				adopt.Spec.ExternalID = first.Status.AccountID
				Expect(k8sClient.Create(rootCtx, adopt)).To(Succeed())
				got := waitReady(adopt)
				Expect(got.Status.AccountID).To(Equal(first.Status.AccountID))
				Expect(o.faults().Calls()[o.createOp]).To(Equal(creates), "adoption must not create")
				Expect(reasons(eventsFor(adopt))).To(ContainElement("Adopted"))
			})

			It("stalls with NotFound for an externalID that does not exist", func() {
				a := newAccount(u, ns, "ghost")
				a.Spec.ExternalID = "4242424242"
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonNotFoundUpstream)
			})

			It("refuses to take over an account it did not create (AlreadyExists)", func() {
				first := newAccount(u, ns, "owner")
				Expect(k8sClient.Create(rootCtx, first)).To(Succeed())
				first = waitReady(first)

				dup := newAccount(u, ns, "intruder")
				dup.Spec.DisplayName = uniqueKey(first)
				if dup.Spec.VectorCharts != nil {
					dup.Spec.VectorCharts.Username = first.Spec.VectorCharts.Username
					dup.Spec.DisplayName = ""
				}
				Expect(k8sClient.Create(rootCtx, dup)).To(Succeed())
				got := waitCondition(dup, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonAlreadyExists)
				Expect(got.Status.AccountID).To(BeEmpty())
				Expect(countKey(o, uniqueKey(first))).To(Equal(1))
			})

			It("makes no upstream call while paused", func() {
				a := newAccount(u, ns, "paused")
				a.Annotations = map[string]string{v1alpha1.AnnotationPaused: "true"}
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionFalse, v1alpha1.ReasonPaused)
				Consistently(func() int { return countKey(o, uniqueKey(a)) }, 2*time.Second).Should(Equal(0))
			})
		})
	}
})
