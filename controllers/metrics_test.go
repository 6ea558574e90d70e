package controllers_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
)

// metricValue sums the samples of a metric family whose labels include want.
func metricValue(name string, want map[string]string) float64 {
	families, err := registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	total := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if hasLabels(m, want) {
				total += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return total
}

// metricSeries counts the series of metric name with the wanted labels.
func metricSeries(name string, want map[string]string) float64 {
	families, err := registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	n := 0.0
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if f.GetName() == name && hasLabels(m, want) {
				n++
			}
		}
	}
	return n
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

var _ = Describe("Metrics", func() {
	It("counts Ready Accounts by upstream and upstream requests by upstream and code", func() {
		ns := newNamespace(nil)
		for _, name := range []string{"ccm", "scp", "vectorCharts"} {
			namespacedProvider(upstreams[name], ns)
			a := newAccount(upstreams[name], ns, "metrics-"+map[string]string{
				"ccm": "ccm", "scp": "scp", "vectorCharts": "vc"}[name])
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			waitReady(a)
			Eventually(func() float64 {
				return metricValue("account_operator_accounts", map[string]string{"upstream": name, "ready": "True"})
			}).Should(BeNumerically(">=", 1), name)
			Expect(metricValue("account_operator_upstream_requests_total",
				map[string]string{"upstream": name, "operation": "CreateAccount"})).To(BeNumerically(">=", 1), name)
		}
	})
})
