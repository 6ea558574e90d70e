package crd

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// readObjects decodes every document of a multi-document YAML file.
func readObjects(path string) []*unstructured.Unstructured {
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			return out
		}
		Expect(err).NotTo(HaveOccurred(), path)
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
}

var _ = Describe("Samples", func() {
	files, _ := filepath.Glob(filepath.Join("..", "..", "config", "samples", "accounts_*.yaml"))

	It("finds a sample for each upstream", func() {
		Expect(files).To(HaveLen(3))
	})

	for _, f := range files {
		It("accepts "+filepath.Base(f), func() {
			objs := readObjects(f)
			Expect(objs).NotTo(BeEmpty())
			for _, o := range objs {
				Expect(k8sClient.Create(ctx, o, client.FieldValidation("Strict"))).
					To(Succeed(), "%s %s", o.GetKind(), o.GetName())
			}
		})
	}

	It("applies the documented defaults", func() {
		var a v1alpha1.Account
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "team-a-scp"}, &a)).To(Succeed())
		Expect(a.Spec.DeletionPolicy).To(Equal(v1alpha1.DeletionDelete))
		var p v1alpha1.ClusterAccountProvider
		Expect(k8sClient.Get(ctx, client.ObjectKey{Name: "scp"}, &p)).To(Succeed())
		Expect(p.Spec.PollInterval).To(BeNil(), "unset: the manager's --default-poll-interval applies")

		c := validCCMAccount("defaults")
		c.Spec.ProviderRef.Kind = ""
		c.Spec.CCM.Component = ""
		Expect(k8sClient.Create(ctx, c)).To(Succeed())
		Expect(c.Spec.ProviderRef.Kind).To(Equal(v1alpha1.ClusterAccountProviderKind))
		Expect(c.Spec.CCM.Component).To(Equal(v1alpha1.CCMComponent("DEFAULT")))
	})
})
