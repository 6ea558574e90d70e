package controllers_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
)

// The create path: the finalizer and the create marker go in one optimistic
// update of the Account, whose conflict is the only freshness check; the
// connection Secret is created without a read first.
var _ = Describe("Create path", func() {
	// Two views a cache can be stuck at while the Account's id is stored:
	// the Account as applied, and the Account as the claim left it (marker,
	// finalizer, no id yet), on which the claim changes nothing.
	for i, view := range []string{"as applied", "as claimed"} {
		It("never creates again from a cache that is behind the id ("+view+"): the claim conflicts", func() {
			u, o := upstreams["ccm"], ops["ccm"]
			ns := newNamespace(nil)
			namespacedProvider(u, ns)
			a := newAccount(u, ns, fmt.Sprintf("stale-%d", i)) // upstream names are unique
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			applied := getAccount(a)
			ready := waitReady(a)
			old := applied
			if view == "as claimed" {
				old = stale.lastUpdate(client.ObjectKeyFromObject(a))
				Expect(old).NotTo(BeNil())
				_, marked := old.CreatePending()
				Expect(marked && old.Status.AccountID == "").To(BeTrue(), "the claim's answer has the marker and no id")
			}
			creates := o.faults().Calls()[o.createOp]

			served, conflicts := stale.serve(old)
			DeferCleanup(stale.stop)
			forceCheck(a)
			Eventually(conflicts.Load).Should(BeNumerically(">=", 2), "passes on the stale view")
			Expect(served.Load()).To(BeNumerically(">=", 2))
			Consistently(func() int { return o.faults().Calls()[o.createOp] - creates }, 2*time.Second).
				Should(BeZero(), "no create from a stale view")
			stale.stop()

			got := waitReady(a)
			Expect(got.Status.AccountID).To(Equal(ready.Status.AccountID))
			Expect(o.faults().Calls()[o.createOp]).To(Equal(creates))
			Expect(countKey(o, uniqueKey(a))).To(Equal(1))
			Expect(reasons(eventsFor(a))).NotTo(ContainElement(v1alpha1.ReasonAlreadyExists))
		})
	}

	It("creates an Account in at most 4 API writes (5 for VectorCharts) and never reads it or its Secret", func() {
		// The suite's SCP registers 1.5 s after the create: one more status
		// write (REGISTERING, then Ready) than where it registers at once.
		most := map[string]int{"ccm": 4, "scp": 5, "vectorCharts": 5}
		for _, name := range []string{"ccm", "scp", "vectorCharts"} {
			ns := newNamespace(nil)
			namespacedProvider(upstreams[name], ns)
			time.Sleep(500 * time.Millisecond) // the provider's own writes settle
			before := len(requests.in(ns))
			a := newAccount(upstreams[name], ns, "counted")
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			waitReady(a)
			Eventually(func() []string { return reasons(eventsFor(a)) }).Should(ContainElement("Created"))
			// Settled: no more requests for the Account. The provider's own
			// (its inventory listing, its usage) may still come; they are
			// left out below.
			accountRequests := func() int {
				n := 0
				for _, r := range requests.in(ns) {
					if !strings.Contains(r, "accountproviders") {
						n++
					}
				}
				return n
			}
			Consistently(accountRequests, 2*time.Second).Should(Equal(accountRequests()))

			var writes, reads []string
			for _, r := range requests.in(ns)[before:] {
				switch {
				// The provider's: its usage, and the in-use hold of its
				// credentials Secret, once per provider, not per Account.
				case strings.Contains(r, "accountproviders"), strings.HasSuffix(r, "/secrets/"+strings.ToLower(name)+"-creds"):
				case strings.HasPrefix(r, http.MethodGet+" "):
					if strings.Contains(r, "/accounts/") || strings.HasSuffix(r, "/secrets/"+a.ConnectionSecretName()) {
						reads = append(reads, r)
					}
				default:
					writes = append(writes, r)
				}
			}
			GinkgoWriter.Printf("%s: %d writes %v\n", name, len(writes), writes)
			Expect(reads).To(BeEmpty(), name)
			Expect(len(writes)).To(BeNumerically("<=", most[name]), "%s: %v", name, writes)
		}
	})

	It("finds a connection Secret of its own the cache does not hold, and keeps what it holds", func() {
		u := upstreams["vectorCharts"]
		ns := newNamespace(nil)
		namespacedProvider(u, ns)
		a := newAccount(u, ns, "unlabelled")
		a.Annotations = map[string]string{v1alpha1.AnnotationPaused: "true"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = getAccount(a)
		// The password an earlier pass stored, in a Secret that lost the
		// operator's label, so the label-filtered cache never sees it.
		s := createSecret(ns, a.ConnectionSecretName(), map[string]string{"password": vcUserPasswd + "-stored"})
		s.OwnerReferences = ownerRefs(a)
		Expect(k8sClient.Update(rootCtx, s)).To(Succeed())

		unpause(a)
		got := waitReady(a)
		conn := connectionSecret(got)
		Expect(string(conn.Data["password"])).To(Equal(vcUserPasswd+"-stored"), "the stored password wins over a new one")
		Expect(conn.Labels).To(HaveKeyWithValue("app.kubernetes.io/managed-by", "account-operator"))
		Expect(conn.Data["token"]).NotTo(BeEmpty())
	})
})

// unpause removes the paused annotation.
func unpause(a *v1alpha1.Account) {
	cur := getAccount(a)
	patch := client.MergeFrom(cur.DeepCopy())
	delete(cur.Annotations, v1alpha1.AnnotationPaused)
	Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
}

// staleAccounts stands in for a cache that is behind: the manager's reads of
// one Account answer with an older copy. It also keeps the answer of the
// manager's last update of each Account.
type staleAccounts struct {
	mu        sync.Mutex
	old       *v1alpha1.Account
	served    *atomic.Int64
	conflicts *atomic.Int64
	last      map[client.ObjectKey]*v1alpha1.Account
}

var stale = &staleAccounts{last: map[client.ObjectKey]*v1alpha1.Account{}}

// serve makes the manager read old for its Account until stop: counts of the
// reads served and of the manager's updates of it that conflicted.
func (s *staleAccounts) serve(old *v1alpha1.Account) (served, conflicts *atomic.Int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.old, s.served, s.conflicts = old.DeepCopy(), new(atomic.Int64), new(atomic.Int64)
	return s.served, s.conflicts
}

func (s *staleAccounts) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.old = nil
}

// read fills obj with the old copy when it is the Account being served.
func (s *staleAccounts) read(key client.ObjectKey, obj client.Object) bool {
	a, ok := obj.(*v1alpha1.Account)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok || s.old == nil || client.ObjectKeyFromObject(s.old) != key {
		return false
	}
	s.old.DeepCopyInto(a)
	s.served.Add(1)
	return true
}

// updated notes the outcome of the manager's update of an Account.
func (s *staleAccounts) updated(obj client.Object, err error) {
	a, ok := obj.(*v1alpha1.Account)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := client.ObjectKeyFromObject(a)
	switch {
	case err == nil:
		s.last[key] = a.DeepCopy()
	case apierrors.IsConflict(err) && s.old != nil && client.ObjectKeyFromObject(s.old) == key:
		s.conflicts.Add(1)
	}
}

func (s *staleAccounts) lastUpdate(key client.ObjectKey) *v1alpha1.Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last[key]
}

// requestLog records the manager's requests to the API server ("METHOD
// path"), by namespace; watches are left out.
type requestLog struct {
	mu   sync.Mutex
	byNS map[string][]string
}

var requests = &requestLog{byNS: map[string][]string{}}

func (l *requestLog) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if ns := namespaceOf(req.URL.Path); ns != "" && req.URL.Query().Get("watch") != "true" {
			l.mu.Lock()
			l.byNS[ns] = append(l.byNS[ns], req.Method+" "+req.URL.Path)
			l.mu.Unlock()
		}
		return next.RoundTrip(req)
	})
}

func (l *requestLog) in(ns string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.byNS[ns]...)
}

// namespaceOf is the namespace a request path names, if any.
func namespaceOf(path string) string {
	parts := strings.Split(path, "/")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "namespaces" {
			return parts[i+1]
		}
	}
	return ""
}

// ownerRefs makes a the controller of an object, as the operator does for its
// connection Secret.
func ownerRefs(a *v1alpha1.Account) []metav1.OwnerReference {
	return []metav1.OwnerReference{*metav1.NewControllerRef(a, v1alpha1.GroupVersion.WithKind("Account"))}
}

// A user's Account applied server-side, as kubectl and GitOps tools do, with
// fields the Go types leave out when empty. The operator's writes of the
// Account's metadata (finalizer, create marker) must not touch its spec: a
// read-modify-write of the whole object would drop them, change the spec
// under the user, and bump its generation.
var _ = Describe("Metadata writes of an applied Account", func() {
	It("leave the applied spec as the user wrote it, and own no field of it", func() {
		u := upstreams["ccm"]
		ns := newNamespace(nil)
		namespacedProvider(u, ns)
		a := newAccount(u, ns, "applied")
		obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(a)
		Expect(err).NotTo(HaveOccurred())
		applied := &unstructured.Unstructured{Object: obj}
		applied.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("Account"))
		unstructured.RemoveNestedField(applied.Object, "status")
		unstructured.RemoveNestedField(applied.Object, "metadata", "creationTimestamp")
		Expect(unstructured.SetNestedField(applied.Object, "", "spec", "externalID")).To(Succeed())
		Expect(k8sClient.Apply(rootCtx, client.ApplyConfigurationFromUnstructured(applied.DeepCopy()),
			client.FieldOwner("user"))).To(Succeed())
		want := &unstructured.Unstructured{}
		want.SetGroupVersionKind(applied.GroupVersionKind())
		Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), want)).To(Succeed())
		Expect(want.Object["spec"]).To(HaveKeyWithValue("externalID", ""))

		got := waitReady(a)
		Expect(got.Finalizers).To(ContainElement(controllers.Finalizer))
		after := want.DeepCopy()
		Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), after)).To(Succeed())
		Expect(after.Object["spec"]).To(Equal(want.Object["spec"]))
		Expect(after.GetGeneration()).To(Equal(want.GetGeneration()))
		for _, m := range after.GetManagedFields() {
			if m.Manager != "user" && m.Subresource == "" {
				Expect(m.FieldsV1.GetRawString()).NotTo(ContainSubstring(`"f:spec"`), "manager %s", m.Manager)
			}
		}
		Expect(k8sClient.Apply(rootCtx, client.ApplyConfigurationFromUnstructured(applied.DeepCopy()),
			client.FieldOwner("user"))).To(Succeed(), "the user applies again without a conflict")
	})
})
