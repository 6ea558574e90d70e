package crd

import (
	"os"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// kubectl runs the toolchain's kubectl as an admin of the test control plane.
func kubectl(args ...string) (string, error) {
	user, err := testEnv.AddUser(envtest.User{Name: "explain-admin", Groups: []string{"system:masters"}}, nil)
	Expect(err).NotTo(HaveOccurred())
	kubeconfig, err := user.KubeConfig()
	Expect(err).NotTo(HaveOccurred())
	path := filepath.Join(GinkgoT().TempDir(), "kubeconfig")
	Expect(os.WriteFile(path, kubeconfig, 0o600)).To(Succeed())
	bin := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	out, err := exec.CommandContext(ctx, bin, append([]string{"--kubeconfig", path}, args...)...).CombinedOutput()
	return string(out), err
}

var _ = Describe("kubectl explain", func() {
	It("documents account.spec.ccm.authConfigs from the schema", func() {
		// The API server publishes a new CRD's OpenAPI schema asynchronously
		// after the CRD is Established; explain fails ("couldn't find resource")
		// until it has, so the first call waits for it (seen once in CI).
		var out string
		Eventually(func(g Gomega) {
			var err error
			out, err = kubectl("explain", "account.spec.ccm.authConfigs")
			g.Expect(err).NotTo(HaveOccurred(), out)
		}).WithTimeout(30 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
		Expect(out).To(ContainSubstring("GROUP:      accounts.operator.dev"))
		Expect(out).To(ContainSubstring("exactly one of password, oauth or clusterAuthRef"))
		Expect(out).To(MatchRegexp(`oauth\s+<Object>`))

		out, err := kubectl("explain", "account.spec.ccm.authConfigs.oauth.clientSecretRef")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("(`client_secret`)"))
		Expect(out).To(MatchRegexp(`key\s+<string> -required-`))
	})

	It("lists the three kinds under the account-operator category", func() {
		Expect(k8sClient.Create(ctx, validAccountProvider(uniqueName("cat")))).To(Succeed())
		Expect(k8sClient.Create(ctx, validClusterProvider(uniqueName("cat")))).To(Succeed())
		Expect(k8sClient.Create(ctx, validVCAccount(uniqueName("cat")))).To(Succeed())
		out, err := kubectl("get", "account-operator", "-A")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("account.accounts.operator.dev/"))
		Expect(out).To(ContainSubstring("clusteraccountprovider.accounts.operator.dev/"))
		Expect(out).To(ContainSubstring("accountprovider.accounts.operator.dev/"))
	})

	It("prints the Account columns", func() {
		out, err := kubectl("get", "accounts", "-n", "team-a")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(MatchRegexp(`NAME\s+PROVIDER\s+ACCOUNT-ID\s+STATE\s+READY\s+AGE`))
	})
})
