package rbac

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// grant is one (API group, resource, verb) of a role.
type grant struct{ group, resource, verb string }

func (g grant) String() string {
	return strings.TrimPrefix(g.group+"/", "/") + g.resource + ":" + g.verb
}

// need is why the controllers need a grant, and whether the sufficiency run
// must see it used (exercised): a grant it cannot see says why in the reason.
type need struct {
	reason    string
	exercised bool
}

const (
	api    = "accounts.operator.dev"
	events = "events.k8s.io"
	// streamed: typed informers of recent client-go may take the initial list
	// as a watch stream (sendInitialEvents); against apiservers without
	// streaming lists they LIST, so the grant stays.
	streamed = "typed informers may stream the initial list as a watch, so the run need not see a LIST"
)

// needed is the minimal ClusterRole: every grant the controllers use, with the
// code that uses it.
var needed = map[grant]need{
	{api, "accounts", "list"}:  {"the manager's informer for Accounts (For) lists first; " + streamed, false},
	{api, "accounts", "watch"}: {"the manager's informer for Accounts", true},
	{api, "accounts", "patch"}: {"patchMeta: the finalizer with the create-pending marker (claim, an optimistic merge patch), " +
		"removing the finalizer (release); unclaim removes the marker after a definitive refusal", true},
	{api, "accounts/status", "patch"}: {
		"patchStatus writes the status subresource with a merge patch", true},
	{api, "accounts/finalizers", "update"}: {"the connection Secret's controller reference sets blockOwnerDeletion; " +
		"the OwnerReferencesPermissionEnforcement admission plugin (on in the sufficiency run) requires it. " +
		"An admission check, not a request, so never seen as one", false},
	{api, "accountproviders", "list"}:  {"the informer behind the AccountProvider controller and the Account watch; " + streamed, false},
	{api, "accountproviders", "watch"}: {"the informer behind the AccountProvider controller and the Account watch", true},
	{api, "accountproviders", "patch"}: {"UsageReconciler adds and removes the in-use finalizer of a provider Accounts refer to", true},
	{api, "accountproviders/status", "update"}: {
		"ProviderReconciler.Reconcile writes Ready with Status().Update", true},
	{api, "clusteraccountproviders", "list"}:  {"the informer behind the ClusterAccountProvider controller and the Account watch; " + streamed, false},
	{api, "clusteraccountproviders", "watch"}: {"the informer behind the ClusterAccountProvider controller and the Account watch", true},
	{api, "clusteraccountproviders", "patch"}: {"UsageReconciler adds and removes the in-use finalizer of a provider Accounts refer to; " +
		"the sufficiency run uses namespaced providers", false},
	{api, "clusteraccountproviders/status", "update"}: {
		"ProviderReconciler.Reconcile writes Ready with Status().Update", true},
	{"", "secrets", "get"}: {"uncached reads (APIReader): provider credentials and CA bundles (Registry.readSecret), " +
		"Secrets an Account refers to (resolver), and a connection Secret the label-filtered cache misses", true},
	{"", "secrets", "list"}: {"the cache of the operator's own connection Secrets (label-filtered) and the " +
		"metadata-only identity cache of referenced Secrets (newRefCache)", true},
	{"", "secrets", "watch"}:  {"the same two caches", true},
	{"", "secrets", "create"}: {"connection.save creates the connection Secret", true},
	{"", "secrets", "update"}: {"connection.save updates the connection Secret when its data changes", true},
	{"", "secrets", "patch"}:  {"secretHolds adds and removes the in-use finalizer of a Secret a provider in use reads", true},
	{"", "configmaps", "get"}: {"resolver.ConfigMapKey reads spec.ccm.customLogo uncached, and a connection " +
		"ConfigMap the label-filtered cache misses", true},
	{"", "configmaps", "list"}: {
		"WatchesMetadata(ConfigMap): a change to a referenced ConfigMap re-queues its Accounts; the cache of " +
			"the operator's own connection ConfigMaps (label-filtered)", true},
	{"", "configmaps", "watch"}:  {"the same two caches", true},
	{"", "configmaps", "create"}: {"publishConfigMap creates the connection ConfigMap (spec.connectionConfigMap)", true},
	{"", "configmaps", "update"}: {"publishConfigMap updates the connection ConfigMap when its content changes", true},
	{"", "namespaces", "list"}:   {"the Namespace informer: ClusterAccountProvider namespaceSelector checks (allowed) and label-change re-queues; " + streamed, false},
	{"", "namespaces", "watch"}:  {"the same informer", true},
	{events, "events", "create"}: {"EventSink records Account events through mgr.GetEventRecorder (events.k8s.io/v1)", true},
	{events, "events", "patch"}: {"the events.k8s.io broadcaster patches an Event's series when the same event repeats; " +
		"repeats are timing-dependent, so the run may not see one", false},
}

// surplus are grants role.yaml has that the controllers do not use, each
// with its evidence. Empty: the markers in controllers/doc.go grant exactly
// the needed set. A grant added without a need must be listed here (and then
// removed), so it cannot slip in unexplained.
var surplus = map[grant]string{}

// readRole parses a ClusterRole manifest.
func readRole(path string) rbacv1.ClusterRole {
	GinkgoHelper()
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	var role rbacv1.ClusterRole
	Expect(yaml.UnmarshalStrict(raw, &role)).To(Succeed())
	Expect(role.Kind).To(Equal("ClusterRole"))
	return role
}

// grants flattens rules into their (group, resource, verb) triples.
func grants(rules []rbacv1.PolicyRule) map[grant]bool {
	out := map[grant]bool{}
	for _, r := range rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					out[grant{g, res, v}] = true
				}
			}
		}
	}
	return out
}

func sortedKeys[V any](m map[grant]V) []string {
	out := make([]string, 0, len(m))
	for g := range m {
		out = append(out, g.String())
	}
	sort.Strings(out)
	return out
}

var _ = Describe("RBAC role.yaml", func() {
	rolePath := filepath.Join("..", "..", "config", "rbac", "role.yaml")

	It("has no wildcard, resource name or non-resource URL in any rule", func() {
		for _, r := range readRole(rolePath).Rules {
			for _, list := range [][]string{r.APIGroups, r.Resources, r.Verbs} {
				for _, s := range list {
					Expect(s).NotTo(ContainSubstring("*"), "%+v", r)
				}
			}
			Expect(r.ResourceNames).To(BeEmpty(), "%+v", r)
			Expect(r.NonResourceURLs).To(BeEmpty(), "%+v", r)
		}
	})

	It("grants exactly the minimal set plus the surplus listed for removal, each with its reason", func() {
		all := map[grant]bool{}
		for g, n := range needed {
			Expect(n.reason).NotTo(BeEmpty(), g.String())
			all[g] = true
		}
		for g, why := range surplus {
			Expect(why).NotTo(BeEmpty(), g.String())
			Expect(needed).NotTo(HaveKey(g), "%s is both needed and surplus", g)
			all[g] = true
		}
		Expect(sortedKeys(grants(readRole(rolePath).Rules))).To(Equal(sortedKeys(all)))
	})

	It("is copied unchanged into the chart", func() {
		want, err := os.ReadFile(rolePath)
		Expect(err).NotTo(HaveOccurred())
		got, err := os.ReadFile(filepath.Join("..", "..", "charts", "account-operator", "files", "role.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(string(want)), "run make manifests")
	})
})
