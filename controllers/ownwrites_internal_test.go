package controllers

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

func secretWith(data map[string]string, labels map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "conn", Labels: labels},
		Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func TestOwnWritesPassOnlyOthersChanges(t *testing.T) {
	w := newOwnWrites()
	p := w.othersChanges()
	written := secretWith(map[string]string{"token": "t1"}, map[string]string{ManagedByLabel: ManagedByValue})
	if p.Create(event.CreateEvent{Object: written}) {
		t.Error("a create event must not trigger: the operator creates its Secrets")
	}
	w.record(written)
	update := func(s *corev1.Secret) bool {
		return p.Update(event.UpdateEvent{ObjectOld: secretWith(nil, nil), ObjectNew: s})
	}
	if update(written.DeepCopy()) {
		t.Error("the content the operator wrote must not trigger")
	}
	for name, s := range map[string]*corev1.Secret{
		"edited value":   secretWith(map[string]string{"token": "t2"}, written.Labels),
		"removed key":    secretWith(nil, written.Labels),
		"added key":      secretWith(map[string]string{"token": "t1", "x": ""}, written.Labels),
		"label removed":  secretWith(map[string]string{"token": "t1"}, nil),
		"key moved over": secretWith(map[string]string{"toke": "nt1"}, written.Labels),
	} {
		if !update(s) {
			t.Errorf("%s: a change by someone else must trigger", name)
		}
	}
	if !p.Delete(event.DeleteEvent{Object: written}) {
		t.Error("a delete must trigger")
	}
	var none *ownWrites
	none.record(written) // nil-safe for connections not loaded by a reconcile
}
