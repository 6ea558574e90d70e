package controllers_test

import (
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// envtest runs no garbage collector, so what makes a retained Secret safe from
// one is shown directly: a Secret under deletionPolicy Retain has no owner
// reference in any version ever stored, so no deletion cascade, foreground
// included, can delete it.
var _ = Describe("Connection Secret under Retain", func() {
	var ns string
	BeforeEach(func() {
		ns = newNamespace(nil)
		namespacedProvider(upstreams["ccm"], ns)
		namespacedProvider(upstreams["vectorCharts"], ns)
	})

	It("has no owner reference from its creation on, and a policy switch adds or removes it in one write", func() {
		history := watchSecrets(ns)
		defer history.stop()
		explicit := newAccount(upstreams["vectorCharts"], ns, "explicit")
		explicit.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{DeletionPolicy: v1alpha1.ConnectionSecretRetain}
		byDefault := newAccount(upstreams["ccm"], ns, "by-default")
		byDefault.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		for _, a := range []*v1alpha1.Account{explicit, byDefault} {
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		}
		explicit, byDefault = waitReady(explicit), waitReady(byDefault)

		By("a lost Secret comes back, with its token re-issued, and still without owner")
		id := mustInt(explicit.Status.AccountID)
		tokens := len(vcSandbox.TokensFor(id))
		Expect(k8sClient.Delete(rootCtx, connectionSecret(explicit))).To(Succeed())
		Eventually(func() []string { return reasons(eventsFor(explicit)) }).Should(ContainElement("TokenReissued"))
		Expect(len(vcSandbox.TokensFor(id))).To(BeNumerically(">", tokens))

		for _, a := range []*v1alpha1.Account{explicit, byDefault} {
			s := history.caughtUp(connectionSecret(a))
			Expect(s.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationAccount, a.Name))
			Expect(s.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationAccountUID, string(a.UID)))
			versions := history.of(a.ConnectionSecretName())
			Expect(versions).NotTo(BeEmpty())
			for _, v := range versions {
				Expect(v.OwnerReferences).To(BeEmpty(), "%s, resourceVersion %s: a Secret under Retain with an owner reference "+
					"is deleted by a foreground deletion cascade before the finalizer runs", a.Name, v.ResourceVersion)
			}
		}

		By("switching to Delete makes the Account its owner, in one write")
		before := secretWrites(ns, explicit)
		setSecretPolicy(explicit, v1alpha1.ConnectionSecretDelete)
		Eventually(func() bool { return metav1.IsControlledBy(connectionSecret(explicit), explicit) }).Should(BeTrue())
		waitReady(explicit)
		Expect(secretWrites(ns, explicit) - before).To(Equal(1))

		By("and back to Retain removes it, in one write")
		before = secretWrites(ns, explicit)
		setSecretPolicy(explicit, v1alpha1.ConnectionSecretRetain)
		Eventually(func() []metav1.OwnerReference { return connectionSecret(explicit).OwnerReferences }).Should(BeEmpty())
		waitReady(explicit)
		Expect(secretWrites(ns, explicit) - before).To(Equal(1))

		By("steady state: a forced check writes nothing")
		before = secretWrites(ns, explicit)
		forceCheck(explicit)
		Consistently(func() int { return secretWrites(ns, explicit) - before }, 2*time.Second).Should(BeZero())

		By("on deletion the Secret loses the Account's marks and names the upstream account")
		deleteAndWait(explicit)
		s := connectionSecret(explicit)
		Expect(s.OwnerReferences).To(BeEmpty())
		Expect(s.Annotations).NotTo(HaveKey(v1alpha1.AnnotationAccount))
		Expect(s.Annotations).NotTo(HaveKey(v1alpha1.AnnotationAccountUID))
		Expect(s.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationRetainedFrom,
			"vectorCharts/AccountProvider/vectorcharts/"+explicit.Status.AccountID))
	})

	It("refuses a Secret without its marks, and one marked by an earlier Account of the same name (SecretConflict)", func() {
		foreign := createSecret(ns, "foreign-account", map[string]string{"mine": "yes"})
		foreign.Labels = map[string]string{"app.kubernetes.io/managed-by": "account-operator"}
		Expect(k8sClient.Update(rootCtx, foreign)).To(Succeed())
		// An Account of that name whose finalizer was removed by hand left
		// its Secret marked with its UID.
		stale := createSecret(ns, "stale-account", map[string]string{"accountID": "earlier"})
		stale.Labels = foreign.Labels
		stale.Annotations = map[string]string{v1alpha1.AnnotationAccount: "stale", v1alpha1.AnnotationAccountUID: "0d1e2a3d"}
		Expect(k8sClient.Update(rootCtx, stale)).To(Succeed())
		for _, s := range []*corev1.Secret{foreign, stale} {
			a := newAccount(upstreams["ccm"], ns, strings.TrimSuffix(s.Name, "-account"))
			a.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonSecretConflict)
			Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(
				ContainSubstring(`spec.connectionSecret: Secret %q exists and is not owned by this Account`, s.Name))
			after := &corev1.Secret{}
			Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(s), after)).To(Succeed())
			Expect(after.ResourceVersion).To(Equal(s.ResourceVersion), "%s: never overwritten", s.Name)
		}
	})
})

// secretHistory is every version of the Secrets of one namespace a watch
// delivered.
type secretHistory struct {
	mu       sync.Mutex
	versions []corev1.Secret
	stop     func()
}

// watchSecrets records every version of the Secrets in ns from now on.
func watchSecrets(ns string) *secretHistory {
	wc, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	w, err := wc.Watch(rootCtx, &corev1.SecretList{}, client.InNamespace(ns))
	Expect(err).NotTo(HaveOccurred())
	h := &secretHistory{stop: w.Stop}
	go func() {
		for e := range w.ResultChan() {
			if s, ok := e.Object.(*corev1.Secret); ok {
				h.mu.Lock()
				h.versions = append(h.versions, *s.DeepCopy())
				h.mu.Unlock()
			}
		}
	}()
	return h
}

// caughtUp waits until the watch delivered s's version, and returns s.
func (h *secretHistory) caughtUp(s *corev1.Secret) *corev1.Secret {
	Eventually(func() []string {
		var rvs []string
		for _, v := range h.of(s.Name) {
			rvs = append(rvs, v.ResourceVersion)
		}
		return rvs
	}).Should(ContainElement(s.ResourceVersion))
	return s
}

// of lists the versions of the Secret name, in the order stored.
func (h *secretHistory) of(name string) []corev1.Secret {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []corev1.Secret
	for _, v := range h.versions {
		if v.Name == name {
			out = append(out, v)
		}
	}
	return out
}

// secretWrites counts the manager's writes of a's connection Secret.
func secretWrites(ns string, a *v1alpha1.Account) int {
	n := 0
	for _, r := range requests.in(ns) {
		if !strings.HasPrefix(r, http.MethodGet+" ") && strings.HasSuffix(r, "/secrets/"+a.ConnectionSecretName()) {
			n++
		}
	}
	return n
}

// setSecretPolicy sets spec.connectionSecret.deletionPolicy with a merge patch.
func setSecretPolicy(a *v1alpha1.Account, policy v1alpha1.ConnectionSecretDeletionPolicy) {
	cur := getAccount(a)
	patch := client.MergeFrom(cur.DeepCopy())
	cur.Spec.ConnectionSecret.DeletionPolicy = policy
	Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
}
