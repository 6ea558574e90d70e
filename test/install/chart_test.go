package install

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const keepAnnotation = "helm.sh/resource-policy"

// managerArgs are the manager container's arguments in a rendered manifest.
func managerArgs(docs []document) []string {
	GinkgoHelper()
	deploys := ofKind(docs, "Deployment")
	Expect(deploys).To(HaveLen(1))
	return toDeployment(deploys[0]).Spec.Template.Spec.Containers[0].Args
}

var _ = Describe("The chart", func() {
	It("passes helm lint --strict", func() {
		for _, sets := range [][]string{nil, {"metrics.serviceMonitor.enabled=true", "crds.enabled=false", "watchNamespaces={a}"},
			{"metrics.secure=false", "metrics.serviceMonitor.enabled=true"}, {"metrics.certSecretName=metrics-cert"}, allOptional} {
			args := []string{"lint", "--strict", chartDir}
			for _, s := range sets {
				args = append(args, "--set", s)
			}
			r := helm(args...)
			Expect(r.err).NotTo(HaveOccurred(), r.stdout+r.stderr)
		}
	})

	It("installs the CRDs, kept on uninstall, by default", func() {
		crds := ofKind(splitManifest(helmTemplate()), "CustomResourceDefinition")
		Expect(crds).To(HaveLen(3))
		for _, c := range crds {
			Expect(c.GetAnnotations()).To(HaveKeyWithValue(keepAnnotation, "keep"), c.GetName())
		}
	})

	It("lets helm uninstall delete the CRDs with crds.keep=false", func() {
		crds := ofKind(splitManifest(helmTemplate("crds.keep=false")), "CustomResourceDefinition")
		Expect(crds).To(HaveLen(3))
		for _, c := range crds {
			Expect(c.GetAnnotations()).NotTo(HaveKey(keepAnnotation), c.GetName())
		}
	})

	It("renders no CRD with crds.enabled=false", func() {
		docs := splitManifest(helmTemplate("crds.enabled=false"))
		Expect(ofKind(docs, "CustomResourceDefinition")).To(BeEmpty())
		Expect(ofKind(docs, "Deployment")).To(HaveLen(1))
	})

	It("renders a ServiceMonitor for the metrics Service only when asked", func() {
		Expect(ofKind(splitManifest(helmTemplate()), "ServiceMonitor")).To(BeEmpty())
		docs := splitManifest(helmTemplate("metrics.serviceMonitor.enabled=true", "metrics.serviceMonitor.interval=30s"))
		monitors := ofKind(docs, "ServiceMonitor")
		Expect(monitors).To(HaveLen(1))
		Expect(monitors[0].GetNamespace()).To(Equal(namespace))
		expectMonitorSelects(monitors[0], ofKind(docs, "Service"))
		endpoints, _, _ := unstructured.NestedSlice(monitors[0].Object, "spec", "endpoints")
		Expect(endpoints).To(ConsistOf(HaveKeyWithValue("interval", "30s")))
		expectSecureScrape(monitors[0])
	})

	It("serves metrics over plain HTTP, with no metrics roles, with metrics.secure=false", func() {
		docs := splitManifest(helmTemplate("metrics.secure=false", "metrics.serviceMonitor.enabled=true"))
		Expect(managerArgs(docs)).To(ContainElement("--metrics-secure=false"))
		endpoints, _, _ := unstructured.NestedSlice(ofKind(docs, "ServiceMonitor")[0].Object, "spec", "endpoints")
		Expect(endpoints).To(ConsistOf(SatisfyAll(HaveKeyWithValue("scheme", "http"), Not(HaveKey("bearerTokenFile")))))
		Expect(ofKind(docs, "ClusterRole")).To(HaveLen(3)) // the manager's, view and edit
	})

	It("aggregates Account access into the built-in view, edit and admin roles unless told not to", func() {
		roles := map[string]*unstructured.Unstructured{}
		for _, r := range ofKind(splitManifest(helmTemplate()), "ClusterRole") {
			roles[r.GetName()] = r
		}
		const aggregate = "rbac.authorization.k8s.io/aggregate-to-"
		Expect(roles).To(HaveKey("account-operator-view"))
		Expect(roles["account-operator-view"].GetLabels()).To(SatisfyAll(HaveKeyWithValue(aggregate+"view", "true"),
			HaveKeyWithValue(aggregate+"edit", "true"), HaveKeyWithValue(aggregate+"admin", "true")))
		Expect(roles).To(HaveKey("account-operator-edit"))
		Expect(roles["account-operator-edit"].GetLabels()).To(SatisfyAll(Not(HaveKey(aggregate+"view")),
			HaveKeyWithValue(aggregate+"edit", "true"), HaveKeyWithValue(aggregate+"admin", "true")))
		// The same rules and aggregation labels as config/rbac's (test/rbac checks what they grant).
		compared := 0
		for _, k := range ofKind(splitManifest(kustomize("default")), "ClusterRole") {
			name := k.GetName()
			if !strings.HasSuffix(name, "-view") && !strings.HasSuffix(name, "-edit") {
				continue
			}
			compared++
			Expect(roles).To(HaveKey(name))
			Expect(roles[name].Object["rules"]).To(Equal(k.Object["rules"]), name)
			for key, v := range k.GetLabels() {
				if strings.HasPrefix(key, aggregate) {
					Expect(roles[name].GetLabels()).To(HaveKeyWithValue(key, v), name)
				}
			}
		}
		Expect(compared).To(Equal(2))
		Expect(ofKind(splitManifest(helmTemplate("rbac.aggregateToDefaultRoles=false")), "ClusterRole")).To(HaveLen(3))
	})

	It("serves metrics with the certificate of metrics.certSecretName", func() {
		docs := splitManifest(helmTemplate("metrics.certSecretName=metrics-cert"))
		pod := toDeployment(ofKind(docs, "Deployment")[0]).Spec.Template.Spec
		Expect(pod.Volumes).To(HaveLen(1))
		Expect(pod.Volumes[0].Secret.SecretName).To(Equal("metrics-cert"))
		mounts := pod.Containers[0].VolumeMounts
		Expect(mounts).To(HaveLen(1))
		Expect(mounts[0].ReadOnly).To(BeTrue())
		Expect(mounts[0].Name).To(Equal(pod.Volumes[0].Name))
		Expect(pod.Containers[0].Args).To(ContainElement("--metrics-cert-path=" + mounts[0].MountPath))
	})

	It("passes watchNamespaces and extraArgs to the manager", func() {
		args := managerArgs(splitManifest(helmTemplate("watchNamespaces={team-a,team-b}",
			"extraArgs={--max-concurrent-reconciles=20,--zap-log-level=debug}")))
		Expect(args).To(ContainElements("--watch-namespaces=team-a,team-b",
			"--max-concurrent-reconciles=20", "--zap-log-level=debug"))
		Expect(managerArgs(splitManifest(helmTemplate()))).NotTo(ContainElement(HavePrefix("--watch-namespaces")))
	})

	It("refuses values that would break the manager", func() {
		for set, msg := range map[string]string{
			"terminationGracePeriodSeconds=10":              "terminationGracePeriodSeconds must be at least",
			"replicaCount=2,leaderElection.enabled=false":   "needs leaderElection.enabled",
			"crds.enable=false":                             "'enable' not allowed", // a typo: the schema allows no unknown key
			"image.pullPolicy=Sometimes":                    "pullPolicy",
			"metrics.secure=false,metrics.certSecretName=c": "metrics.certSecretName needs metrics.secure",
		} {
			r := helmTemplateResult(set)
			Expect(r.err).To(HaveOccurred(), set)
			Expect(r.stderr).To(ContainSubstring(msg), set)
		}
	})
})
