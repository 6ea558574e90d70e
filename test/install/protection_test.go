package install

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// protectionMessage is what a refused delete says.
const protectionMessage = "spec.deletionProtection is true: set it to false to delete this Account"

// protectedAccount is an Account as a user writes it; no operator runs here,
// so it has no finalizer and a permitted delete removes it at once.
func protectedAccount(ns, name string, protect bool) []byte {
	return []byte(fmt.Sprintf(`apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: %s, namespace: %s}
spec:
  providerRef: {name: charts}
  deletionProtection: %t
  vectorCharts: {username: %s@example.com}
`, name, ns, protect, name))
}

// policyDocs are the deletion protection objects of a manifest.
func policyDocs(docs []document) []document {
	var out []document
	for _, d := range docs {
		if strings.HasPrefix(d.obj.GetKind(), "ValidatingAdmissionPolicy") {
			out = append(out, d)
		}
	}
	return out
}

func accountExists(ns, name string) bool {
	GinkgoHelper()
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("accounts.operator.dev/v1alpha1")
	u.SetKind("Account")
	err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, u)
	if apierrors.IsNotFound(err) {
		return false
	}
	Expect(err).NotTo(HaveOccurred())
	return true
}

var _ = Describe("Deletion protection", func() {
	It("is the same policy in the chart as in config/deletion-protection, and optional in the chart", func() {
		fromKustomize := policyDocs(splitManifest(kustomize("default")))
		fromChart := policyDocs(splitManifest(helmTemplate()))
		Expect(fromKustomize).To(HaveLen(2))
		Expect(fromChart).To(HaveLen(2))
		for i := range fromKustomize {
			k, c := fromKustomize[i].obj, fromChart[i].obj
			Expect(c.GetKind()).To(Equal(k.GetKind()))
			Expect(c.GetName()).To(Equal(k.GetName()), "both installs name it account-operator-deletion-protection")
			Expect(c.Object["spec"]).To(Equal(k.Object["spec"]), k.GetKind())
		}
		Expect(policyDocs(splitManifest(helmTemplate("deletionProtection.enabled=false")))).To(BeEmpty())
	})

	It("refuses every delete of a protected Account, a namespace's included, until it is lifted", func() {
		docs := splitManifest(kustomize("default"))
		installCRDs(docs, "install-test-protection")
		r := kubectl(join(policyDocs(docs)), "apply", "--server-side", "--field-manager", "install-test-protection", "-f", "-")
		Expect(r.err).NotTo(HaveOccurred(), r.stderr)
		Expect(warnings(r.stderr)).To(BeEmpty())
		DeferCleanup(func() { // the other specs apply the installs with other field managers
			r := kubectl(join(policyDocs(docs)), "delete", "-f", "-")
			Expect(r.err).NotTo(HaveOccurred(), r.stderr)
		})

		const ns = "protected"
		Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		for name, protect := range map[string]bool{"kept": true, "free": false} {
			r := kubectl(protectedAccount(ns, name, protect), "apply", "-f", "-")
			Expect(r.err).NotTo(HaveOccurred(), r.stderr)
		}

		By("kubectl delete of the protected Account: refused with the way out")
		// The apiserver loads a new policy asynchronously; a server-side
		// dry-run goes through admission without deleting anything.
		Eventually(func() string { return kubectl(nil, "delete", "account", "kept", "-n", ns, "--dry-run=server").stderr }).
			Should(ContainSubstring(protectionMessage))
		r = kubectl(nil, "delete", "account", "kept", "-n", ns)
		Expect(r.err).To(HaveOccurred())
		Expect(r.stderr).To(ContainSubstring(`Error from server (Forbidden): accounts.accounts.operator.dev "kept" is forbidden: ` +
			`ValidatingAdmissionPolicy 'account-operator-deletion-protection' with binding 'account-operator-deletion-protection' ` +
			`denied request: Account protected/kept: ` + protectionMessage))
		Expect(accountExists(ns, "kept")).To(BeTrue())

		By("deleting the namespace: it goes Terminating, and its controller's DeleteCollection of Accounts is refused")
		// envtest runs no kube-controller-manager: this is the call its
		// namespace controller makes for each resource in the namespace.
		Expect(k8sClient.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		all := &unstructured.Unstructured{}
		all.SetAPIVersion("accounts.operator.dev/v1alpha1")
		all.SetKind("Account")
		err := k8sClient.DeleteAllOf(ctx, all, client.InNamespace(ns))
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(ContainSubstring(protectionMessage))
		Expect(accountExists(ns, "free")).To(BeFalse(), "an unprotected Account in the namespace goes")
		Expect(accountExists(ns, "kept")).To(BeTrue(), "the protected one stays, and with it the namespace")
		nsObj := &corev1.Namespace{}
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: ns}, nsObj)).To(Succeed())
		Expect(nsObj.Status.Phase).To(Equal(corev1.NamespaceTerminating))

		By("lifting the protection, which a Terminating namespace allows: the delete goes through")
		r = kubectl(nil, "patch", "account", "kept", "-n", ns, "--type=merge", "-p", `{"spec":{"deletionProtection":false}}`)
		Expect(r.err).NotTo(HaveOccurred(), r.stderr)
		Expect(k8sClient.DeleteAllOf(ctx, all, client.InNamespace(ns))).To(Succeed())
		Expect(accountExists(ns, "kept")).To(BeFalse())
	})
})
