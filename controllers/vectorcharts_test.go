package controllers_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// The suite's VectorCharts job timing, restored after specs that change it.
const vcJobPending, vcJobRunning = 300 * time.Millisecond, 700 * time.Millisecond

var _ = Describe("VectorCharts against what the vendor does not document", func() {
	u, o := upstreams["vectorCharts"], ops["vectorCharts"]
	var ns string
	BeforeEach(func() {
		ns = newNamespace(nil)
		namespacedProvider(u, ns)
		DeferCleanup(func() {
			Expect(vcSandbox.SetVariants(vcsandbox.Variants{})).To(Succeed())
			vcSandbox.SetJobDurations(vcJobPending, vcJobRunning)
		})
	})

	// upstreamID is the sandbox id of an Account's upstream account.
	upstreamID := func(a *v1alpha1.Account) int64 {
		id, err := strconv.ParseInt(a.Status.AccountID, 10, 64)
		Expect(err).NotTo(HaveOccurred())
		return id
	}
	deleteCalls := func() int { return o.faults().Calls()["DeleteAccount"] }
	// waitGone waits for the Account and its upstream account to be gone.
	waitGone := func(a *v1alpha1.Account, id int64) {
		Eventually(func() bool {
			err := k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), &v1alpha1.Account{})
			return err != nil && client.IgnoreNotFound(err) == nil
		}).Should(BeTrue())
		_, found := find(o, strconv.FormatInt(id, 10))
		Expect(found).To(BeFalse(), "the upstream account must be gone before the finalizer is removed")
	}

	It("keeps the delete job's id in status.jobID, whatever the job's type word", func() {
		Expect(vcSandbox.SetVariants(vcsandbox.Variants{DeleteJobType: "job-7f3a"})).To(Succeed())
		vcSandbox.SetJobDurations(2*time.Second, 2*time.Second)
		a := waitReady(createVC(u, ns, "jobid"))
		id := upstreamID(a)
		Expect(k8sClient.Delete(rootCtx, a)).To(Succeed())
		Eventually(func(g Gomega) {
			got := &v1alpha1.Account{}
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), got)).To(Succeed())
			g.Expect(got.Status.JobID).NotTo(BeEmpty())
			g.Expect(got.Status.JobID).To(Equal(deleteJobOf(id)))
		}).Should(Succeed())
		waitGone(a, id)
	})

	It("reports a failed delete job, sends the delete again and finishes", func() {
		vcSandbox.SetJobDurations(time.Second, time.Second)
		a := waitReady(createVC(u, ns, "failjob"))
		id, before := upstreamID(a), deleteCalls()
		vcSandbox.FailNextDeleteJob()
		Expect(k8sClient.Delete(rootCtx, a)).To(Succeed())
		Eventually(func(g Gomega) {
			got := &v1alpha1.Account{}
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), got)).To(Succeed())
			c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionSynced)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Reason).To(Equal("DeleteJobFailed"))
			g.Expect(c.Message).To(ContainSubstring("sent deleteAccount again"))
		}).Should(Succeed())
		waitGone(a, id)
		Expect(deleteCalls() - before).To(Equal(2))
	})

	for _, v := range []vcsandbox.Variants{{RepeatDelete: vcsandbox.RepeatDeleteSameJob, DeleteJobNames: vcsandbox.JobNamesAccountID},
		{RepeatDelete: vcsandbox.RepeatDelete400, DeleteJobNames: vcsandbox.JobNamesAccountID},
		{RepeatDelete: vcsandbox.RepeatDelete400, DeleteJobNames: vcsandbox.JobNamesNone},
		{RepeatDelete: vcsandbox.RepeatDelete404, DeleteJobNames: vcsandbox.JobNamesNone}} {
		It(fmt.Sprintf("finishes a delete whose job id a crash lost, when a second delete answers %s (job names: %s)",
			v.RepeatDelete, v.DeleteJobNames), func() {
			Expect(vcSandbox.SetVariants(v)).To(Succeed())
			vcSandbox.SetJobDurations(time.Second, 2*time.Second)
			a := waitReady(createVC(u, ns, "lostjob"))
			id, before := upstreamID(a), deleteCalls()
			// The operator's accepted delete whose answer never reached status.
			Expect(rawDelete(id)).To(Equal(http.StatusOK))
			Expect(k8sClient.Delete(rootCtx, a)).To(Succeed())
			waitGone(a, id)
			Expect(deleteCalls()-before).To(Equal(2), "the lost delete and one more")
		})
	}

	It("creates an Account whose username an account being deleted still holds, once it is gone", func() {
		vcSandbox.SetJobDurations(time.Second, 2*time.Second)
		old := waitReady(createVC(u, ns, "renamed-from"))
		oldID := upstreamID(old)
		Expect(k8sClient.Delete(rootCtx, old)).To(Succeed())
		Eventually(func(g Gomega) {
			got := &v1alpha1.Account{}
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(old), got)).To(Succeed())
			g.Expect(got.Status.JobID).NotTo(BeEmpty())
		}).Should(Succeed())
		b := newAccount(u, ns, "renamed-to")
		b.Spec.VectorCharts.Username = old.Spec.VectorCharts.Username
		Expect(k8sClient.Create(rootCtx, b)).To(Succeed())
		got := waitCondition(b, v1alpha1.ConditionReady, "True", v1alpha1.ReasonAvailable)
		Expect(got.Status.AccountID).NotTo(Equal(old.Status.AccountID))
		waitGone(old, oldID)
		Expect(countKey(o, b.Spec.VectorCharts.Username)).To(Equal(1))
	})

	for _, retryAfter := range []int{1, 0} {
		It(fmt.Sprintf("creates exactly one account after 429s (Retry-After %d) on the create and on reads", retryAfter), func() {
			before := o.faults().Calls()["CreateAccount"]
			o.faults().FailNext("CreateAccount", 2, http.StatusTooManyRequests, retryAfter)
			o.faults().FailNext("GetAccount", 2, http.StatusTooManyRequests, retryAfter)
			a := createVC(u, ns, fmt.Sprintf("throttled-%d", retryAfter))
			waitReady(a)
			Expect(countKey(o, uniqueKey(a))).To(Equal(1))
			Expect(o.faults().Calls()["CreateAccount"]-before).To(Equal(3), "two refused creates, one that went through")
		})
	}
})

func createVC(u upstream, ns, name string) *v1alpha1.Account {
	a := newAccount(u, ns, name)
	Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
	return a
}

// deleteJobOf is the id of the sandbox's latest delete job of an account.
func deleteJobOf(id int64) string {
	for _, j := range vcSandbox.Jobs() {
		if j.Deletes == id {
			return j.ID
		}
	}
	return ""
}

// rawDelete sends deleteAccount straight to the sandbox, as an operator that
// crashed before storing the answer would have.
func rawDelete(id int64) int {
	req, err := http.NewRequest(http.MethodPost, vcURL+"/api/portal/v1/admin/deleteAccount",
		bytes.NewReader([]byte(fmt.Sprintf(`{"id":%d}`, id))))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "Bearer "+vcAdminToken)
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.Body.Close()).To(Succeed())
	return resp.StatusCode
}
