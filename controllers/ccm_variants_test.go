package controllers_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

// ccmVariant switches the shared CCM sandbox to v for one spec.
func ccmVariant(v ccmsandbox.Variants) {
	Expect(ccmSandbox.SetVariants(v)).To(Succeed())
	DeferCleanup(func() { Expect(ccmSandbox.SetVariants(ccmsandbox.Variants{})).To(Succeed()) })
}

// ccmPoll forces a check of a and waits until it has read the upstream account.
func ccmPoll(a *v1alpha1.Account) {
	before := ccmSandbox.AccountReads(a.Status.AccountID)
	forceCheck(a)
	Eventually(func() int { return ccmSandbox.AccountReads(a.Status.AccountID) }).Should(BeNumerically(">", before))
}

var _ = Describe("CCM undocumented behaviour", func() {
	u, o := upstreams["ccm"], ops["ccm"]
	var ns string
	BeforeEach(func() {
		ns = newNamespace(nil)
		namespacedProvider(u, ns)
	})

	It("reads a 403 for an account deleted behind its back as NotFoundUpstream, and deletion finishes", func() {
		ccmVariant(ccmsandbox.Variants{MissingAccountStatus: 403})
		a := newAccount(u, ns, "gone403")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		Expect(ccmSandbox.DeleteAccountDirect(a.Status.AccountID)).To(BeTrue())
		forceCheck(a)
		waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonNotFoundUpstream)
		deletes := o.faults().Calls()["DeleteAccount"]
		deleteAndWait(a)
		Expect(o.faults().Calls()["DeleteAccount"]).To(Equal(deletes), "nothing left to DELETE")
	})

	It("converges with select_account at em-client's path answering 204, expiry in ms and normalised echoes, without a write per poll", func() {
		ccmVariant(ccmsandbox.Variants{SelectNoContent: true, SelectPath: ccmsandbox.SelectAccounts, ExpiryMillis: true,
			NormaliseLogo: true, NormaliseURLs: true, ReorderConfigs: true, RekeyConfigs: true})
		logo := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "logos"},
			BinaryData: map[string][]byte{"logo.png": append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 300)...)}}
		Expect(k8sClient.Create(rootCtx, logo)).To(Succeed())
		a := newAccount(u, ns, "normalised")
		a.Spec.CCM.CustomLogo = &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logos", Key: "logo.png"}}
		a.Spec.CCM.AuthConfigs[1].OAuth.IDPIconURL = "https://IDP.Example.com:443"
		a.Spec.CCM.AzureCVMPCRPriority = []int32{22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionTrue, "")
		ccmPoll(a) // the echo after the last write is read and recorded
		writes := o.faults().Calls()["UpdateAccount"]
		for range 3 {
			ccmPoll(a)
		}
		Expect(o.faults().Calls()["UpdateAccount"]).To(Equal(writes), "an unchanged spec must not be written again")
		waitCondition(a, v1alpha1.ConditionSynced, metav1.ConditionTrue, "")
		deleteAndWait(a)
		_, ok := find(o, a.Status.AccountID)
		Expect(ok).To(BeFalse())
	})

	for _, retryAfter := range []int{0, 1} {
		It(fmt.Sprintf("backs off on a create answered 429 (Retry-After %d) and creates exactly one account", retryAfter), func() {
			creates, lists := o.faults().Calls()["CreateAccount"], o.faults().Calls()["ListAccounts"]
			o.faults().FailNext("CreateAccount", 2, 429, retryAfter)
			a := newAccount(u, ns, fmt.Sprintf("busy%d", retryAfter))
			start := time.Now()
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			waitReady(a)
			Expect(countKey(o, uniqueKey(a))).To(Equal(1))
			Expect(o.faults().Calls()["CreateAccount"]-creates).To(Equal(3), "two refused, one accepted")
			Expect(o.faults().Calls()["ListAccounts"]-lists).To(BeNumerically(">=", 2), "looked for the account before each retry")
			if retryAfter > 0 {
				Expect(time.Since(start)).To(BeNumerically(">=", 2*time.Duration(retryAfter)*time.Second))
			}
		})
	}
})
