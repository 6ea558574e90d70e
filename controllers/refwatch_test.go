package controllers_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Stalled Accounts are not retried on a timer: only a change to what they
// refer to brings them back. These specs prove the reference watches (which
// keep no Secret or ConfigMap in memory) deliver that change.
var _ = Describe("Reference watches", func() {
	It("wakes an Account stalled on a missing password Secret when the Secret appears", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := newAccount(upstreams["vectorCharts"], ns, "late-password")
		a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "owner-password", Key: "password"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, "")
		createSecret(ns, "owner-password", map[string]string{"password": "Late-but-strong-passw0rd!"})
		waitReady(a)
	})

	It("wakes an Account stalled on a missing logo ConfigMap when the ConfigMap appears", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["ccm"], ns)
		a := newAccount(upstreams["ccm"], ns, "late-logo")
		a.Spec.CCM.CustomLogo = &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logo", Key: "logo.svg"}}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, "")
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "logo"},
			Data: map[string]string{"logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`}}
		Expect(k8sClient.Create(rootCtx, cm)).To(Succeed())
		waitReady(a)
	})
})

// The reference watch keeps no objects, so when the apiserver expires it
// (410 Gone after compaction) it cannot diff a relist against what it knew:
// a change made while it was expired must still wake the Accounts it concerns.
var _ = Describe("Reference watches across an expiry", func() {
	It("wakes a stalled Account whose Secret appeared while the watch was expired", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := newAccount(upstreams["vectorCharts"], ns, "gap-password")
		a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "owner-password", Key: "password"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, "")

		held := expiry.expire()
		Eventually(held).Should(BeClosed(), "the reference watch must end and list again")
		createSecret(ns, "owner-password", map[string]string{"password": "Late-but-strong-passw0rd!"})
		expiry.release()
		waitReady(a)
	})
})
