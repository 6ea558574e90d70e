package controllers

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/client-go/util/workqueue"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/internal/fairshare"
)

// namespaceFairQueue is the Account controller's work queue: the ready
// Accounts of each namespace take turns for the workers (fairshare.Queue), so
// one namespace that applies a thousand Accounts does not make another
// namespace's one wait behind them all.
func namespaceFairQueue(name string, rl workqueue.TypedRateLimiter[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
	return fairshare.NewQueue(name, rl, func(r reconcile.Request) string { return r.Namespace },
		fairshare.Options{Retries: workqueueRetries(name)})
}

// workqueueRetries is controller-runtime's workqueue_retries_total of the
// named queue. client-go's queues count it through the metrics provider
// controller-runtime installs; fairshare.Queue keeps its own delays, so it
// counts them itself, into the series already registered (the Prometheus way
// to reuse a registered collector). Nil if the series cannot be had.
func workqueueRetries(name string) workqueue.CounterMetric {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Subsystem: crmetrics.WorkQueueSubsystem, Name: crmetrics.RetriesKey,
		Help: "Total number of items added to the workqueue with a non-zero delay " +
			"(rate-limited requeues, explicit RequeueAfter or AddAfter calls)",
	}, []string{"name", "controller"})
	if err := crmetrics.Registry.Register(vec); err != nil {
		var registered prometheus.AlreadyRegisteredError
		if !errors.As(err, &registered) {
			return nil
		}
		if vec, _ = registered.ExistingCollector.(*prometheus.CounterVec); vec == nil {
			return nil
		}
	}
	return vec.WithLabelValues(name, name)
}
