package adapter

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

func TestErrorKinds(t *testing.T) {
	refused := &httpapi.Error{StatusCode: http.StatusBadRequest}
	wait := &Error{Class: ClassTransient, Reason: "AccountBusy", Message: "job under way", After: 7 * time.Second}
	created := &Error{Class: ClassTransient, Reason: "AccountBusy", Message: "refused for now", After: time.Second, NotCreated: true}
	wrapped := fmt.Errorf("create: %w", created)
	for _, tc := range []struct {
		name       string
		err        error
		class      Class
		reason     string
		after      time.Duration
		notCreated bool
	}{
		{"wait", wait, ClassTransient, "AccountBusy", 7 * time.Second, false},
		{"wrapped, nothing created", wrapped, ClassTransient, "AccountBusy", time.Second, true},
		{"terminal 400", refused, ClassTerminal, "UpstreamRejected", 0, true},
		{"transient 503", &httpapi.Error{StatusCode: 503, RetryAfter: time.Second}, ClassTransient, "UpstreamError", time.Second, false},
		{"terminal", Terminalf("InvalidSpec", "x"), ClassTerminal, "InvalidSpec", 0, true},
	} {
		if got := Classify(tc.err); got != tc.class {
			t.Errorf("%s: Classify = %v, want %v", tc.name, got, tc.class)
		}
		if got := Reason(tc.err); got != tc.reason {
			t.Errorf("%s: Reason = %q, want %q", tc.name, got, tc.reason)
		}
		if got := RetryAfter(tc.err); got != tc.after {
			t.Errorf("%s: RetryAfter = %v, want %v", tc.name, got, tc.after)
		}
		if got := NothingCreated(tc.err); got != tc.notCreated {
			t.Errorf("%s: NothingCreated = %v, want %v", tc.name, got, tc.notCreated)
		}
	}
	if wait.Error() != "job under way" {
		t.Errorf("Error() = %q", wait.Error())
	}
}

// A pending failure is its own class: looked at again after its own wait, with
// its own reason, also when wrapped.
func TestError(t *testing.T) {
	err := fmt.Errorf("create: %w", Pending("Provisioning", "not listed yet", 10*time.Second))
	if Classify(err) != ClassPending || Reason(err) != "Provisioning" || RetryAfter(err) != 10*time.Second {
		t.Fatalf("Classify %v, Reason %q, RetryAfter %v", Classify(err), Reason(err), RetryAfter(err))
	}
	if err.Error() != "create: not listed yet" {
		t.Errorf("Error() = %q", err.Error())
	}
}

// The apiserver's refusal of a new object in a namespace being deleted (the
// NamespaceLifecycle admission's Forbidden with its NamespaceTerminating cause)
// reads as the cached check's failure: terminal, the same reason and message,
// looked at again after TerminatingRecheck; any other Forbidden stays a
// transient Kubernetes API error.
func TestNamespaceTerminating(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	refused := apierrors.NewForbidden(gr, "a-account",
		fmt.Errorf("unable to create new content in namespace t1 because it is being terminated"))
	refused.ErrStatus.Details.Causes = append(refused.ErrStatus.Details.Causes, metav1.StatusCause{
		Type: corev1.NamespaceTerminatingCause, Message: "namespace t1 is being terminated", Field: "metadata.namespace"})
	want := Failure(NamespaceTerminating())
	for _, err := range []error{NamespaceTerminating(), refused, fmt.Errorf("save: %w", refused)} {
		f := Failure(err)
		if f.Class != ClassTerminal || f.Reason != v1alpha1.ReasonNamespaceTerminating || f.After != TerminatingRecheck ||
			f.Error() != want.Error() {
			t.Errorf("%v: class %v, reason %q, after %v, message %q", err, f.Class, f.Reason, f.After, f.Error())
		}
	}
	other := apierrors.NewForbidden(gr, "a-account", fmt.Errorf("RBAC says no"))
	if f := Failure(other); f.Class != ClassTransient || f.Reason != v1alpha1.ReasonKubernetesAPIError {
		t.Errorf("other Forbidden: class %v, reason %q", f.Class, f.Reason)
	}
}
