package controllers

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// ownWrites remembers the resource version of each connection Secret write the
// operator made, so the watch event that write causes does not run the
// Account's reconcile again: that reconcile made the write and went on to
// publish it. A change by anyone else has another version and still counts.
// One entry per Account at most, dropped when its event arrives.
type ownWrites struct {
	mu sync.Mutex
	rv map[types.NamespacedName]string
}

func newOwnWrites() *ownWrites { return &ownWrites{rv: map[types.NamespacedName]string{}} }

// record notes a write the operator just made.
func (w *ownWrites) record(o client.Object) {
	if w == nil || o.GetResourceVersion() == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rv[client.ObjectKeyFromObject(o)] = o.GetResourceVersion()
}

// mine reports (once) whether o is exactly the version the operator wrote.
func (w *ownWrites) mine(o client.Object) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	key := client.ObjectKeyFromObject(o)
	if rv, ok := w.rv[key]; ok && rv == o.GetResourceVersion() {
		delete(w.rv, key)
		return true
	}
	return false
}

// othersChanges passes deletes and other writers' changes of connection
// Secrets. Creates are the operator's own too: it makes its connection
// Secrets itself, and at start every Account is reconciled anyway.
func (w *ownWrites) othersChanges() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(event.CreateEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool { return !w.mine(e.ObjectNew) },
	}
}
