package controllers_test

import (
	"crypto/sha256"
	"encoding/hex"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// tokenFingerprint is what status.vectorCharts.tokenFingerprint holds.
func tokenFingerprint(tok []byte) string {
	sum := sha256.Sum256(tok)
	return hex.EncodeToString(sum[:4])
}

var _ = Describe("Token revocation", func() {
	// reissueAndRevoke deletes the connection Secret of a ready VectorCharts
	// Account and waits until the re-issued token is the account's only one.
	reissueAndRevoke := func(name string, failRevokes int) {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := waitReady(createVC(upstreams["vectorCharts"], ns, name))
		id := mustInt(a.Status.AccountID)
		old := connectionSecret(a).Data["token"]
		Expect(a.Status.VectorCharts.TokenFingerprint).To(Equal(tokenFingerprint(old)))
		Expect(a.Status.VectorCharts.TokenIssuedAt).NotTo(BeNil())
		Expect(vcSandbox.TokensFor(id)).To(ConsistOf(string(old)))
		failedBefore := vcSandbox.Faults().Codes()["DeleteOwnApiToken"][400]
		if failRevokes > 0 {
			vcSandbox.Faults().FailNext("DeleteOwnApiToken", failRevokes, 400, 0)
		}

		Expect(k8sClient.Delete(rootCtx, connectionSecret(a))).To(Succeed())
		Eventually(func(g Gomega) {
			got := &v1alpha1.Account{}
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), got)).To(Succeed())
			s := &corev1.Secret{}
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: a.ConnectionSecretName()}, s)).To(Succeed())
			tok := s.Data["token"]
			g.Expect(tok).NotTo(BeEmpty())
			g.Expect(vcSandbox.TokensFor(id)).To(ConsistOf(string(tok)), "only the held token is valid")
			g.Expect(got.Status.VectorCharts.TokenFingerprint).To(Equal(tokenFingerprint(tok)))
		}).Should(Succeed())
		Expect(reasons(eventsFor(a))).To(ContainElements("TokenReissued", "TokenRevoked"))
		if failRevokes > 0 {
			Expect(vcSandbox.Faults().Codes()["DeleteOwnApiToken"][400]-failedBefore).
				To(BeNumerically(">=", failRevokes), "each failed revocation was retried")
		}
	}

	It("revokes the token a lost Secret held once the re-issued one is stored", func() {
		reissueAndRevoke("revoke-lost", 0)
	})

	It("retries a failed revocation with backoff until the lost token is revoked", func() {
		reissueAndRevoke("revoke-retry", 3)
	})
})
