package controllers_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// deletionProtectionPolicy is the policy's name as both installs name it.
const deletionProtectionPolicy = "account-operator-deletion-protection"

// installDeletionProtection creates the ValidatingAdmissionPolicy and binding
// of config/deletion-protection, named as config/default and the chart name
// them, so the suite's apiserver refuses what a cluster's would.
func installDeletionProtection() {
	data, err := os.ReadFile(filepath.Join("..", "config", "deletion-protection", "policy.yaml"))
	Expect(err).NotTo(HaveOccurred())
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var policy admissionregistrationv1.ValidatingAdmissionPolicy
	var binding admissionregistrationv1.ValidatingAdmissionPolicyBinding
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		Expect(err).NotTo(HaveOccurred())
		if bytes.Contains(doc, []byte("kind: ValidatingAdmissionPolicyBinding")) {
			Expect(yaml.UnmarshalStrict(doc, &binding)).To(Succeed())
		} else {
			Expect(yaml.UnmarshalStrict(doc, &policy)).To(Succeed())
		}
	}
	policy.Name, binding.Name, binding.Spec.PolicyName = deletionProtectionPolicy, deletionProtectionPolicy, deletionProtectionPolicy
	Expect(k8sClient.Create(rootCtx, &policy)).To(Succeed())
	Expect(k8sClient.Create(rootCtx, &binding)).To(Succeed())
}

// deleteProtected creates an Account with spec.deletionProtection true and
// returns the refusal of its delete; then lifts the protection and deletes it.
func deleteProtected(name string) func(ns string) error {
	return func(ns string) error {
		if err := createRaw("Account", name, spec(with(ccmAccountSpec(), "deletionProtection", true)))(ns); err != nil {
			return fmt.Errorf("setup create failed: %w", err)
		}
		u := raw("Account", name, nil)
		u.SetNamespace(ns)
		// The apiserver loads a new policy asynchronously: a server-side
		// dry-run goes through admission without deleting anything.
		Eventually(func() error { return k8sClient.Delete(rootCtx, u.DeepCopy(), client.DryRunAll) }).Should(HaveOccurred())
		refusal := k8sClient.Delete(rootCtx, u.DeepCopy())
		lift := client.RawPatch(types.MergePatchType, []byte(`{"spec":{"deletionProtection":false}}`))
		Expect(k8sClient.Patch(rootCtx, u.DeepCopy(), lift)).To(Succeed())
		Expect(k8sClient.Delete(rootCtx, u.DeepCopy())).To(Succeed())
		return refusal
	}
}
