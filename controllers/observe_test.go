package controllers_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// accountWrites counts the calls that changed upstream account id (update,
// move, rename, token issue, delete) on the shared sandbox of o.
func accountWrites(o sandboxOps, id string) int { return o.faults().AccountWrites()[id] }

// handMade makes an upstream account the way a team had it before GitOps: a
// Full Account creates it and is deleted with deletionPolicy Orphan, so the
// account stays upstream with no Account managing it.
func handMade(u upstream, ns string) *v1alpha1.Account {
	a := newAccount(u, ns, "made-"+ns) // CCM and SCP names are unique per upstream
	a.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
	Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
	a = waitReady(a)
	deleteAndWait(a)
	_, ok := find(ops[u.name], a.Status.AccountID)
	Expect(ok).To(BeTrue())
	return a
}

// observer is an ObserveOnly Account of the hand-made account, whose spec
// differs from it in one mutable field (o.change), and whose deletionPolicy is
// Delete: neither may lead to an upstream write.
func observer(u upstream, ns, name string, of *v1alpha1.Account) *v1alpha1.Account {
	a := newAccount(u, ns, name)
	a.Spec.ManagementPolicy = v1alpha1.ManagementObserveOnly
	a.Spec.ExternalID = of.Status.AccountID
	a.Spec.DeletionPolicy = v1alpha1.DeletionDelete
	a.Spec.DisplayName = of.Name
	switch {
	case a.Spec.CCM != nil:
		a.Spec.CCM = &v1alpha1.CCMAccountSpec{} // auth configs, logo and PCR left unmanaged
	case a.Spec.VectorCharts != nil:
		a.Spec.VectorCharts.Username = of.Spec.VectorCharts.Username
	case a.Spec.SCP != nil:
		a.Spec.SCP.Email = of.Spec.SCP.Email
	}
	ops[u.name].change(a)
	return a
}

// requestCheck sets a new reconcile-requested-at value and waits until the
// status echoes it, as `kubectl wait --for=jsonpath=...` would.
func requestCheck(a *v1alpha1.Account) *v1alpha1.Account {
	forceCheck(a)
	want := getAccount(a).Annotations[v1alpha1.AnnotationReconcileRequestedAt]
	var got *v1alpha1.Account
	Eventually(func() string { got = getAccount(a); return got.Status.LastHandledReconcileAt }).Should(Equal(want))
	return got
}

// driftField is the spec field o.change makes differ.
func driftField(a *v1alpha1.Account) string {
	if a.Spec.SCP != nil {
		return "spec.scp.parentUnitID"
	}
	return "spec.displayName"
}

var _ = Describe("Observe-only management", func() {
	for _, name := range []string{"ccm", "scp", "vectorCharts"} {
		u, o := upstreams[name], ops[name]

		Context("with "+name, func() {
			var ns string
			BeforeEach(func() {
				ns = newNamespace(nil)
				namespacedProvider(u, ns)
			})

			It("observes a hand-made account with no upstream write over its whole life, deletion included", func() {
				made := handMade(u, ns)
				id := made.Status.AccountID
				before, _ := find(o, id)
				writesBefore, creates := accountWrites(o, id), countKey(o, before.Key)

				a := observer(u, ns, "observed", made)
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				got := waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionFalse, v1alpha1.ReasonObservedDrift)
				Expect(findCond(got.Status.Conditions, v1alpha1.ConditionSynced).Message).To(ContainSubstring(driftField(a)))
				Expect(findCond(got.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
				Expect(got.Status.AccountID).To(Equal(id))
				Expect(got.Status.State).NotTo(BeEmpty())
				_, marked := got.CreatePending()
				Expect(marked).To(BeFalse(), "an observed account is never created")

				s := connectionSecret(got)
				Expect(string(s.Data["accountID"])).To(Equal(id))
				Expect(s.Data).NotTo(HaveKey("token"), "no token is ever issued for an observed account")
				Expect(s.Data).NotTo(HaveKey("password"), "the observer cannot read the password")
				Eventually(func() []string { return reasons(eventsFor(a)) }).Should(ContainElement(v1alpha1.ReasonObservedDrift))

				By("a requested check reads again and still corrects nothing")
				got = requestCheck(got)
				Expect(findCond(got.Status.Conditions, v1alpha1.ConditionSynced).Reason).To(Equal(v1alpha1.ReasonObservedDrift))

				By("deleting the Account with deletionPolicy Delete")
				deleteAndWait(got)
				after, ok := find(o, id)
				Expect(ok).To(BeTrue(), "an observed account is never deleted upstream")
				Expect(after).To(Equal(before))
				Expect(accountWrites(o, id)-writesBefore).To(BeZero(), "upstream writes to the observed account")
				Expect(countKey(o, before.Key)).To(Equal(creates), "no account created")
			})

			It("takes the account under management when switched to Full, and hands it back when switched to ObserveOnly", func() {
				made := handMade(u, ns)
				id := made.Status.AccountID
				a := observer(u, ns, "imported", made)
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionFalse, v1alpha1.ReasonObservedDrift)

				By("switching to Full: the drift is corrected")
				writesBefore := accountWrites(o, id)
				cur := getAccount(a)
				cur.Spec.ManagementPolicy = v1alpha1.ManagementFull
				Expect(k8sClient.Update(rootCtx, cur)).To(Succeed())
				Eventually(func() bool { r, ok := find(o, id); return ok && o.changed(r, cur) }).Should(BeTrue())
				Expect(accountWrites(o, id)).To(BeNumerically(">", writesBefore), "the sandbox counts the correction")
				waitReady(a)
				waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionTrue, "")
				if cur.Spec.VectorCharts != nil {
					Eventually(func() []byte { return connectionSecret(cur).Data["token"] }).ShouldNot(BeEmpty(),
						"a managed VectorCharts account gets a token")
				}

				By("switching back to ObserveOnly: drift made upstream is reported, not corrected")
				cur = getAccount(a)
				cur.Spec.ManagementPolicy = v1alpha1.ManagementObserveOnly
				Expect(k8sClient.Update(rootCtx, cur)).To(Succeed())
				waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionTrue, "")
				writesBefore = accountWrites(o, id)
				r, _ := find(o, id)
				o.drift(r)
				forceCheck(a)
				waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionFalse, v1alpha1.ReasonObservedDrift)
				deleteAndWait(a)
				_, ok := find(o, id)
				Expect(ok).To(BeTrue(), "a handed-back account is not deleted upstream")
				Expect(accountWrites(o, id) - writesBefore).To(BeZero())
			})
		})
	}

	It("refuses to observe another account than the one it manages", func() {
		ns := newNamespace(nil)
		u := upstreams["ccm"]
		namespacedProvider(u, ns)
		a := newAccount(u, ns, "managed")
		a.Spec.DisplayName = "managed-" + ns
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		writesBefore := accountWrites(ops["ccm"], a.Status.AccountID)
		a.Spec.ManagementPolicy, a.Spec.ExternalID = v1alpha1.ManagementObserveOnly, "some-other-account"
		Expect(k8sClient.Update(rootCtx, a)).To(Succeed())
		got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSpec)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(And(
			ContainSubstring("spec.externalID"), ContainSubstring(a.Status.AccountID)))
		deleteAndWait(got)
		_, ok := find(ops["ccm"], a.Status.AccountID)
		Expect(ok).To(BeTrue(), "an observe-only Account never deletes upstream")
		Expect(accountWrites(ops["ccm"], a.Status.AccountID) - writesBefore).To(BeZero())
	})
})

var _ = Describe("Per-Account polling", func() {
	var ns string
	var a *v1alpha1.Account
	BeforeEach(func() {
		// No spec.pollInterval: the manager's 2 s default applies, so an
		// override of 1h shows at once.
		ns = newNamespace(nil)
		u := upstreams["ccm"]
		createSecret(ns, "ccm-creds", u.creds)
		p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm"},
			Spec: u.spec(v1alpha1.SecretReference{Name: "ccm-creds"})}
		Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
		a = newAccount(u, ns, "polled")
		DeferCleanup(func() { deleteAndWait(a) }) // stop its 2 s polls on the shared sandbox
	})

	setAnnotation := func(key, value string) {
		cur := getAccount(a)
		patch := client.MergeFrom(cur.DeepCopy())
		if cur.Annotations == nil {
			cur.Annotations = map[string]string{}
		}
		cur.Annotations[key] = value
		Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
	}
	pollCond := func(status metav1.ConditionStatus, reason string) *metav1.Condition {
		var c *metav1.Condition
		Eventually(func(g Gomega) {
			c = findCond(getAccount(a).Status.Conditions, v1alpha1.ConditionPollIntervalAccepted)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(status))
			g.Expect(c.Reason).To(Equal(reason))
		}).Should(Succeed())
		return c
	}

	It("polls at the annotation's interval, and at the provider's when the annotation is unusable, writing nothing per poll", func() {
		a.Annotations = map[string]string{v1alpha1.AnnotationPollInterval: "1h"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		// Left out of the provider's listing, each poll reads its account, so
		// the reads count the polls (a listed one reads the listing instead).
		Expect(ccmSandbox.SetListed(a.Status.AccountID, false)).To(BeTrue())
		c := pollCond(metav1.ConditionTrue, v1alpha1.ReasonPollIntervalSet)
		Expect(c.Message).To(ContainSubstring("1h0m0s"))

		By("no poll at the manager's 2 s default, while an Account without the annotation polls three times")
		control := newAccount(upstreams["ccm"], ns, "control")
		Expect(k8sClient.Create(rootCtx, control)).To(Succeed())
		DeferCleanup(func() { deleteAndWait(control) })
		control = waitReady(control)
		Expect(ccmSandbox.SetListed(control.Status.AccountID, false)).To(BeTrue())
		reads, controlReads := ccmSandbox.AccountReads(a.Status.AccountID), ccmSandbox.AccountReads(control.Status.AccountID)
		Eventually(func() int { return ccmSandbox.AccountReads(control.Status.AccountID) }).
			Should(BeNumerically(">=", controlReads+3))
		Expect(ccmSandbox.AccountReads(a.Status.AccountID)).To(BeNumerically("<=", reads+1))

		By("an unparsable value: a warning naming the annotation, and the provider's interval")
		setAnnotation(v1alpha1.AnnotationPollInterval, "often")
		c = pollCond(metav1.ConditionFalse, v1alpha1.ReasonInvalidPollInterval)
		Expect(c.Message).To(And(ContainSubstring(v1alpha1.AnnotationPollInterval), ContainSubstring(`"often"`),
			ContainSubstring("the provider's poll interval applies")))
		waitReady(a)
		Eventually(func() []string { return reasons(eventsFor(a)) }).Should(ContainElement(v1alpha1.ReasonInvalidPollInterval))
		reads = ccmSandbox.AccountReads(a.Status.AccountID)
		Eventually(func() int { return ccmSandbox.AccountReads(a.Status.AccountID) }, 10*time.Second).
			Should(BeNumerically(">=", reads+2), "polled at the provider's interval")

		By("steady polls write nothing to the API server")
		w, reads := writes.in(ns), ccmSandbox.AccountReads(a.Status.AccountID)
		Eventually(func() int { return ccmSandbox.AccountReads(a.Status.AccountID) }).Should(BeNumerically(">=", reads+2))
		Expect(writes.in(ns)).To(Equal(w))

		By("a value out of range is clamped and said so")
		setAnnotation(v1alpha1.AnnotationPollInterval, "1s")
		c = pollCond(metav1.ConditionFalse, v1alpha1.ReasonPollIntervalOutOfRange)
		Expect(c.Message).To(ContainSubstring("below the minimum of 30s; polling every 30s"))

		By("removing the annotation removes the condition")
		cur := getAccount(a)
		patch := client.MergeFrom(cur.DeepCopy())
		delete(cur.Annotations, v1alpha1.AnnotationPollInterval)
		Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
		Eventually(func() *metav1.Condition {
			return findCond(getAccount(a).Status.Conditions, v1alpha1.ConditionPollIntervalAccepted)
		}).Should(BeNil())
	})

	It("echoes reconcile-requested-at in status.lastHandledReconcileAt once it has read the upstream", func() {
		a.Annotations = map[string]string{v1alpha1.AnnotationPollInterval: "1h"} // no poll in between
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		Expect(a.Status.LastHandledReconcileAt).To(BeEmpty())
		reads := ccmSandbox.AccountReads(a.Status.AccountID)
		got := requestCheck(a)
		Expect(ccmSandbox.AccountReads(a.Status.AccountID)).To(BeNumerically(">", reads),
			"the echo comes after the requested read")
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
	})
})
