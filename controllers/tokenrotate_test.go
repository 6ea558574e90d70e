package controllers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// requestRotation sets the rotate-requested-at annotation to value.
func requestRotation(a *v1alpha1.Account, value string) {
	cur := getAccount(a)
	patch := client.MergeFrom(cur.DeepCopy())
	if cur.Annotations == nil {
		cur.Annotations = map[string]string{}
	}
	cur.Annotations[v1alpha1.AnnotationRotateRequestedAt] = value
	Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
}

var _ = Describe("Token rotation", func() {
	It("rotates the token once per rotate-requested-at value and revokes the previous one", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := waitReady(createVC(upstreams["vectorCharts"], ns, "rotate"))
		id := mustInt(a.Status.AccountID)
		first := connectionSecret(a)
		old := first.Data["token"]
		Expect(first.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationDataDigest, digestOf(first.Data)))

		requestRotation(a, "first")
		var rotated []byte
		Eventually(func(g Gomega) {
			s := &corev1.Secret{}
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: a.ConnectionSecretName()}, s)).To(Succeed())
			rotated = s.Data["token"]
			g.Expect(rotated).NotTo(BeEmpty())
			g.Expect(rotated).NotTo(Equal(old))
			g.Expect(s.Data).NotTo(HaveKey("token.previous"), "dropped once revoked")
			g.Expect(vcSandbox.TokensFor(id)).To(ConsistOf(string(rotated)), "only the new token is valid")
			got := getAccount(a)
			g.Expect(got.Status.VectorCharts.LastHandledRotateRequestedAt).To(Equal("first"))
			g.Expect(got.Status.VectorCharts.TokenFingerprint).To(Equal(tokenFingerprint(rotated)))
		}).Should(Succeed())
		Expect(reasons(eventsFor(a))).To(ContainElements("TokenRotated", "TokenRevoked"))
		after := connectionSecret(a)
		Expect(after.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationDataDigest, digestOf(after.Data)),
			"the digest follows the data, so consumers can roll")
		Expect(after.Annotations[v1alpha1.AnnotationDataDigest]).NotTo(Equal(first.Annotations[v1alpha1.AnnotationDataDigest]))

		By("a full check with the same value rotates nothing")
		requestCheck(a)
		Expect(connectionSecret(a).Data["token"]).To(Equal(rotated))
		Expect(vcSandbox.TokensFor(id)).To(ConsistOf(string(rotated)))
	})

	It("keeps the previous token valid as token.previous for the overlap, then revokes it, under renamed keys", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := newAccount(upstreams["vectorCharts"], ns, "overlap")
		a.Spec.VectorCharts.TokenRotation = &v1alpha1.TokenRotation{Overlap: &metav1.Duration{Duration: 4 * time.Second}}
		a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{
			Keys: map[string]v1alpha1.DataKey{"token": "API_TOKEN", "token.previous": "API_TOKEN_PREVIOUS"}}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		id := mustInt(a.Status.AccountID)
		old := connectionSecret(a).Data["API_TOKEN"]
		Expect(old).NotTo(BeEmpty())

		requestRotation(a, "overlap")
		var rotated []byte
		Eventually(func(g Gomega) {
			s := connectionSecretG(g, a)
			rotated = s.Data["API_TOKEN"]
			g.Expect(rotated).NotTo(Equal(old))
			g.Expect(s.Data["API_TOKEN_PREVIOUS"]).To(Equal(old))
			g.Expect(s.Data).NotTo(HaveKey("token.previous"))
			st := getAccount(a).Status.VectorCharts
			g.Expect(st.TokenFingerprint).To(Equal(tokenFingerprint(rotated)), "recorded after the Secret write")
			g.Expect(st.PreviousTokenFingerprint).To(Equal(tokenFingerprint(old)))
		}).Should(Succeed())
		st := getAccount(a).Status.VectorCharts
		Expect(vcSandbox.TokensFor(id)).To(ConsistOf(string(old), string(rotated)), "both valid during the overlap")
		if wait := time.Until(st.PreviousTokenRevokeAt.Time) - time.Second; wait > 0 {
			Consistently(func() []string { return vcSandbox.TokensFor(id) }).WithTimeout(wait).
				Should(ContainElement(string(old)), "the previous token stays valid until the overlap ends")
		}

		Eventually(func(g Gomega) {
			g.Expect(connectionSecretG(g, a).Data).NotTo(HaveKey("API_TOKEN_PREVIOUS"))
			g.Expect(vcSandbox.TokensFor(id)).To(ConsistOf(string(rotated)))
			g.Expect(getAccount(a).Status.VectorCharts.PreviousTokenFingerprint).To(BeEmpty())
		}).WithTimeout(20 * time.Second).Should(Succeed())
	})
})

var _ = Describe("Token liveness", func() {
	It("re-issues a token revoked upstream and reports CredentialsValid", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := waitReady(createVC(upstreams["vectorCharts"], ns, "liveness"))
		id := mustInt(a.Status.AccountID)
		old := connectionSecret(a).Data["token"]
		c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionCredentialsValid)
		Expect(c).NotTo(BeNil(), "set with the create: a first check then changes nothing")
		Expect(c.Reason).To(Equal(v1alpha1.ReasonTokenValid))

		got := requestCheck(a)
		c = meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionCredentialsValid)
		Expect(c).NotTo(BeNil())
		Expect(c.Status).To(Equal(metav1.ConditionTrue))
		Expect(c.Reason).To(Equal(v1alpha1.ReasonTokenValid))

		Expect(vcSandbox.RevokeToken(string(old))).To(BeTrue())
		requestCheck(a)
		Eventually(func(g Gomega) {
			tok := connectionSecretG(g, a).Data["token"]
			g.Expect(tok).NotTo(Equal(old))
			g.Expect(vcSandbox.TokensFor(id)).To(ConsistOf(string(tok)), "the new token is the only valid one")
			got := getAccount(a)
			g.Expect(got.Status.VectorCharts.TokenFingerprint).To(Equal(tokenFingerprint(tok)))
			c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionCredentialsValid)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(c.Reason).To(Equal(v1alpha1.ReasonTokenReissued))
		}).Should(Succeed())
		var msgs []string
		for _, e := range eventsFor(a) {
			if e.Reason == "TokenReissued" {
				msgs = append(msgs, e.Note)
			}
		}
		Expect(msgs).To(ContainElement(ContainSubstring("revoked upstream")))
	})

	It("makes no check with tokenCheckInterval 0s and removes the condition", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := waitReady(createVC(upstreams["vectorCharts"], ns, "nocheck"))
		Expect(meta.FindStatusCondition(requestCheck(a).Status.Conditions, v1alpha1.ConditionCredentialsValid)).NotTo(BeNil())
		cur := getAccount(a)
		patch := client.MergeFrom(cur.DeepCopy())
		cur.Spec.VectorCharts.TokenCheckInterval = &metav1.Duration{}
		Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
		Eventually(func() *metav1.Condition {
			return meta.FindStatusCondition(getAccount(a).Status.Conditions, v1alpha1.ConditionCredentialsValid)
		}).Should(BeNil())
		Expect(vcSandbox.RevokeToken(string(connectionSecret(a).Data["token"]))).To(BeTrue())
		got := requestCheck(a)
		Expect(meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionCredentialsValid)).To(BeNil())
		Expect(reasons(eventsFor(a))).NotTo(ContainElement("TokenReissued"), "a disabled check re-issues nothing")
	})
})

// connectionSecretG reads the Account's connection Secret inside an Eventually.
func connectionSecretG(g Gomega, a *v1alpha1.Account) *corev1.Secret {
	s := &corev1.Secret{}
	g.Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}, s)).To(Succeed())
	return s
}

// digestOf is the data-digest annotation's documented value, computed apart
// from the operator's code.
func digestOf(data map[string][]byte) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(data)) {
		_, _ = fmt.Fprintf(h, "%d:%s%d:", len(k), k, len(data[k]))
		h.Write(data[k])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
