package controllers

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func secretWith(data map[string]string, labels map[string]string) *corev1.Secret {
	owner := metav1.NewControllerRef(&v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "acct", UID: "1"}},
		v1alpha1.GroupVersion.WithKind("Account"))
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "conn", Labels: labels,
		OwnerReferences: []metav1.OwnerReference{*owner}}, Data: map[string][]byte{}}
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
		"another name":   renamed(written.DeepCopy(), "conn2"),
		"no controller":  orphaned(written.DeepCopy()),
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

func renamed(s *corev1.Secret, name string) *corev1.Secret { s.Name = name; return s }

func orphaned(s *corev1.Secret) *corev1.Secret { s.OwnerReferences = nil; return s }

// The notes of a deleted Account's connection Secret go with the Account: a
// manager that sees many Accounts come and go keeps none of theirs.
func TestOwnWritesForgetDeletedAccounts(t *testing.T) {
	scheme := testScheme(t)
	w := newOwnWrites()
	r := &AccountReconciler{Client: fake.NewClientBuilder().WithScheme(scheme).Build(), Scheme: scheme, ownWrites: w}
	for i := range 5 {
		a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: fmt.Sprintf("gone-%d", i), UID: types.UID(fmt.Sprint(i))}}
		s := desiredSecret(a, map[string][]byte{"accountID": []byte("x")})
		if err := controllerutil.SetControllerReference(a, s, scheme); err != nil {
			t.Fatal(err)
		}
		w.record(s)
		// The Account is gone from the API: its next reconcile finds nothing.
		if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: client.ObjectKeyFromObject(a)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := w.size(); n != 0 {
		t.Errorf("%d notes kept for deleted Accounts, want 0", n)
	}
}

func (w *ownWrites) size() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.written)
}
