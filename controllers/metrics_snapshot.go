package controllers

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of observe by list and of the providers' inventories.
var (
	descObserveByList = prometheus.NewDesc("account_operator_provider_observe_by_list",
		"1 while a provider's steady-state polls read its snapshot of the upstream's listing, 0 while they read "+
			"each account (the listing has more pages than Accounts read it).",
		[]string{"kind", "namespace", "name"}, nil)
	descListPages = prometheus.NewDesc("account_operator_provider_list_pages",
		"Pages of a provider's last listing of its upstream's accounts.", []string{"kind", "namespace", "name"}, nil)
	descListReaders = prometheus.NewDesc("account_operator_provider_list_readers",
		"Accounts that asked a provider's snapshot for their entry since its last listing.",
		[]string{"kind", "namespace", "name"}, nil)
	descLists = prometheus.NewDesc("account_operator_provider_lists_total",
		"Listings of a provider's upstream accounts, by result (ok, failed).",
		[]string{"kind", "namespace", "name", "result"}, nil)
)

// snapshotCollector reports the registry's snapshots at scrape time.
type snapshotCollector struct{ reg *Registry }

// Describe implements prometheus.Collector.
func (c snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descObserveByList, descListPages, descListReaders, descLists} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	for k, s := range c.reg.snapshots() {
		st := s.Stats()
		labels := []string{string(k.kind), k.Namespace, k.Name}
		listing := 0.0
		if st.Listing {
			listing = 1
		}
		ch <- prometheus.MustNewConstMetric(descObserveByList, prometheus.GaugeValue, listing, labels...)
		ch <- prometheus.MustNewConstMetric(descListPages, prometheus.GaugeValue, float64(st.Pages), labels...)
		ch <- prometheus.MustNewConstMetric(descListReaders, prometheus.GaugeValue, float64(st.Readers), labels...)
		ch <- prometheus.MustNewConstMetric(descLists, prometheus.CounterValue, float64(st.Lists), append(labels, "ok")...)
		ch <- prometheus.MustNewConstMetric(descLists, prometheus.CounterValue, float64(st.Failures), append(labels, "failed")...)
	}
}

// observeLookup counts a steady-state poll's lookup in its provider's
// snapshot: listed, or not (the account is then read).
func (m *Metrics) observeLookup(upstream string, listed bool) {
	if m == nil {
		return
	}
	m.lookups.WithLabelValues(upstream, strconv.FormatBool(listed)).Inc()
}

// observeInventory records a provider's inventory.
func (m *Metrics) observeInventory(k registryKey, managed, unmanaged int32) {
	if m == nil {
		return
	}
	m.inventory.WithLabelValues(string(k.kind), k.Namespace, k.Name, "true").Set(float64(managed))
	m.inventory.WithLabelValues(string(k.kind), k.Namespace, k.Name, "false").Set(float64(unmanaged))
}

// observeProvider records a provider's Ready condition: one series, whose
// reason label follows the condition's.
func (m *Metrics) observeProvider(k registryKey, ready bool, reason string) {
	if m == nil {
		return
	}
	m.providers.DeletePartialMatch(providerLabels(k))
	value := 0.0
	if ready {
		value = 1
	}
	m.providers.WithLabelValues(string(k.kind), k.Namespace, k.Name, reason).Set(value)
}

// forgetProvider drops a deleted provider's series.
func (m *Metrics) forgetProvider(k registryKey) {
	if m == nil {
		return
	}
	m.inventory.DeletePartialMatch(providerLabels(k))
	m.providers.DeletePartialMatch(providerLabels(k))
}

func providerLabels(k registryKey) prometheus.Labels {
	return prometheus.Labels{"kind": string(k.kind), "namespace": k.Namespace, "name": k.Name}
}
