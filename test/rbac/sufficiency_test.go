package rbac

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
	scpadapter "github.com/account-operator/account-operator/internal/adapter/scp"
	vcadapter "github.com/account-operator/account-operator/internal/adapter/vectorcharts"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

const (
	operatorNS  = "account-operator" // also the leader-election lease's namespace
	tenantNS    = "team-a"
	managerUser = "account-operator-manager"
)

var _ = Describe("RBAC minimal role", func() {
	It("is enough for a full lifecycle of every upstream: no request refused, every grant used", func() {
		for _, ns := range []string{operatorNS, tenantNS} {
			Expect(admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		}
		bindMinimalRoles()
		access := newAccessLog()
		user, err := testEnv.AddUser(envtest.User{Name: managerUser}, cfg)
		Expect(err).NotTo(HaveOccurred())
		ucfg := rest.CopyConfig(user.Config())
		ucfg.Wrap(access.wrap)
		stop := startManager(ucfg)
		DeferCleanup(stop)

		accounts := createWorld(startUpstreams())
		By("creating")
		for _, a := range accounts {
			waitReady(a)
		}
		By("updating")
		for _, a := range accounts {
			cur := get(a)
			if cur.Spec.SCP != nil {
				cur.Spec.SCP.ParentUnitID = "ou-two"
			} else {
				cur.Spec.DisplayName = "renamed-" + cur.Name
			}
			if cur.Spec.ConnectionConfigMap != nil {
				cur.Spec.ConnectionConfigMap.Labels = map[string]string{"updated": "true"}
			}
			Expect(admin.Update(ctx, cur)).To(Succeed())
		}
		for _, a := range accounts {
			waitReady(a)
		}
		Eventually(func() []eventsv1.Event {
			var list eventsv1.EventList
			Expect(admin.List(ctx, &list, client.InNamespace(tenantNS))).To(Succeed())
			return list.Items
		}).ShouldNot(BeEmpty())
		By("deleting")
		for _, a := range accounts {
			Expect(admin.Delete(ctx, a)).To(Succeed())
		}
		for _, a := range accounts {
			Eventually(func() error { return admin.Get(ctx, client.ObjectKeyFromObject(a), &v1alpha1.Account{}) }).
				Should(MatchError(ContainSubstring("not found")))
		}
		stop()
		checkAccess(access)
	})
})

// checkAccess: nothing was refused; every grant used is in the minimal set
// (or, in the lease namespace, the leader-election Role); every grant the
// table marks as exercised was used.
func checkAccess(access *accessLog) {
	used, denied := access.snapshot()
	Expect(denied).To(BeEmpty())
	lease := grants(leaderElectionRole().Rules)
	var outside []string
	for g, namespaces := range used {
		if _, ok := needed[g]; ok {
			continue
		}
		for _, ns := range namespaces {
			if ns != operatorNS || !lease[g] {
				outside = append(outside, g.String()+" in "+ns)
			}
		}
	}
	Expect(outside).To(BeEmpty())
	var unused []string
	for g, n := range needed {
		if _, ok := used[g]; n.exercised && !ok {
			unused = append(unused, g.String())
		}
	}
	sort.Strings(unused)
	Expect(unused).To(BeEmpty(), "grants the table says the run uses")
}

// bindMinimalRoles gives the manager's user the minimal ClusterRole (the
// needed table) and the leader-election Role in the lease namespace.
func bindMinimalRoles() {
	byResource := map[[2]string][]string{}
	for g := range needed {
		k := [2]string{g.group, g.resource}
		byResource[k] = append(byResource[k], g.verb)
	}
	cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "minimal"}}
	for k, verbs := range byResource {
		cr.Rules = append(cr.Rules, rbacv1.PolicyRule{APIGroups: []string{k[0]}, Resources: []string{k[1]}, Verbs: verbs})
	}
	subject := []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: managerUser}}
	Expect(admin.Create(ctx, cr)).To(Succeed())
	Expect(admin.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "minimal"}, Subjects: subject,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "minimal"}})).To(Succeed())
	role := leaderElectionRole()
	Expect(admin.Create(ctx, &role)).To(Succeed())
	Expect(admin.Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "leader-election", Namespace: operatorNS},
		Subjects: subject, RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name}})).To(Succeed())
}

// leaderElectionRole is config/rbac/leader_election_role.yaml, in the lease
// namespace.
func leaderElectionRole() rbacv1.Role {
	raw, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", "leader_election_role.yaml"))
	Expect(err).NotTo(HaveOccurred())
	var role rbacv1.Role
	Expect(yaml.UnmarshalStrict(raw, &role)).To(Succeed())
	role.Namespace = operatorNS
	return role
}

// startManager runs the controllers as main.go wires them, with leader
// election on, as the given user; the returned func stops it (idempotent).
func startManager(c *rest.Config) func() {
	mgr, err := ctrl.NewManager(c, ctrl.Options{
		Scheme:                        scheme,
		Cache:                         controllers.CacheOptions(nil),
		Metrics:                       metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress:        "0",
		LeaderElection:                true,
		LeaderElectionID:              "account-operator.accounts.operator.dev",
		LeaderElectionNamespace:       operatorNS,
		LeaderElectionReleaseOnCancel: true,
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(controllers.Setup(mgr, controllers.Options{
		Kinds:      adapter.Set{ccmadapter.NewKind(), scpadapter.NewKind(), vcadapter.NewKind()},
		Registerer: prometheus.NewRegistry(),
	})).To(Succeed())
	mctx, mcancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(done)
		Expect(mgr.Start(mctx)).To(Succeed())
	}()
	return func() {
		mcancel()
		Eventually(done).Should(BeClosed())
	}
}

func get(a *v1alpha1.Account) *v1alpha1.Account {
	out := &v1alpha1.Account{}
	Expect(admin.Get(ctx, client.ObjectKeyFromObject(a), out)).To(Succeed())
	return out
}

// waitReady waits for Ready=True of the Account's current generation.
func waitReady(a *v1alpha1.Account) {
	Eventually(func(g Gomega) {
		got := get(a)
		c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.ObservedGeneration).To(Equal(got.Generation))
		g.Expect(c.Status).To(Equal(metav1.ConditionTrue), "%s: %s", c.Reason, c.Message)
	}).Should(Succeed())
}

// upstreamURLs are the three sandboxes, by upstream.
type upstreamURLs struct{ ccm, scp, vc string }

const (
	ccmUser, ccmPassword = "operator@example.com", "rbac-ccm-password"
	scpAccess, scpSecret = "rbac-access-key", "rbac-secret-key"
	vcToken              = "rbac-vc-token"
)

func startUpstreams() upstreamURLs {
	serve := func(h http.Handler) string {
		ts := httptest.NewServer(h)
		DeferCleanup(ts.Close)
		return ts.URL
	}
	ccm := ccmsandbox.New(ccmsandbox.Options{Users: []ccmsandbox.User{{Email: ccmUser, Password: ccmPassword}}})
	// The first CCM create fails (503), so a later pass decides again without
	// a status fresh from its own write: the uncached Account read is used.
	ccm.Faults().FailNext("CreateAccount", 1, http.StatusServiceUnavailable, 0)
	return upstreamURLs{
		ccm: serve(ccm.Handler()),
		scp: serve(scpsandbox.New(scpsandbox.Options{Credentials: []scpsandbox.Credential{{AccessKey: scpAccess, SecretKey: scpSecret}}}).Handler()),
		vc:  serve(vcsandbox.New(vcsandbox.Options{AdminTokens: []string{vcToken}}).Handler()),
	}
}
