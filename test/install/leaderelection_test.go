package install

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/util/validation"
)

// leaseName is the manager's --leader-election-id in a rendered chart, ""
// if it has none.
func leaseName(args []string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--leader-election-id="); ok {
			return v
		}
	}
	return ""
}

// renderRelease renders the chart as release name in the test namespace.
func renderRelease(name string, sets ...string) []string {
	GinkgoHelper()
	args := []string{"template", name, chartDir, "--namespace", namespace}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	r := helm(args...)
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
	return managerArgs(splitManifest([]byte(r.stdout)))
}

var _ = Describe("The chart's leader election lease", func() {
	It("is named after the release, so two releases in one namespace do not share it", func() {
		// The release name the docs install with keeps the manager's own
		// default, the lease of earlier chart versions: an upgrade does not
		// leave the old and the new pods each leading under another lease.
		Expect(leaseName(renderRelease("account-operator"))).To(Equal("account-operator.accounts.operator.dev"))
		a := leaseName(renderRelease("team-a", "watchNamespaces={team-a}", "crds.enabled=false"))
		b := leaseName(renderRelease("team-b", "watchNamespaces={team-b}", "crds.enabled=false"))
		Expect(a).To(Equal("team-a-account-operator.accounts.operator.dev"))
		Expect(b).To(Equal("team-b-account-operator.accounts.operator.dev"))
		for _, id := range []string{a, b} {
			Expect(validation.IsDNS1123Subdomain(id)).To(BeEmpty(), id)
		}
	})

	It("takes leaderElection.id, refuses one that is no valid Lease name, and is left out without leader election", func() {
		Expect(leaseName(renderRelease("team-a", "leaderElection.id=accounts-team-a"))).To(Equal("accounts-team-a"))
		r := helmTemplateResult("leaderElection.id=Team_A")
		Expect(r.err).To(HaveOccurred())
		Expect(r.stderr).To(ContainSubstring("/leaderElection/id"))
		Expect(leaseName(renderRelease("account-operator", "leaderElection.enabled=false"))).To(BeEmpty())
	})
})

var _ = Describe("The chart's lease timings", func() {
	It("pass leaderElection.leaseDuration, renewDeadline and retryPeriod to the manager, and refuse what is no duration", func() {
		args := renderRelease("account-operator")
		Expect(strings.Join(args, " ")).NotTo(ContainSubstring("--leader-election-lease-duration"),
			"empty values keep the manager's defaults")
		args = renderRelease("account-operator", "leaderElection.leaseDuration=30s",
			"leaderElection.renewDeadline=20s", "leaderElection.retryPeriod=1500ms")
		Expect(args).To(ContainElements("--leader-election-lease-duration=30s",
			"--leader-election-renew-deadline=20s", "--leader-election-retry-period=1500ms"))
		r := helmTemplateResult("leaderElection.leaseDuration=15 seconds")
		Expect(r.err).To(HaveOccurred())
		Expect(r.stderr).To(ContainSubstring("/leaderElection/leaseDuration"))
	})
})
