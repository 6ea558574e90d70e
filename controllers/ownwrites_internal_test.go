package controllers

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

func secretAt(name, rv string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, ResourceVersion: rv}}
}

func TestOwnWritesPassOnlyOthersChanges(t *testing.T) {
	w := newOwnWrites()
	p := w.othersChanges()
	if p.Create(event.CreateEvent{Object: secretAt("a", "1")}) {
		t.Error("a create event must not trigger: the operator creates its Secrets")
	}
	w.record(secretAt("a", "5"))
	update := func(rv string) bool {
		return p.Update(event.UpdateEvent{ObjectOld: secretAt("a", "4"), ObjectNew: secretAt("a", rv)})
	}
	if update("5") {
		t.Error("the operator's own write (version 5) must not trigger")
	}
	if !update("5") {
		t.Error("an own write is skipped once only; a replayed event triggers")
	}
	w.record(secretAt("a", "7"))
	if !update("8") {
		t.Error("a change by someone else (version 8) must trigger")
	}
	if !p.Delete(event.DeleteEvent{Object: secretAt("a", "9")}) {
		t.Error("a delete must trigger")
	}
	var none *ownWrites
	none.record(secretAt("b", "1")) // nil-safe for connections not loaded by a reconcile
}
