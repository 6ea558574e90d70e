package controllers

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// A connection Secret under deletionPolicy Retain has no owner reference: it
// is the Account's by its marks, its watch events reach the Account by them,
// and a Secret of another Account (another UID, or another controller) is not
// the Account's.
func TestConnectionSecretTiedByMarks(t *testing.T) {
	scheme := testScheme(t)
	a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "keeper", UID: "uid-1"},
		Spec: v1alpha1.AccountSpec{DeletionPolicy: v1alpha1.DeletionOrphan}}
	retained, err := desiredOwned(a, map[string][]byte{"token": []byte("t")}, scheme)
	if err != nil {
		t.Fatal(err)
	}
	if len(retained.OwnerReferences) != 0 {
		t.Fatalf("a Secret under Retain has owner references %v: the garbage collector may delete it", retained.OwnerReferences)
	}
	if !ownedBy(retained, a) {
		t.Error("a Secret with the Account's marks must be the Account's")
	}
	want := []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: "ns", Name: "keeper"}}}
	if got := byAccountOf(context.Background(), retained); len(got) != 1 || got[0] != want[0] {
		t.Errorf("a change of a Secret under Retain maps to %v, want %v", got, want)
	}

	a.Spec.DeletionPolicy = v1alpha1.DeletionDelete
	owned, err := desiredOwned(a, nil, scheme)
	if err != nil {
		t.Fatal(err)
	}
	if !metav1.IsControlledBy(owned, a) || ownerUpToDate(retained, owned, a.UID) {
		t.Error("under Delete the Secret is owned by the Account, and one without the reference needs a write")
	}
	if got := withOwner(retained.OwnerReferences, owned.OwnerReferences, a.UID); len(got) != 1 {
		t.Errorf("owner references after the switch to Delete: %v", got)
	}

	again := a.DeepCopy()
	again.UID = "uid-2" // an Account re-created with the same name
	if ownedBy(retained, again) {
		t.Error("a Secret marked by an earlier Account of the same name must not be the new one's")
	}
	foreign := retained.DeepCopy()
	foreign.Annotations = nil
	if ownedBy(foreign, a) || len(byAccountOf(context.Background(), foreign)) != 0 {
		t.Error("a Secret without the marks is foreign")
	}
	other := retained.DeepCopy()
	other.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "x", UID: "uid-9",
		Controller: ptr.To(true)}}
	if ownedBy(other, a) {
		t.Error("a Secret another object controls is not the Account's, whatever its annotations")
	}
	if ownedBy(&corev1.Secret{}, &v1alpha1.Account{}) {
		t.Error("an Account without a UID owns nothing")
	}
}
