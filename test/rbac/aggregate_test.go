package rbac

import (
	"path/filepath"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

const aggregateNS = "team-aggregate"

// aggregate does what kube-controller-manager's ClusterRole aggregation
// controller does, which envtest does not run: each built-in role's rules
// become the union of the rules of the ClusterRoles its aggregationRule
// selects. The selectors are the apiserver's own (its bootstrap roles).
func aggregate(names ...string) {
	GinkgoHelper()
	var all rbacv1.ClusterRoleList
	Expect(admin.List(ctx, &all)).To(Succeed())
	for _, name := range names {
		var role rbacv1.ClusterRole
		Expect(admin.Get(ctx, client.ObjectKey{Name: name}, &role)).To(Succeed())
		Expect(role.AggregationRule).NotTo(BeNil(), name)
		var rules []rbacv1.PolicyRule
		for _, sel := range role.AggregationRule.ClusterRoleSelectors {
			s, err := metav1.LabelSelectorAsSelector(&sel)
			Expect(err).NotTo(HaveOccurred())
			for _, other := range all.Items {
				if other.Name == name || !s.Matches(labelSet(other.Labels)) {
					continue
				}
				for _, r := range other.Rules {
					if !slices.ContainsFunc(rules, func(x rbacv1.PolicyRule) bool { return equality.Semantic.DeepEqual(x, r) }) {
						rules = append(rules, r)
					}
				}
			}
		}
		role.Rules = rules
		Expect(admin.Update(ctx, &role)).To(Succeed())
	}
}

type labelSet map[string]string

func (l labelSet) Has(k string) bool   { _, ok := l[k]; return ok }
func (l labelSet) Get(k string) string { return l[k] }
func (l labelSet) Lookup(k string) (string, bool) {
	v, ok := l[k]
	return v, ok
}

// allowed asks the apiserver whether user may do verb on resource (group
// accounts.operator.dev unless it is one of the core kinds) in aggregateNS.
func allowed(user, verb, group, resource, subresource string) bool {
	GinkgoHelper()
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: user,
		ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: aggregateNS, Verb: verb, Group: group,
			Resource: resource, Subresource: subresource}}}
	Expect(admin.Create(ctx, sar)).To(Succeed())
	return sar.Status.Allowed
}

// as is a client that acts as user.
func as(user string) client.Client {
	GinkgoHelper()
	c := rest.CopyConfig(cfg)
	c.Impersonate = rest.ImpersonationConfig{UserName: user}
	cl, err := client.New(c, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	return cl
}

var _ = Describe("The ClusterRoles aggregated into view, edit and admin", Ordered, func() {
	rbacDir := filepath.Join("..", "..", "config", "rbac")

	BeforeAll(func() {
		for _, f := range []string{"tenant_view_role.yaml", "tenant_edit_role.yaml"} {
			role := readRole(filepath.Join(rbacDir, f))
			role.Name = "account-operator-" + role.Name
			Expect(admin.Create(ctx, &role)).To(Succeed())
		}
		aggregate("view", "edit", "admin")
		Expect(admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: aggregateNS}})).To(Succeed())
		for user, role := range map[string]string{"viewer": "view", "editor": "edit", "owner": "admin"} {
			Expect(admin.Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: aggregateNS, Name: user},
				RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
				Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}}})).To(Succeed())
		}
	})

	It("let a user bound to edit or admin in a namespace manage its Accounts and AccountProviders", func() {
		for _, user := range []string{"editor", "owner"} {
			for _, resource := range []string{"accounts", "accountproviders"} {
				for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"} {
					Expect(allowed(user, verb, api, resource, "")).To(BeTrue(), "%s %s %s", user, verb, resource)
				}
				Expect(allowed(user, "update", api, resource, "status")).To(BeFalse(), "%s: status is the operator's", user)
			}
		}
		a := account("edited", v1alpha1.AccountProviderKind, func(s *v1alpha1.AccountSpec) {
			s.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: "edited@team-a.example.com"}
		})
		a.Namespace = aggregateNS
		Expect(as("editor").Create(ctx, a)).To(Succeed())
		Expect(as("editor").Delete(ctx, a)).To(Succeed())
	})

	It("let a user bound to view read Accounts and AccountProviders, and change nothing", func() {
		for _, resource := range []string{"accounts", "accountproviders"} {
			for _, verb := range []string{"get", "list", "watch"} {
				Expect(allowed("viewer", verb, api, resource, "")).To(BeTrue(), "%s %s", verb, resource)
			}
			for _, verb := range []string{"create", "update", "patch", "delete"} {
				Expect(allowed("viewer", verb, api, resource, "")).To(BeFalse(), "%s %s", verb, resource)
			}
		}
		var list v1alpha1.AccountList
		Expect(as("viewer").List(ctx, &list, client.InNamespace(aggregateNS))).To(Succeed())
	})

	It("grant no one Secrets through view, nor ClusterAccountProviders through any namespace binding", func() {
		for _, verb := range []string{"get", "list", "watch"} {
			Expect(allowed("viewer", verb, "", "secrets", "")).To(BeFalse(), verb)
		}
		err := as("viewer").Get(ctx, client.ObjectKey{Namespace: aggregateNS, Name: "any"}, &corev1.Secret{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		for _, user := range []string{"viewer", "editor", "owner"} {
			err := as(user).List(ctx, &v1alpha1.ClusterAccountProviderList{})
			Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%s: %v", user, err)
		}
	})

	It("grant nothing beyond Accounts and AccountProviders of the operator's group", func() {
		for _, f := range []string{"tenant_view_role.yaml", "tenant_edit_role.yaml"} {
			for g := range grants(readRole(filepath.Join(rbacDir, f)).Rules) {
				Expect(g.group).To(Equal(api), f)
				Expect(g.resource).To(BeElementOf("accounts", "accounts/status", "accountproviders", "accountproviders/status"), f)
				if g.resource != "accounts" && g.resource != "accountproviders" {
					Expect(g.verb).To(BeElementOf("get", "list", "watch"), "%s: %s", f, g)
				}
			}
		}
	})
})
