package controllers_test

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

var _ = Describe("Crash safety", func() {
	for _, name := range []string{"ccm", "scp", "vectorCharts"} {
		u, o := upstreams[name], ops[name]

		It(fmt.Sprintf("creates exactly one %s account when the create commits but its response fails", name), func() {
			ns := newNamespace(nil)
			namespacedProvider(u, ns)
			for _, mode := range []fault.Mode{fault.CommitThenFail, fault.CommitThenDrop} {
				a := newAccount(u, ns, strings.ToLower("lost-"+string(mode)))
				o.faults().Add(fault.Rule{Operation: o.createOp, Count: 1, Status: 500, Mode: mode})
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				got := waitReady(a)
				Expect(countKey(o, uniqueKey(a))).To(Equal(1))
				s := connectionSecret(got)
				for _, k := range o.recovered {
					Expect(s.Data[k]).NotTo(BeEmpty(), "%s after %s", k, mode)
				}
			}
		})
	}

	It("creates exactly one account per Account when the manager restarts between create and status write", func() {
		ns := newNamespace(nil)
		for _, name := range []string{"ccm", "scp", "vectorCharts"} {
			namespacedProvider(upstreams[name], ns)
		}
		// Every create is slow, so the manager is stopped while calls are in flight.
		for _, name := range []string{"ccm", "scp", "vectorCharts"} {
			ops[name].faults().SetLatency(fault.Latency{Fixed: 1500 * time.Millisecond})
		}
		DeferCleanup(func() {
			for _, name := range []string{"ccm", "scp", "vectorCharts"} {
				ops[name].faults().SetLatency(fault.Latency{})
			}
		})
		var accounts []*v1alpha1.Account
		for _, name := range []string{"ccm", "scp", "vectorCharts"} {
			for i := range 2 {
				a := newAccount(upstreams[name], ns, fmt.Sprintf("restart-%s-%d", strings.ToLower(name), i))
				Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
				accounts = append(accounts, a)
			}
		}
		// Wait until the write-ahead markers are stored: creates are in flight.
		Eventually(func() int {
			n := 0
			for _, a := range accounts {
				if _, marked := getAccount(a).CreatePending(); marked {
					n++
				}
			}
			return n
		}).Should(BeNumerically(">=", 3))
		stopManager()
		for _, name := range []string{"ccm", "scp", "vectorCharts"} {
			ops[name].faults().SetLatency(fault.Latency{})
		}
		startManager()
		for _, a := range accounts {
			got := waitReady(a)
			o := ops[kindOf(a)]
			Expect(countKey(o, uniqueKey(a))).To(Equal(1), a.Name)
			s := connectionSecret(got)
			for _, k := range o.recovered {
				Expect(s.Data[k]).NotTo(BeEmpty(), "%s of %s", k, a.Name)
			}
		}
	})

	It("reissues a lost VectorCharts token and says so", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := newAccount(upstreams["vectorCharts"], ns, "token")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		old := string(connectionSecret(a).Data["token"])
		Expect(k8sClient.Delete(rootCtx, connectionSecret(a))).To(Succeed())
		Eventually(func(g Gomega) {
			s := &corev1.Secret{}
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: a.ConnectionSecretName()}, s)).To(Succeed())
			g.Expect(s.Data["token"]).NotTo(BeEmpty())
			g.Expect(string(s.Data["token"])).NotTo(Equal(old))
		}).Should(Succeed())
		Eventually(func() []string { return reasons(eventsFor(a)) }).Should(ContainElement("TokenReissued"))
	})

	It("makes no apiserver write in a reconcile with nothing to change but the echo of the requested check", func() {
		ns := newNamespace(nil)
		var accounts []*v1alpha1.Account
		for _, name := range []string{"ccm", "scp", "vectorCharts"} {
			namespacedProvider(upstreams[name], ns)
			a := newAccount(upstreams[name], ns, "steady-"+strings.ToLower(name))
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			accounts = append(accounts, a)
		}
		for _, a := range accounts {
			waitReady(a)
		}
		time.Sleep(time.Second) // let follow-up reconciles of the create settle
		before := writes.in(ns)
		for _, a := range accounts {
			requestCheck(a) // the pass writes the status once: lastHandledReconcileAt
		}
		Consistently(func() int64 { return writes.in(ns) - before }, 3*time.Second).Should(BeEquivalentTo(len(accounts)))
	})
})

// kindOf names an Account's upstream block.
func kindOf(a *v1alpha1.Account) string {
	switch {
	case a.Spec.CCM != nil:
		return "ccm"
	case a.Spec.SCP != nil:
		return "scp"
	}
	return "vectorCharts"
}

var _ = Describe("Provider credentials", func() {
	It("stalls Accounts while credentials are wrong and recovers when the Secret is fixed", func() {
		ns := newNamespace(nil)
		u := upstreams["vectorCharts"]
		createSecret(ns, "vc-creds", map[string]string{"token": "wrong-token"})
		p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "vectorcharts"},
			Spec: u.spec(v1alpha1.SecretReference{Name: "vc-creds"})}
		Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
			c := findCond(p.Status.Conditions, v1alpha1.ConditionReady)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(c.Reason).To(Equal(v1alpha1.ReasonUnauthorized))
		}).Should(Succeed())
		Expect(p.Status.Upstream).To(Equal("vectorCharts"))
		readyGauge := func(reason string) func() []float64 {
			return func() []float64 {
				labels := map[string]string{"kind": "AccountProvider", "namespace": ns, "name": "vectorcharts"}
				all := metricValue("account_operator_provider_ready", labels)
				labels["reason"] = reason
				return []float64{all, metricSeries("account_operator_provider_ready", labels), metricValue("account_operator_provider_ready", labels)}
			}
		}
		// One series, value 0, reason Unauthorized: what the ProviderNotReady alert reads.
		Expect(readyGauge(v1alpha1.ReasonUnauthorized)()).To(Equal([]float64{0, 1, 0}))

		a := newAccount(u, ns, "waits")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderNotReady)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionSynced).Status).To(Equal(metav1.ConditionFalse))
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(ContainSubstring("Unauthorized"))

		s := &corev1.Secret{}
		Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: "vc-creds"}, s)).To(Succeed())
		s.Data = map[string][]byte{"token": []byte(vcAdminToken)}
		Expect(k8sClient.Update(rootCtx, s)).To(Succeed())
		waitReady(a) // the Account itself is never touched
		Eventually(readyGauge(v1alpha1.ReasonVerified)).Should(Equal([]float64{1, 1, 1}))
		Expect(metricSeries("account_operator_provider_ready", map[string]string{"namespace": ns})).
			To(BeEquivalentTo(1), "the Unauthorized series went when the reason changed")
	})

	It("reports a credentials Secret without the needed key", func() {
		ns := newNamespace(nil)
		createSecret(ns, "ccm-creds", map[string]string{"username": ccmUser})
		p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm"},
			Spec: upstreams["ccm"].spec(v1alpha1.SecretReference{Name: "ccm-creds"})}
		Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
			c := findCond(p.Status.Conditions, v1alpha1.ConditionReady)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Reason).To(Equal(v1alpha1.ReasonCredentialsMissing))
			g.Expect(c.Message).To(ContainSubstring(`"password"`))
		}).Should(Succeed())
	})
})

func findCond(cs []metav1.Condition, t string) *metav1.Condition {
	for i := range cs {
		if cs[i].Type == t {
			return &cs[i]
		}
	}
	return nil
}

var _ = Describe("An upstream account that is not usable", func() {
	It("reports it and polls at the poll interval, not in a loop", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["ccm"], ns)
		a := newAccount(upstreams["ccm"], ns, "deactivated")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		Expect(ccmSandbox.SetAccountStatus(a.Status.AccountID, "Deactivated")).To(BeTrue())
		forceCheck(a)
		got := waitCondition(a, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonProvisioning)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionReady).Message).To(ContainSubstring("reactivate"))
		before := ccmSandbox.AccountReads(a.Status.AccountID)
		Expect(before).To(BeNumerically(">", 0), "the forced check read the account")
		// The provider's poll interval is 30 s: no further reads of this
		// account within 5 s (other specs' Accounts share the sandbox).
		Consistently(func() int { return ccmSandbox.AccountReads(a.Status.AccountID) - before }, 5*time.Second).
			Should(BeZero())
	})
})
