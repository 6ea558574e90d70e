package install

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// A Deployment with no security settings at all: the restricted standard
// rejects its pods.
const unsafeDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: unsafe, namespace: account-operator}
spec:
  selector: {matchLabels: {app: unsafe}}
  template:
    metadata: {labels: {app: unsafe}}
    spec:
      containers: [{name: c, image: busybox}]
`

// installCRDs applies a manifest's CRDs for real and waits until they are
// served, as kubectl users and helm (CRDs first) do: a dry-run creates
// nothing, and whatever depends on the CRDs needs them established.
func installCRDs(docs []document, manager string) {
	GinkgoHelper()
	var crds []document
	for _, d := range docs {
		if d.obj.GetKind() == "CustomResourceDefinition" {
			crds = append(crds, d)
		}
	}
	Expect(crds).To(HaveLen(3), "Account, AccountProvider, ClusterAccountProvider")
	r := kubectl(join(crds), "apply", "--server-side", "--field-manager", manager, "-f", "-")
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
	Expect(warnings(r.stderr)).To(BeEmpty())
	r = kubectl(join(crds), "wait", "--for=condition=Established", "--timeout=30s", "-f", "-")
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
}

// expectInstallKinds checks what both installs create besides the CRDs: the
// manager's ClusterRole, the metrics endpoint's auth ClusterRole and the
// scrapers' metrics-reader, each role with its binding but metrics-reader
// (scrapers bind it themselves), the view and edit ClusterRoles aggregated
// into the built-in ones (bound by those), and the deletion protection
// policy with its binding.
func expectInstallKinds(docs []document) {
	GinkgoHelper()
	for kind, n := range map[string]int{"ServiceAccount": 1, "ClusterRole": 5, "ClusterRoleBinding": 2,
		"Role": 1, "RoleBinding": 1, "Deployment": 1, "Service": 1,
		"ValidatingAdmissionPolicy": 1, "ValidatingAdmissionPolicyBinding": 1} {
		Expect(ofKind(docs, kind)).To(HaveLen(n), kind)
	}
}

// dryRun applies the whole manifest with a server-side dry-run: every object
// passes admission (schema, Pod Security, RBAC escalation checks) and none
// draws a warning.
func dryRun(docs []document, manager string) {
	GinkgoHelper()
	r := kubectl(join(docs), "apply", "--server-side", "--dry-run=server", "--field-manager", manager, "-f", "-")
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
	Expect(warnings(r.stderr)).To(BeEmpty(), r.stderr)
	Expect(strings.Count(r.stdout, "(server dry run)")).To(Equal(len(docs)), r.stdout)
}

var _ = Describe("The restricted namespace", func() {
	It("warns about a Deployment that breaks the restricted standard", func() {
		// Without this, a namespace that checks nothing would pass every spec below.
		r := kubectl([]byte(unsafeDeployment), "apply", "--server-side", "--dry-run=server", "-f", "-")
		Expect(r.err).NotTo(HaveOccurred(), r.stderr)
		Expect(warnings(r.stderr)).To(ContainElement(ContainSubstring("would violate PodSecurity")))
	})
})

var _ = Describe("kubectl apply -k config/default", func() {
	It("installs everything with no warnings", func() {
		docs := splitManifest(kustomize("default"))
		Expect(ofKind(docs, "Namespace")).To(HaveLen(1))
		Expect(ofKind(docs, "Namespace")[0].GetName()).To(Equal(namespace))
		expectInstallKinds(docs)
		installCRDs(docs, "install-test-kustomize")
		dryRun(docs, "install-test-kustomize")
	})
})

var _ = Describe("helm install", func() {
	It("installs everything with no warnings", func() {
		docs := splitManifest(helmTemplate())
		expectInstallKinds(docs)
		for _, d := range docs {
			if d.obj.GetKind() != "CustomResourceDefinition" && !strings.HasPrefix(d.obj.GetKind(), "Cluster") &&
				!strings.HasPrefix(d.obj.GetKind(), "ValidatingAdmissionPolicy") {
				Expect(d.obj.GetNamespace()).To(Equal(namespace), "%s %s", d.obj.GetKind(), d.obj.GetName())
			}
		}
		installCRDs(docs, "install-test-helm")
		dryRun(docs, "install-test-helm")
	})

	It("installs with every optional flag set, with no warnings", func() {
		docs := splitManifest(helmTemplate("watchNamespaces={team-a,team-b}",
			"extraArgs={--max-concurrent-reconciles=20}", "replicaCount=2", "crds.enabled=false",
			"metrics.certSecretName=metrics-cert"))
		Expect(ofKind(docs, "CustomResourceDefinition")).To(BeEmpty())
		dryRun(docs, "install-test-helm-options")
	})
})
