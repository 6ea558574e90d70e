package rbac

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
)

// metricsAuthNeeded is config/rbac/metrics_auth_role.yaml: what the manager's
// metrics endpoint (filters.WithAuthenticationAndAuthorization, on with
// --metrics-secure) asks the kube-apiserver for each scrape. test/metrics runs
// the endpoint with exactly these grants.
var metricsAuthNeeded = map[grant]string{
	{"authentication.k8s.io", "tokenreviews", "create"}: "the filter authenticates a scrape's bearer token with a TokenReview",
	{"authorization.k8s.io", "subjectaccessreviews", "create"}: "the filter asks with a SubjectAccessReview whether the token's " +
		"identity may GET the non-resource URL /metrics",
}

var _ = Describe("RBAC for the metrics endpoint", func() {
	rbacDir := filepath.Join("..", "..", "config", "rbac")

	It("lets the manager review tokens and access, and nothing else", func() {
		role := readRole(filepath.Join(rbacDir, "metrics_auth_role.yaml"))
		for g, why := range metricsAuthNeeded {
			Expect(why).NotTo(BeEmpty(), g.String())
		}
		for _, r := range role.Rules {
			Expect(r.ResourceNames).To(BeEmpty(), "%+v", r)
			Expect(r.NonResourceURLs).To(BeEmpty(), "%+v", r)
		}
		Expect(sortedKeys(grants(role.Rules))).To(Equal(sortedKeys(metricsAuthNeeded)))
	})

	It("lets a scraper bound to metrics-reader GET /metrics, and nothing else", func() {
		role := readRole(filepath.Join(rbacDir, "metrics_reader_role.yaml"))
		Expect(role.Rules).To(Equal([]rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}))
	})
})
