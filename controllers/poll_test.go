package controllers_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

var _ = Describe("Drift polling", func() {
	It("uses the manager's default poll interval for a provider that sets none", func() {
		ns := newNamespace(nil)
		u := upstreams["ccm"]
		createSecret(ns, "ccm-creds", u.creds)
		// No spec.pollInterval, and the schema adds none: the manager's
		// --default-poll-interval (pollInterval, 2 s here) applies.
		p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm"},
			Spec: u.spec(v1alpha1.SecretReference{Name: "ccm-creds"})}
		Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
		Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
		Expect(p.Spec.PollInterval).To(BeNil())
		a := newAccount(u, ns, "polled")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		o := ops["ccm"]
		r, ok := find(o, a.Status.AccountID)
		Expect(ok).To(BeTrue())
		o.drift(r)
		// Nothing triggers a reconcile but the poll. The smallest interval a
		// provider may set is 30 s, so a correction well before that proves the
		// manager's default was used.
		Eventually(func() remote { r, _ := find(o, a.Status.AccountID); return r }, pollIntervalMin*2/3).Should(Equal(r))
		deleteAndWait(a) // stop its 2 s polls on the shared sandbox
	})
})
