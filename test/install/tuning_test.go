package install

import (
	"fmt"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/account-operator/account-operator/controllers"
	scpadapter "github.com/account-operator/account-operator/internal/adapter/scp"
)

var _ = Describe("The chart's tuning values", func() {
	It("default to the manager's own defaults, and pass changes on", func() {
		Expect(managerArgs(splitManifest(helmTemplate()))).To(ContainElements(
			fmt.Sprintf("--max-concurrent-reconciles=%d", controllers.DefaultMaxConcurrentReconciles),
			"--kube-api-qps="+strconv.Itoa(controllers.DefaultKubeAPIQPS),
			fmt.Sprintf("--kube-api-burst=%d", controllers.DefaultKubeAPIBurst),
			"--default-poll-interval="+shortDuration(controllers.DefaultPollInterval.String()),
			"--upstream-timeout="+shortDuration(controllers.DefaultUpstreamTimeout.String()),
			"--reconcile-timeout="+shortDuration(controllers.DefaultReconcileTimeout.String()),
			"--scp-provisioning-grace="+shortDuration(scpadapter.DefaultProvisioningGrace.String()),
		))
		Expect(managerArgs(splitManifest(helmTemplate("tuning.maxConcurrentReconciles=8",
			"tuning.defaultPollInterval=30m", "tuning.reconcileTimeout=10m")))).To(ContainElements(
			"--max-concurrent-reconciles=8", "--default-poll-interval=30m", "--reconcile-timeout=10m"))
	})

	It("refuses a malformed duration or a zero worker count", func() {
		for _, set := range []string{"tuning.defaultPollInterval=ten minutes", "tuning.reconcileTimeout=5",
			"tuning.maxConcurrentReconciles=0"} {
			Expect(helmTemplateResult(set).err).To(HaveOccurred(), set)
		}
	})
})

// shortDuration drops the zero units Go prints ("10m0s" → "10m", "30s" stays).
func shortDuration(s string) string {
	for _, suffix := range []string{"m0s", "h0m"} {
		if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
			return s[:len(s)-len(suffix)+1]
		}
	}
	return s
}
