package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// allOptional are the chart's values that turn on every optional object.
var allOptional = []string{"prometheusRule.enabled=true", "grafanaDashboard.enabled=true",
	"metrics.serviceMonitor.enabled=true", "networkPolicy.enabled=true", "replicaCount=2"}

func convert[T any](u *unstructured.Unstructured) *T {
	GinkgoHelper()
	out := new(T)
	Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out)).To(Succeed())
	return out
}

// managerPodLabels are the labels of the manager's pods.
func managerPodLabels(docs []document) map[string]string {
	GinkgoHelper()
	return toDeployment(ofKind(docs, "Deployment")[0]).Spec.Template.Labels
}

// installMonitoringCRDs installs the cut-down Prometheus Operator CRDs
// (testdata/monitoring-crds.yaml) so ServiceMonitors and PrometheusRules can
// be dry-run.
func installMonitoringCRDs() {
	GinkgoHelper()
	raw, err := os.ReadFile(filepath.Join("testdata", "monitoring-crds.yaml"))
	Expect(err).NotTo(HaveOccurred())
	r := kubectl(raw, "apply", "--server-side", "--field-manager", "install-test-monitoring", "-f", "-")
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
	r = kubectl(raw, "wait", "--for=condition=Established", "--timeout=30s", "-f", "-")
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
}

// kustomizeAllOptional renders a copy of config/ whose config/default has
// every optional part uncommented, as its comments tell a user to do.
func kustomizeAllOptional() []byte {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	Expect(exec.Command("cp", "-r", filepath.Join(repoRoot, "config"), dir).Run()).To(Succeed())
	path := filepath.Join(dir, "config", "default", "kustomization.yaml")
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	text := string(raw)
	for _, line := range []string{"- ../prometheus", "- ../grafana", "- ../network-policy", "components:", "- ../high-availability"} {
		Expect(text).To(ContainSubstring("\n#"+line+"\n"), line)
		text = strings.Replace(text, "\n#"+line+"\n", "\n"+line+"\n", 1)
	}
	Expect(os.WriteFile(path, []byte(text), 0o600)).To(Succeed())
	r := run(nil, nil, kubectlBin, "kustomize", filepath.Join(dir, "config", "default"))
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
	return []byte(r.stdout)
}

var _ = Describe("The PodDisruptionBudget", func() {
	It("is rendered only with more than one replica, and keeps one of the manager's pods", func() {
		Expect(ofKind(splitManifest(helmTemplate()), "PodDisruptionBudget")).To(BeEmpty())
		Expect(ofKind(splitManifest(helmTemplate("replicaCount=2", "podDisruptionBudget.enabled=false")), "PodDisruptionBudget")).To(BeEmpty())
		for _, docs := range [][]document{splitManifest(helmTemplate("replicaCount=2")), splitManifest(kustomizeAllOptional())} {
			pdbs := ofKind(docs, "PodDisruptionBudget")
			Expect(pdbs).To(HaveLen(1))
			pdb := convert[policyv1.PodDisruptionBudget](pdbs[0])
			Expect(pdb.Spec.MinAvailable).To(HaveValue(Equal(intstr.FromInt32(1))))
			Expect(pdb.Spec.MaxUnavailable).To(BeNil())
			Expect(managerPodLabels(docs)).To(Equal(mergeLabels(managerPodLabels(docs), pdb.Spec.Selector.MatchLabels)))
			Expect(*toDeployment(ofKind(docs, "Deployment")[0]).Spec.Replicas).To(BeNumerically(">", 1))
		}
	})

	It("takes maxUnavailable instead when set", func() {
		pdb := convert[policyv1.PodDisruptionBudget](ofKind(splitManifest(helmTemplate("replicaCount=3",
			"podDisruptionBudget.maxUnavailable=1")), "PodDisruptionBudget")[0])
		Expect(pdb.Spec.MaxUnavailable).To(HaveValue(Equal(intstr.FromInt32(1))))
		Expect(pdb.Spec.MinAvailable).To(BeNil())
		pdb = convert[policyv1.PodDisruptionBudget](ofKind(splitManifest(helmTemplate("replicaCount=3",
			"podDisruptionBudget.minAvailable=50%")), "PodDisruptionBudget")[0])
		Expect(pdb.Spec.MinAvailable).To(HaveValue(Equal(intstr.FromString("50%"))))
	})
})

// mergeLabels is a with b's labels set over it: equal to a when a has them all.
func mergeLabels(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// egressPorts are the TCP/UDP ports of each egress rule, and whether it names
// destinations.
func egressPorts(np *networkingv1.NetworkPolicy) []string {
	var out []string
	for _, r := range np.Spec.Egress {
		var ports []string
		for _, p := range r.Ports {
			ports = append(ports, string(*p.Protocol)+"/"+p.Port.String())
		}
		out = append(out, strings.Join(ports, ","))
	}
	return out
}

var _ = Describe("The NetworkPolicy", func() {
	It("admits only the metrics port, and lets out only DNS, the kube-apiserver and HTTPS to the upstreams", func() {
		Expect(ofKind(splitManifest(helmTemplate()), "NetworkPolicy")).To(BeEmpty())
		for _, docs := range [][]document{splitManifest(helmTemplate("networkPolicy.enabled=true")), splitManifest(kustomizeAllOptional())} {
			nps := ofKind(docs, "NetworkPolicy")
			Expect(nps).To(HaveLen(1))
			np := convert[networkingv1.NetworkPolicy](nps[0])
			Expect(mergeLabels(managerPodLabels(docs), np.Spec.PodSelector.MatchLabels)).To(Equal(managerPodLabels(docs)))
			Expect(np.Spec.PolicyTypes).To(ConsistOf(networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress))
			Expect(np.Spec.Ingress).To(HaveLen(1))
			Expect(np.Spec.Ingress[0].Ports).To(HaveLen(1))
			Expect(np.Spec.Ingress[0].Ports[0].Port.String()).To(Equal("metrics"))
			Expect(egressPorts(np)).To(Equal([]string{"UDP/53,TCP/53", "TCP/443,TCP/6443", "TCP/443"}))
			Expect(np.Spec.Egress[2].To).To(ConsistOf(
				HaveField("IPBlock.CIDR", "0.0.0.0/0"), HaveField("IPBlock.CIDR", "::/0")))
		}
	})

	It("admits nothing when the manager serves no metrics", func() {
		np := convert[networkingv1.NetworkPolicy](ofKind(splitManifest(helmTemplate("networkPolicy.enabled=true",
			"metrics.enabled=false")), "NetworkPolicy")[0])
		Expect(np.Spec.PolicyTypes).To(ContainElement(networkingv1.PolicyTypeIngress))
		Expect(np.Spec.Ingress).To(BeEmpty())
	})

	It("narrows sources and destinations to what the chart's values name", func() {
		np := convert[networkingv1.NetworkPolicy](ofKind(splitManifest(helmTemplate("networkPolicy.enabled=true",
			"networkPolicy.ingress.from[0].namespaceSelector.matchLabels.team=monitoring",
			"networkPolicy.egress.apiServer.cidrs={10.96.0.1/32,192.0.2.10/32}", "networkPolicy.egress.apiServer.ports={6443}",
			"networkPolicy.egress.upstreams.cidrs={203.0.113.0/24}", "networkPolicy.egress.upstreams.ports={8443}",
			"networkPolicy.egress.dns.to[0].podSelector.matchLabels.k8s-app=kube-dns",
			"networkPolicy.egress.extra[0].ports[0].port=3128")), "NetworkPolicy")[0])
		Expect(np.Spec.Ingress[0].From).To(ConsistOf(HaveField("NamespaceSelector.MatchLabels", HaveKeyWithValue("team", "monitoring"))))
		Expect(np.Spec.Egress).To(HaveLen(4))
		Expect(np.Spec.Egress[0].To).To(ConsistOf(HaveField("PodSelector.MatchLabels", HaveKeyWithValue("k8s-app", "kube-dns"))))
		Expect(np.Spec.Egress[1].To).To(ConsistOf(HaveField("IPBlock.CIDR", "10.96.0.1/32"), HaveField("IPBlock.CIDR", "192.0.2.10/32")))
		Expect(np.Spec.Egress[1].Ports).To(ConsistOf(HaveField("Port.IntVal", int32(6443))))
		Expect(np.Spec.Egress[2].To).To(ConsistOf(HaveField("IPBlock.CIDR", "203.0.113.0/24")))
		Expect(np.Spec.Egress[2].Ports).To(ConsistOf(HaveField("Port.IntVal", int32(8443))))
		Expect(np.Spec.Egress[3].Ports).To(ConsistOf(HaveField("Port.IntVal", int32(3128))))
	})
})

var _ = Describe("Every optional object", func() {
	It("installs from the chart with no warnings", func() {
		docs := splitManifest(helmTemplate(allOptional...))
		for kind, n := range map[string]int{"PrometheusRule": 1, "ServiceMonitor": 1, "ConfigMap": 1,
			"NetworkPolicy": 1, "PodDisruptionBudget": 1} {
			Expect(ofKind(docs, kind)).To(HaveLen(n), kind)
		}
		installCRDs(docs, "install-test-helm-optional")
		installMonitoringCRDs()
		dryRun(docs, "install-test-helm-optional")
	})

	It("installs from config/default with every optional part added, with no warnings", func() {
		docs := splitManifest(kustomizeAllOptional())
		for kind, n := range map[string]int{"PrometheusRule": 1, "ServiceMonitor": 1, "ConfigMap": 1,
			"NetworkPolicy": 1, "PodDisruptionBudget": 1} {
			Expect(ofKind(docs, kind)).To(HaveLen(n), kind)
		}
		for _, d := range docs {
			if d.obj.GetKind() != "Namespace" && d.obj.GetKind() != "CustomResourceDefinition" &&
				!strings.HasPrefix(d.obj.GetKind(), "Cluster") && !strings.HasPrefix(d.obj.GetKind(), "ValidatingAdmissionPolicy") {
				Expect(d.obj.GetNamespace()).To(Equal(namespace), "%s %s", d.obj.GetKind(), d.obj.GetName())
			}
		}
		installCRDs(docs, "install-test-kustomize-optional")
		installMonitoringCRDs()
		dryRun(docs, "install-test-kustomize-optional")
	})
})
