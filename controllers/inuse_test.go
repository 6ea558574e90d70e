package controllers_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// isGone reports whether obj no longer exists.
func isGone(obj client.Object) func() bool {
	return func() bool {
		return apierrors.IsNotFound(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(obj), obj.DeepCopyObject().(client.Object)))
	}
}

// providerUsage reads a provider's finalizers, count and Deleting condition.
func providerUsage(p v1alpha1.ProviderObject) (bool, int32, *metav1.Condition) {
	got := p.DeepCopyObject().(v1alpha1.ProviderObject)
	Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), got)).To(Succeed())
	held := false
	for _, f := range got.GetFinalizers() {
		held = held || f == v1alpha1.InUseFinalizer
	}
	return held, got.ProviderStatus().AccountCount,
		meta.FindStatusCondition(got.ProviderStatus().Conditions, v1alpha1.ConditionDeleting)
}

// expectUsage waits for a provider to be held with count Accounts.
func expectUsage(p v1alpha1.ProviderObject, count int32) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		held, n, _ := providerUsage(p)
		g.Expect(held).To(BeTrue(), "the provider carries the in-use finalizer")
		g.Expect(n).To(Equal(count))
	}).Should(Succeed())
}

// secretHeld reports whether the Secret carries the in-use finalizer.
func secretHeld(ns, name string) func() bool {
	return func() bool {
		s := &corev1.Secret{}
		if err := k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: name}, s); err != nil {
			return false
		}
		for _, f := range s.Finalizers {
			if f == v1alpha1.InUseFinalizer {
				return true
			}
		}
		return false
	}
}

// readyAccounts creates Accounts named names in ns with provider ref and
// waits for each to be Ready with an upstream account.
func readyAccounts(ns string, ref v1alpha1.ProviderReference, names ...string) []*v1alpha1.Account {
	GinkgoHelper()
	var out []*v1alpha1.Account
	for _, name := range names {
		a := newAccount(upstreams["ccm"], ns, name)
		a.Spec.ProviderRef = ref
		a.Spec.DisplayName = name + "-" + ns
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		out = append(out, a)
	}
	for i, a := range out {
		out[i] = waitReady(a)
	}
	return out
}

func expectUpstream(a *v1alpha1.Account, present bool) {
	GinkgoHelper()
	Eventually(func() bool { _, ok := find(ops["ccm"], a.Status.AccountID); return ok }).Should(Equal(present),
		"upstream account %s of %s", a.Status.AccountID, a.Name)
}

var _ = Describe("A provider in use", func() {
	var ns string
	var ref v1alpha1.ProviderReference
	BeforeEach(func() {
		ns = newNamespace(nil)
		ref = v1alpha1.ProviderReference{Kind: v1alpha1.AccountProviderKind, Name: "ccm"}
	})

	It("waits for its Accounts when deleted first (uninstall order), and they still delete upstream", func() {
		p := namespacedProvider(upstreams["ccm"], ns)
		accts := readyAccounts(ns, ref, "one", "two")
		expectUsage(p, 2)
		Eventually(secretHeld(ns, "ccm-creds")).Should(BeTrue(), "the credentials Secret is held too")
		before := writes.in(ns)
		Consistently(func() int64 { return writes.in(ns) }, 3*time.Second).Should(Equal(before), "steady state: no writes")

		By("deleting the provider and its credentials Secret before the Accounts, as helm uninstall does")
		Expect(k8sClient.Delete(rootCtx, p)).To(Succeed())
		Expect(k8sClient.Delete(rootCtx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm-creds"}})).To(Succeed())
		Eventually(func(g Gomega) {
			_, n, c := providerUsage(p)
			g.Expect(n).To(Equal(int32(2)))
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(c.Reason).To(Equal(v1alpha1.ReasonInUse))
			g.Expect(c.Message).To(And(ContainSubstring("deletion waits for 2 Account(s)"),
				ContainSubstring("--field-selector spec.providerRef.kind=AccountProvider,spec.providerRef.name=ccm"),
				ContainSubstring("deletionPolicy: Orphan")))
		}).Should(Succeed())
		Expect(secretHeld(ns, "ccm-creds")()).To(BeTrue(), "the Secret stays, Terminating, while the provider is in use")

		By("refusing a new upstream account through the provider being deleted")
		late := newAccount(upstreams["ccm"], ns, "late")
		late.Spec.DisplayName = "late-" + ns
		Expect(k8sClient.Create(rootCtx, late)).To(Succeed())
		got := waitCondition(late, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderDeleting)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(ContainSubstring("is being deleted"))
		Expect(countKey(ops["ccm"], "late-"+ns)).To(BeZero())
		Eventually(func() int32 { _, n, _ := providerUsage(p); return n }).Should(Equal(int32(3)))
		deleteAndWait(late)

		By("deleting the Accounts later: each still deletes its upstream account")
		deleteAndWait(accts[0])
		expectUpstream(accts[0], false)
		Eventually(func() int32 { _, n, _ := providerUsage(p); return n }).Should(Equal(int32(1)))
		deleteAndWait(accts[1])
		expectUpstream(accts[1], false)

		By("letting the provider and its Secret go once the last Account is gone")
		Eventually(isGone(p)).Should(BeTrue())
		Eventually(isGone(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm-creds"}})).Should(BeTrue())
	})

	It("goes with everything when the namespace is deleted at once, after the upstream accounts", func() {
		p := namespacedProvider(upstreams["ccm"], ns)
		accts := readyAccounts(ns, ref, "one", "two")
		expectUsage(p, 2)
		Eventually(secretHeld(ns, "ccm-creds")).Should(BeTrue())

		By("deleting the namespace and, as its controller does, everything in it at once")
		// envtest runs no namespace controller: the test does its part, the
		// Secret and the provider first, the worst order for the Accounts.
		Expect(k8sClient.Delete(rootCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		Expect(k8sClient.DeleteAllOf(rootCtx, &corev1.Secret{}, client.InNamespace(ns))).To(Succeed())
		Expect(k8sClient.DeleteAllOf(rootCtx, &v1alpha1.AccountProvider{}, client.InNamespace(ns))).To(Succeed())
		Expect(k8sClient.DeleteAllOf(rootCtx, &v1alpha1.Account{}, client.InNamespace(ns))).To(Succeed())

		for _, a := range accts {
			Eventually(isGone(a)).Should(BeTrue(), a.Name)
			expectUpstream(a, false)
		}
		Eventually(isGone(p)).Should(BeTrue())
		Eventually(func() int {
			var list corev1.SecretList
			Expect(k8sClient.List(rootCtx, &list, client.InNamespace(ns))).To(Succeed())
			return len(list.Items)
		}).Should(BeZero(), "the credentials Secret goes last; the connection Secrets went with their Accounts")
	})

	It("counts the Accounts of a ClusterAccountProvider in every namespace", func() {
		name := fmt.Sprintf("inuse-ccm-%d", nsSeq.Add(1))
		createSecret(operatorNS, name, upstreams["ccm"].creds)
		cp := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: upstreams["ccm"].spec(
				v1alpha1.SecretReference{Name: v1alpha1.ObjectName(name), Namespace: operatorNS})}}
		cp.Spec.PollInterval = &metav1.Duration{Duration: minPollInterval}
		Expect(k8sClient.Create(rootCtx, cp)).To(Succeed())
		cref := v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: v1alpha1.ObjectName(name)}
		other := newNamespace(nil)
		first := readyAccounts(ns, cref, "one")
		second := readyAccounts(other, cref, "one", "two")
		expectUsage(cp, 3)
		Eventually(secretHeld(operatorNS, name)).Should(BeTrue())

		Expect(k8sClient.Delete(rootCtx, cp)).To(Succeed())
		Eventually(func(g Gomega) {
			_, _, c := providerUsage(cp)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Message).To(And(ContainSubstring("deletion waits for 3 Account(s)"), ContainSubstring("kubectl get accounts -A")))
		}).Should(Succeed())
		for _, a := range second {
			deleteAndWait(a)
			expectUpstream(a, false)
		}
		Eventually(func() int32 { _, n, _ := providerUsage(cp); return n }).Should(Equal(int32(1)))
		Expect(isGone(cp)()).To(BeFalse())
		deleteAndWait(first[0])
		expectUpstream(first[0], false)
		Eventually(isGone(cp)).Should(BeTrue())
		Eventually(secretHeld(operatorNS, name)).Should(BeFalse(), "the Secret, not deleted, is released")
	})

	It("says how to get out when an Account is deleted after its provider is gone, without a retry loop", func() {
		p := namespacedProvider(upstreams["ccm"], ns)
		accts := readyAccounts(ns, ref, "stuck", "orphaned")
		expectUsage(p, 2)

		By("removing the provider by force: deleted, its finalizer stripped by hand")
		Expect(k8sClient.Delete(rootCtx, p)).To(Succeed())
		Eventually(func() error {
			cur := &v1alpha1.AccountProvider{}
			if err := k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), cur); err != nil {
				return err
			}
			cur.Finalizers = nil
			return k8sClient.Update(rootCtx, cur)
		}).Should(Succeed())
		Eventually(isGone(p)).Should(BeTrue())
		Eventually(secretHeld(ns, "ccm-creds")).Should(BeFalse(), "no provider in use reads the Secret any more")

		for _, a := range accts {
			Expect(k8sClient.Delete(rootCtx, a)).To(Succeed())
			got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderNotFound)
			Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(Equal(fmt.Sprintf(
				`deletion waits: spec.providerRef: AccountProvider "ccm" not found, so upstream account %s cannot be deleted; `+
					`re-create the provider (or fix it), or set spec.deletionPolicy: Orphan to let the Account go and leave `+
					`upstream account %s in place`, a.Status.AccountID, a.Status.AccountID)))
		}
		reads := ccmSandbox.AccountReads(accts[0].Status.AccountID)
		before := writes.in(ns)
		Consistently(func() int64 { return writes.in(ns) }, 3*time.Second).Should(Equal(before), "no retry loop")
		Expect(ccmSandbox.AccountReads(accts[0].Status.AccountID)).To(Equal(reads), "no upstream call")
		expectUpstream(accts[0], true)

		By("setting deletionPolicy: Orphan: the Account goes, its upstream account stays")
		cur := getAccount(accts[1])
		patch := client.MergeFrom(cur.DeepCopy())
		cur.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
		Eventually(isGone(accts[1])).Should(BeTrue())
		expectUpstream(accts[1], true)

		By("re-creating the provider: the other Account deletes its upstream account and goes")
		again := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm"},
			Spec: upstreams["ccm"].spec(v1alpha1.SecretReference{Name: "ccm-creds"})}
		Expect(k8sClient.Create(rootCtx, again)).To(Succeed())
		Eventually(isGone(accts[0])).Should(BeTrue())
		expectUpstream(accts[0], false)
		Eventually(func() bool { held, _, _ := providerUsage(again); return held }).Should(BeFalse(), "no Account uses it now")
	})
})
