package controllers_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

// annotateProbe sets the probe annotation of a provider to value.
func annotateProbe(p client.Object, value string) {
	patch := client.MergeFrom(p.DeepCopyObject().(client.Object))
	ann := p.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[v1alpha1.AnnotationProbeRequestedAt] = value
	p.SetAnnotations(ann)
	Expect(k8sClient.Patch(rootCtx, p, patch)).To(Succeed())
}

// waitProbe waits for the provider's status to answer the annotation value.
func waitProbe(p *v1alpha1.AccountProvider, value string) *v1alpha1.ProbeStatus {
	var st *v1alpha1.ProbeStatus
	Eventually(func(g Gomega) {
		g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
		st = p.Status.Probe
		g.Expect(st).NotTo(BeNil())
		g.Expect(st.RequestedAt).To(Equal(value))
	}).Should(Succeed())
	return st
}

var _ = Describe("Conformance probe", func() {
	It("runs once per annotation value, reads only, and records each check", func() {
		ns := newNamespace(nil)
		u, o := upstreams["ccm"], ops["ccm"]
		p := namespacedProvider(u, ns)
		a := newAccount(u, ns, "probed")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitReady(a)
		before := o.faults().Calls()
		annotateProbe(p, "first")
		st := waitProbe(p, "first")
		Expect(st.Passed).To(BeTrue(), "%+v", st.Checks)
		Expect(st.Time).NotTo(BeNil())
		Expect(len(st.Checks)).To(BeNumerically(">=", 4))
		for _, c := range st.Checks {
			Expect(c.Result).To(Equal(v1alpha1.ProbeOK), "%s: %s", c.Name, c.Message)
		}
		after := o.faults().Calls()
		for _, op := range []string{"CreateAccount", "UpdateAccount", "DeleteAccount"} {
			Expect(after[op]).To(Equal(before[op]), "the probe wrote upstream: %s", op)
		}
		Expect(after["ListAccounts"]).To(BeNumerically(">", before["ListAccounts"]), "the probe listed accounts")

		// A spec change re-verifies the provider but does not probe again.
		ran := st.Time
		patch := client.MergeFrom(p.DeepCopy())
		p.Spec.PollInterval = &metav1.Duration{Duration: 2 * pollIntervalMin}
		Expect(k8sClient.Patch(rootCtx, p, patch)).To(Succeed())
		Eventually(func() int64 {
			Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
			return p.Status.ObservedGeneration
		}).Should(Equal(p.Generation))
		Expect(p.Status.Probe.Time).To(Equal(ran))

		// A new value probes again; under a variant the difference is named.
		ccmVariant(ccmsandbox.Variants{ExpiryMillis: true, SelectNoContent: true})
		annotateProbe(p, "second")
		st = waitProbe(p, "second")
		Expect(st.Passed).To(BeTrue(), "usable differences still pass")
		Expect(st.Checks).To(ContainElement(And(HaveField("Name", "Authenticate"), HaveField("Result", v1alpha1.ProbeDiffers),
			HaveField("Message", ContainSubstring("milliseconds")))))
		Expect(st.Checks).To(ContainElement(And(HaveField("Name", "SelectAccount"), HaveField("Result", v1alpha1.ProbeDiffers),
			HaveField("Message", ContainSubstring("204")))))
		deleteAndWait(a)
	})
})
