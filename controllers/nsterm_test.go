package controllers_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// deleteNamespace deletes ns and waits until it is Terminating. envtest runs
// no namespace controller, so it stays so, and the apiserver refuses every
// new object in it, as it does while a real namespace controller empties it.
func deleteNamespace(ns string) {
	GinkgoHelper()
	Expect(k8sClient.Delete(rootCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	Eventually(func(g Gomega) {
		var got corev1.Namespace
		g.Expect(k8sClient.Get(rootCtx, client.ObjectKey{Name: ns}, &got)).To(Succeed())
		g.Expect(got.Status.Phase).To(Equal(corev1.NamespaceTerminating))
	}).Should(Succeed())
}

// waitNamespaceTerminating waits for the Account to report that its
// namespace is being deleted, and checks what the message promises.
func waitNamespaceTerminating(a *v1alpha1.Account) *v1alpha1.Account {
	GinkgoHelper()
	got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonNamespaceTerminating)
	Expect(findCond(got.Status.Conditions, v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.ReasonNamespaceTerminating))
	Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(And(
		ContainSubstring("namespace is being deleted"), ContainSubstring("connection Secret cannot be written"),
		ContainSubstring("nothing is created or re-issued upstream")))
	return got
}

// connectionSecretGone reports whether the Account's connection Secret is absent.
func connectionSecretGone(a *v1alpha1.Account) func() bool {
	return func() bool {
		err := k8sClient.Get(rootCtx, client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}, &corev1.Secret{})
		return apierrors.IsNotFound(err)
	}
}

var _ = Describe("An Account in a namespace being deleted", func() {
	It("re-issues no VectorCharts token it cannot store, and still deletes its upstream account", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := newAccount(upstreams["vectorCharts"], ns, "kept")
		a.Spec.DeletionProtection = ptr.To(true) // the Account outlives its Secret, as in a real namespace deletion
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		id := mustInt(a.Status.AccountID)
		tokens := len(vcSandbox.TokensFor(id))

		By("deleting the namespace: the Account says so at once")
		deleteNamespace(ns)
		waitNamespaceTerminating(a)

		By("deleting the connection Secret, as the namespace controller does")
		Expect(k8sClient.Delete(rootCtx, connectionSecret(a))).To(Succeed())
		Consistently(func() int { return len(vcSandbox.TokensFor(id)) }, 3*time.Second).Should(Equal(tokens),
			"no createApiToken for a token the Secret cannot hold")
		Expect(connectionSecretGone(a)()).To(BeTrue())
		waitNamespaceTerminating(a)

		By("lifting deletion protection and deleting the Account: its upstream account goes")
		cur := getAccount(a)
		patch := client.MergeFrom(cur.DeepCopy())
		cur.Spec.DeletionProtection = ptr.To(false)
		Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
		deleteAndWait(a)
		Eventually(func() bool { _, ok := find(ops["vectorCharts"], a.Status.AccountID); return ok }).Should(BeFalse())
		Expect(vcSandbox.TokensFor(id)).To(BeEmpty(), "the account's tokens went with it")
	})

	It("writes no connection Secret or ConfigMap it cannot store, in no loop, and still deletes upstream", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["ccm"], ns)
		a := newAccount(upstreams["ccm"], ns, "kept")
		a.Spec.DisplayName = "kept-" + ns
		a.Spec.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)

		deleteNamespace(ns)
		waitNamespaceTerminating(a)
		Expect(k8sClient.Delete(rootCtx, connectionSecret(a))).To(Succeed())
		Expect(k8sClient.Delete(rootCtx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
			Namespace: ns, Name: a.ConnectionConfigMapName()}})).To(Succeed())
		before, reads := writes.in(ns), ccmSandbox.AccountReads(a.Status.AccountID)
		Consistently(func() int64 { return writes.in(ns) }, 3*time.Second).Should(Equal(before),
			"no create of the Secret or ConfigMap, no status write: nothing changes")
		Expect(ccmSandbox.AccountReads(a.Status.AccountID)).To(Equal(reads), "no upstream call either")
		Expect(connectionSecretGone(a)()).To(BeTrue())

		deleteAndWait(a)
		expectUpstream(a, false)
	})

	It("creates nothing upstream for an Account that has no account yet", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["ccm"], ns)
		a := newAccount(upstreams["ccm"], ns, "late")
		a.Spec.DisplayName = "late-" + ns
		a.Annotations = map[string]string{v1alpha1.AnnotationPaused: "true"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionFalse, v1alpha1.ReasonPaused)

		deleteNamespace(ns)
		cur := getAccount(a)
		patch := client.MergeFrom(cur.DeepCopy())
		delete(cur.Annotations, v1alpha1.AnnotationPaused)
		Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
		waitNamespaceTerminating(a)
		Consistently(func() int { return countKey(ops["ccm"], "late-"+ns) }, 2*time.Second).Should(BeZero())

		deleteAndWait(a)
		Expect(countKey(ops["ccm"], "late-"+ns)).To(BeZero())
	})
})
