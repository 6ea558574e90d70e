package controllers_test

import (
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// Each spec has a CCM sandbox of its own, so that the provider's listing and
// inventory hold only its accounts, and a provider polling at the manager's
// default interval (2 s), so that a few listings pass quickly.
var _ = Describe("Observe by list", func() {
	var (
		sb  *ccmsandbox.Server
		url string
		ns  string
		p   *v1alpha1.AccountProvider
	)
	BeforeEach(func() {
		sb = ccmsandbox.New(ccmsandbox.Options{Users: []ccmsandbox.User{{Email: ccmUser, Password: ccmPassword}}})
		ts := httptest.NewServer(sb.Handler())
		DeferCleanup(ts.Close)
		url = ts.URL
		ns = newNamespace(nil)
		createSecret(ns, "ccm-creds", upstreams["ccm"].creds)
		p = &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm"},
			Spec: v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{URL: v1alpha1.HTTPSURL(url),
				CredentialsSecretRef: v1alpha1.SecretReference{Name: "ccm-creds"}}}}
		Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
	})

	// listings is how many listings the provider's snapshot made.
	listings := func() float64 {
		return metricValue("account_operator_provider_lists_total", map[string]string{
			"kind": "AccountProvider", "namespace": ns, "name": "ccm", "result": "ok"})
	}
	// afterListings waits until n more listings were made.
	afterListings := func(n float64) {
		from := listings()
		Eventually(listings, eventuallyMax).Should(BeNumerically(">=", from+n))
	}
	ready := func(a *v1alpha1.Account) *metav1.Condition {
		return meta.FindStatusCondition(getAccount(a).Status.Conditions, v1alpha1.ConditionReady)
	}
	account := func(name string) *v1alpha1.Account {
		a := newAccount(upstreams["ccm"], ns, name)
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		return waitReady(a)
	}

	It("polls a steady Account from the listing, with no read of its own and no write", func() {
		a := account("steady")
		Eventually(func(g Gomega) { // the inventory counts it: the provider's status is settled
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
			g.Expect(p.Status.Inventory).NotTo(BeNil())
			g.Expect(*p.Status.Inventory.Managed).To(BeEquivalentTo(1))
		}, eventuallyMax).Should(Succeed())
		afterListings(1) // the first steady poll has read the listing
		reads, w := sb.AccountReads(a.Status.AccountID), writes.in(ns)
		afterListings(3)
		Expect(sb.AccountReads(a.Status.AccountID)).To(Equal(reads), "a steady poll read the account")
		Expect(writes.in(ns)).To(Equal(w), "a steady poll wrote to the API server")
		Expect(ready(a).Status).To(Equal(metav1.ConditionTrue))
		Expect(metricValue("account_operator_provider_observe_by_list", map[string]string{
			"namespace": ns, "name": "ccm"})).To(BeEquivalentTo(1))
		deleteAndWait(a)
	})

	It("reads an account the listing lacks, and it stays Ready", func() {
		a := account("unlisted")
		id := a.Status.AccountID
		Expect(sb.SetListed(id, false)).To(BeTrue())
		reads := sb.AccountReads(id)
		afterListings(3)
		Expect(sb.AccountReads(id)).To(BeNumerically(">", reads), "an unlisted account was not read")
		c := ready(a)
		Expect(c.Status).To(Equal(metav1.ConditionTrue), "%v", c)
		Expect(sb.SetListed(id, true)).To(BeTrue())
		deleteAndWait(a)
	})

	It("still reports an account deleted behind the operator's back as NotFoundUpstream", func() {
		a := account("deleted")
		afterListings(1)
		Expect(sb.DeleteAccountDirect(a.Status.AccountID)).To(BeTrue())
		waitCondition(a, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonNotFoundUpstream)
		a = getAccount(a)
		a.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		Expect(k8sClient.Update(rootCtx, a)).To(Succeed())
		deleteAndWait(a)
	})

	It("confirms drift seen in the listing with a read and corrects it once", func() {
		a := account("drifting")
		id := a.Status.AccountID
		afterListings(1)
		Expect(sb.SetAccountName(id, "drifted")).To(BeTrue())
		Eventually(func() string {
			for _, r := range sb.Accounts() {
				if r.ID == id {
					return r.Name
				}
			}
			return ""
		}, eventuallyMax).Should(Equal("drifting"))
		Expect(sb.AccountUpdates(id)).To(Equal(1))
		deleteAndWait(a)
	})

	It("counts the upstream accounts in status.inventory, and lists the unmanaged ones when asked", func() {
		a, b := account("inv-a"), account("inv-b")
		raw, err := ccmapi.New(ccmapi.Config{BaseURL: url, Username: ccmUser, Password: ccmPassword})
		Expect(err).NotTo(HaveOccurred())
		made, err := raw.CreateAccount(rootCtx, ccmapi.AccountRequest{Name: "console-made"})
		Expect(err).NotTo(HaveOccurred())
		inventory := func(g Gomega) *v1alpha1.InventoryStatus {
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
			g.Expect(p.Status.Inventory).NotTo(BeNil())
			return p.Status.Inventory
		}
		Eventually(func(g Gomega) {
			inv := inventory(g)
			g.Expect([]int32{*inv.Total, *inv.Managed, *inv.Unmanaged}).To(Equal([]int32{3, 2, 1}))
			g.Expect(inv.UnmanagedAccounts).To(BeEmpty(), "listed without spec.inventory.listUnmanaged")
			g.Expect(inv.UnmanagedTruncated).To(BeNil())
		}, eventuallyMax).Should(Succeed())
		Expect(metricValue("account_operator_provider_inventory_accounts", map[string]string{
			"namespace": ns, "name": "ccm", "managed": "false"})).To(BeEquivalentTo(1))

		w := writes.in(ns)
		afterListings(3)
		Expect(writes.in(ns)).To(Equal(w), "a steady inventory was written again")

		Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
		p.Spec.Inventory = &v1alpha1.InventorySpec{ListUnmanaged: ptr.To(true)}
		Expect(k8sClient.Update(rootCtx, p)).To(Succeed())
		Eventually(func(g Gomega) {
			inv := inventory(g)
			g.Expect(inv.UnmanagedAccounts).To(Equal([]v1alpha1.UpstreamAccountRef{{ID: made.AcctID, Name: "console-made"}}))
			g.Expect(inv.UnmanagedTruncated).To(Equal(ptr.To(false)))
		}, eventuallyMax).Should(Succeed())
		Expect(strings.Join([]string{a.Status.AccountID, b.Status.AccountID}, ",")).NotTo(ContainSubstring(made.AcctID))
		deleteAndWait(a)
		deleteAndWait(b)
	})
})
