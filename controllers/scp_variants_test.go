package controllers_test

import (
	"net/http"
	"net/http/httptest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

// scpVariant is an SCP simulator in one variant mode, with a namespace whose
// AccountProvider "scp" points at it.
type scpVariant struct {
	sb *scpsandbox.Server
	ns string
}

func newSCPVariant(opts scpsandbox.Options) scpVariant {
	opts.Credentials = []scpsandbox.Credential{{AccessKey: scpAccessKey, SecretKey: scpSecretKey}}
	if opts.RegistrationDelay == 0 {
		opts.RegistrationDelay = 1500 * time.Millisecond
	}
	if opts.ClosureDelay == 0 {
		opts.ClosureDelay = 1500 * time.Millisecond
	}
	v := scpVariant{sb: scpsandbox.New(opts), ns: newNamespace(nil)}
	ts := httptest.NewServer(v.sb.Handler())
	DeferCleanup(ts.Close)
	u := upstreams["scp"]
	u.spec = func(ref v1alpha1.SecretReference) v1alpha1.AccountProviderSpec {
		return v1alpha1.AccountProviderSpec{SCP: &v1alpha1.SCPProviderSpec{CloudControlURL: v1alpha1.HTTPSURL(ts.URL),
			OrganizationURL: v1alpha1.HTTPSURL(ts.URL), CredentialsSecretRef: ref}}
	}
	namespacedProvider(u, v.ns)
	return v
}

func (v scpVariant) account(name string) *v1alpha1.Account {
	a := newAccount(upstreams["scp"], v.ns, name)
	Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
	return a
}

func (v scpVariant) calls(op string) int { return v.sb.Faults().Calls()[op] }

// named counts the simulator's accounts with the name, in any state.
func (v scpVariant) named(name string) int {
	n := 0
	for _, a := range v.sb.Accounts() {
		if a.Name == name {
			n++
		}
	}
	return n
}

// neverStalledNotFound fails if the Account ever shows Stalled for
// NotFoundUpstream while cond has not come true.
func neverStalledNotFound(a *v1alpha1.Account, cond func(*v1alpha1.Account) bool) {
	Eventually(func(g Gomega) {
		got := getAccount(a)
		c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionStalled)
		if c != nil && c.Status == metav1.ConditionTrue && c.Reason == v1alpha1.ReasonNotFoundUpstream {
			StopTrying("the Account went Stalled: " + c.Message).Now()
		}
		g.Expect(cond(got)).To(BeTrue())
	}).Should(Succeed())
}

func readyNow(a *v1alpha1.Account) bool {
	return meta.IsStatusConditionTrue(a.Status.Conditions, v1alpha1.ConditionReady)
}

var _ = Describe("SCP upstream variants", func() {
	for _, end := range []scpsandbox.ClosureEnd{scpsandbox.ClosureGone, scpsandbox.ClosureSuspended} {
		It("finishes a delete when a close ends "+string(end)+", closing once", func() {
			v := newSCPVariant(scpsandbox.Options{ClosedAccounts: end})
			ready := waitReady(v.account("settled"))
			fresh := v.account("fresh") // deleted before it is ever Ready
			deleteAndWait(ready)
			deleteAndWait(fresh)
			Expect(v.calls("DeleteAccount")).To(Equal(2))
			for _, a := range v.sb.Accounts() {
				Expect(a.State).To(Equal("SUSPENDED"), "only closed accounts stay listed")
			}
		})
	}

	It("reports an account suspended behind its back, and neither re-creates nor deletes it", func() {
		v := newSCPVariant(scpsandbox.Options{})
		a := waitReady(v.account("frozen"))
		Expect(v.sb.SetAccountState(a.Status.AccountID, "SUSPENDED")).To(Succeed())
		forceCheck(a)
		got := waitCondition(a, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonSuspendedUpstream)
		Expect(got.Status.State).To(Equal("SUSPENDED"))
		Consistently(func() []int {
			return []int{v.calls("CreateAccount"), v.calls("DeleteAccount"), v.calls("MoveAccount")}
		}, 2*time.Second).Should(Equal([]int{1, 0, 0}))
		deleteAndWait(a) // deletionPolicy Delete
		Expect(v.calls("DeleteAccount")).To(Equal(0), "a suspended account is not closed")
	})

	It("waits, not NotFoundUpstream, while the organization and Cloud Control do not list a new account", func() {
		v := newSCPVariant(scpsandbox.Options{VisibilityDelay: 3 * time.Second, AssignmentDelay: 5 * time.Second})
		a := v.account("shy")
		neverStalledNotFound(a, readyNow)
		got := getAccount(a)
		Expect(got.Status.SCP.ProvisioningSince).To(BeNil(), "the mark goes once the account is seen")
		Expect(v.calls("CreateAccount")).To(Equal(1))
	})

	It("follows an organization reporting PENDING while the account registers", func() {
		v := newSCPVariant(scpsandbox.Options{ProvisioningState: scpsandbox.StatePending, RegistrationDelay: 3 * time.Second})
		a := v.account("pending")
		Eventually(func() string {
			c := meta.FindStatusCondition(getAccount(a).Status.Conditions, v1alpha1.ConditionReady)
			if c == nil {
				return ""
			}
			return c.Message
		}).Should(ContainSubstring("organization state PENDING"))
		waitReady(a)
	})

	for _, status := range []int{http.StatusConflict, http.StatusBadRequest} {
		It("refuses a duplicate name answered "+http.StatusText(status)+", without a second account", func() {
			v := newSCPVariant(scpsandbox.Options{DuplicateStatus: status})
			owner := waitReady(v.account("owner"))
			dup := newAccount(upstreams["scp"], v.ns, "intruder")
			dup.Spec.DisplayName = owner.Name
			Expect(k8sClient.Create(rootCtx, dup)).To(Succeed())
			got := waitCondition(dup, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonAlreadyExists)
			Expect(got.Status.AccountID).To(BeEmpty())
			Expect(v.named(owner.Name)).To(Equal(1))
		})
	}

	It("adopts the account a lost create response made, while the organization does not list it yet", func() {
		v := newSCPVariant(scpsandbox.Options{VisibilityDelay: 4 * time.Second})
		v.sb.Faults().Add(fault.Rule{Operation: "CreateAccount", Count: 1, Mode: fault.CommitThenDrop})
		a := v.account("lost")
		got := waitReady(a)
		Expect(v.named("lost")).To(Equal(1))
		Expect(got.Status.AccountID).To(Equal(v.sb.Accounts()[0].ID))
	})

	for _, retryAfter := range []int{0, 1} {
		It("backs off under 429 (Retry-After "+map[bool]string{true: "1", false: "absent"}[retryAfter > 0]+
			") and converges with one account each", func() {
			v := newSCPVariant(scpsandbox.Options{Throttle: scpsandbox.Throttle{Every: 3, RetryAfter: retryAfter}})
			accounts := []*v1alpha1.Account{v.account("busy-a"), v.account("busy-b")}
			for _, a := range accounts {
				waitReady(a)
				Expect(v.named(a.Name)).To(Equal(1))
			}
			Expect(v.sb.Faults().Codes()["CreateAccount"][http.StatusTooManyRequests] +
				v.sb.Faults().Codes()["ListAccounts"][http.StatusTooManyRequests] +
				v.sb.Faults().Codes()["GetAccount"][http.StatusTooManyRequests]).To(BeNumerically(">", 0))
			for _, a := range accounts {
				deleteAndWait(a)
			}
			Expect(v.calls("DeleteAccount")).To(BeNumerically("<=", 2+v.sb.Faults().Codes()["DeleteAccount"][http.StatusTooManyRequests]))
		})
	}
})
