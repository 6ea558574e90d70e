package controllers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
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
})

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
