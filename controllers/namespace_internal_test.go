package controllers

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// An Account in a namespace being deleted stalls with NamespaceTerminating
// and looks again after the long TerminatingRecheck, whether the cached check
// found it or the apiserver refused a write; the message is the same.
func TestNamespaceTerminatingOutcome(t *testing.T) {
	refused := apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "a-account",
		fmt.Errorf("unable to create new content in namespace t1 because it is being terminated"))
	refused.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: corev1.NamespaceTerminatingCause}}
	want := failureOutcome(adapter.NamespaceTerminating())
	if want.phase != PhaseStalled || want.reason != v1alpha1.ReasonNamespaceTerminating ||
		want.requeue != adapter.TerminatingRecheck {
		t.Fatalf("outcome = %+v", *want)
	}
	if got := failureOutcome(fmt.Errorf("save: %w", refused)); *got != *want {
		t.Errorf("refused write: outcome = %+v, want %+v", *got, *want)
	}
	if got := failureOutcome(adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "x")); got.requeue != 0 {
		t.Errorf("other terminal failures wait for a watch: requeue %v", got.requeue)
	}
}

func TestNamespaceOpen(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	now := metav1.Now()
	r := &AccountReconciler{Client: fake.NewClientBuilder().WithScheme(scheme).WithObjects(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "open"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "going", DeletionTimestamp: &now, Finalizers: []string{"kubernetes"}}},
	).Build()}
	for ns, want := range map[string]string{"open": "", "going": v1alpha1.ReasonNamespaceTerminating, "uncached": ""} {
		a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "a"}}
		if got := adapter.Reason(r.namespaceOpen(context.Background(), a)); got != want {
			t.Errorf("%s: reason %q, want %q", ns, got, want)
		}
	}
}
