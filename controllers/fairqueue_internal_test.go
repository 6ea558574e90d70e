package controllers

import (
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

func testAccountQueue(t *testing.T, name string) workqueue.TypedRateLimitingInterface[reconcile.Request] {
	t.Helper()
	q := namespaceFairQueue(name, workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](time.Second, time.Minute))
	t.Cleanup(q.ShutDown)
	return q
}

func req(ns, name string) reconcile.Request {
	return reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: name}}
}

// The Account controller's queue takes namespaces in turn.
func TestAccountQueueTakesNamespacesInTurn(t *testing.T) {
	q := testAccountQueue(t, "fairqueue-turns")
	for _, r := range []reconcile.Request{req("a", "1"), req("a", "2"), req("a", "3"), req("b", "1")} {
		q.Add(r)
	}
	var got []string
	for q.Len() > 0 {
		r, _ := q.Get()
		got = append(got, r.String())
		q.Done(r)
	}
	if want := []string{"a/1", "b/1", "a/2", "a/3"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// Delayed adds are counted in controller-runtime's own
// workqueue_retries_total series of the queue, as its priority queue does.
func TestAccountQueueCountsRetries(t *testing.T) {
	const name = "fairqueue-retries"
	q := testAccountQueue(t, name)
	q.AddAfter(req("a", "1"), time.Hour)
	q.AddRateLimited(req("a", "2"))
	families, err := crmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "workqueue_retries_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["name"] == name && labels["controller"] == name {
				if v := m.GetCounter().GetValue(); v != 2 {
					t.Fatalf("workqueue_retries_total{name=%q} = %v, want 2", name, v)
				}
				return
			}
		}
	}
	t.Fatalf("no workqueue_retries_total{name=%q} in controller-runtime's registry", name)
}
