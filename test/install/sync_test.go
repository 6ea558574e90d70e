package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The chart carries copies of what `make manifests` generates; these specs
// fail when a copy is stale, so the chart never installs an older API or
// fewer permissions than config/ does.

const refreshHint = "stale copy in the chart: run `make manifests`, which copies " +
	"config/crd/bases/*.yaml to charts/account-operator/files/crds/ and " +
	"config/rbac/role.yaml to charts/account-operator/files/role.yaml"

// readManifest decodes a file of config/ or of the chart.
func readManifest(path string) []document {
	GinkgoHelper()
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return splitManifest(data)
}

// canonical is an object as sorted JSON, for a readable comparison.
func canonical(u *unstructured.Unstructured) string {
	GinkgoHelper()
	data, err := json.MarshalIndent(u.Object, "", " ")
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

// rules are the rules of the one object of a kind in a manifest whose name
// ends in suffix.
func rules(docs []document, kind, suffix string) string {
	GinkgoHelper()
	var objs []*unstructured.Unstructured
	for _, o := range ofKind(docs, kind) {
		if strings.HasSuffix(o.GetName(), suffix) {
			objs = append(objs, o)
		}
	}
	Expect(objs).To(HaveLen(1), kind+" *"+suffix)
	r, found, err := unstructured.NestedSlice(objs[0].Object, "rules")
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue())
	data, err := json.MarshalIndent(r, "", " ")
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

var _ = Describe("The chart, next to config/", func() {
	bases := filepath.Join(repoRoot, "config", "crd", "bases")

	It("holds an exact copy of config/crd/bases", func() {
		want, err := filepath.Glob(filepath.Join(bases, "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		got, err := filepath.Glob(filepath.Join(chartDir, "files", "crds", "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(names(got)).To(Equal(names(want)), refreshHint)
		for _, f := range want {
			Expect(readFile(filepath.Join(chartDir, "files", "crds", filepath.Base(f)))).
				To(Equal(readFile(f)), refreshHint)
		}
	})

	It("renders the CRDs of config/crd/bases, adding only labels and the keep annotation", func() {
		rendered := map[string]*unstructured.Unstructured{}
		for _, c := range ofKind(splitManifest(helmTemplate()), "CustomResourceDefinition") {
			c.SetLabels(nil)
			anns := c.GetAnnotations()
			delete(anns, keepAnnotation)
			c.SetAnnotations(anns)
			rendered[c.GetName()] = c
		}
		files, _ := filepath.Glob(filepath.Join(bases, "*.yaml"))
		Expect(rendered).To(HaveLen(len(files)))
		for _, f := range files {
			want := readManifest(f)[0].obj
			Expect(rendered).To(HaveKey(want.GetName()))
			Expect(canonical(rendered[want.GetName()])).To(Equal(canonical(want)), refreshHint)
		}
	})

	It("grants the manager the rules of config/rbac/role.yaml", func() {
		want := rules(readManifest(filepath.Join(repoRoot, "config", "rbac", "role.yaml")), "ClusterRole", "")
		Expect(rules(splitManifest(helmTemplate()), "ClusterRole", "-manager")).To(Equal(want), refreshHint)
	})

	It("grants leader election the rules of config/rbac/leader_election_role.yaml", func() {
		want := rules(readManifest(filepath.Join(repoRoot, "config", "rbac", "leader_election_role.yaml")), "Role", "")
		Expect(rules(splitManifest(helmTemplate()), "Role", "")).To(Equal(want))
	})

	It("grants the metrics endpoint and its scrapers the rules of config/rbac", func() {
		for file, suffix := range map[string]string{"metrics_auth_role.yaml": "-metrics-auth", "metrics_reader_role.yaml": "-metrics-reader"} {
			want := rules(readManifest(filepath.Join(repoRoot, "config", "rbac", file)), "ClusterRole", "")
			Expect(rules(splitManifest(helmTemplate()), "ClusterRole", suffix)).To(Equal(want), file)
		}
	})
})

func readFile(path string) string {
	GinkgoHelper()
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

// names are the base names of paths.
func names(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}
