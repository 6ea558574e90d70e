package controllers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
)

func TestControllerOptionsDefaultDeadline(t *testing.T) {
	o := controllerOptions(Options{})
	if o.ReconciliationTimeout != DefaultReconcileTimeout || o.MaxConcurrentReconciles != 1 {
		t.Errorf("zero options: deadline %s, %d workers; want %s, 1",
			o.ReconciliationTimeout, o.MaxConcurrentReconciles, DefaultReconcileTimeout)
	}
	if o := controllerOptions(Options{ReconcileTimeout: time.Minute}); o.ReconciliationTimeout != time.Minute {
		t.Errorf("deadline %s, want the configured 1m", o.ReconciliationTimeout)
	}
	// One call and its retries must fit in a pass with the default timeouts.
	if DefaultReconcileTimeout <= 4*DefaultUpstreamTimeout {
		t.Errorf("default pass deadline %s is not above four upstream attempts of %s",
			DefaultReconcileTimeout, DefaultUpstreamTimeout)
	}
}

// A provider pass whose upstream never answers (and whose HTTP client would
// wait an hour) ends at the controller's deadline: the options Setup gives
// every controller put a deadline on the pass's context.
func TestPassWithHungUpstreamEndsAtDeadline(t *testing.T) {
	arrived, release := make(chan struct{}, 8), make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select { // never answers: the CCM login runs detached, so only the test ends it
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hung.Close()
	defer close(release)

	pr := hungProviderReconciler(t, hung.URL)
	var hadDeadline bool
	c, err := controller.NewUnmanaged("deadline-test", controllerOptionsWith(Options{ReconcileTimeout: 200 * time.Millisecond},
		reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
			_, hadDeadline = ctx.Deadline()
			return pr.Reconcile(ctx, req)
		})))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: "hung"}})
	}()
	select {
	case <-done:
	case <-time.After(15 * time.Second): // a wide bound, below the CCM login's own 30s
		t.Fatal("the pass did not end at its deadline")
	}
	if !hadDeadline {
		t.Error("the pass's context had no deadline")
	}
	select {
	case <-arrived:
	default:
		t.Error("the pass never reached the upstream: the test proves nothing")
	}
}

func controllerOptionsWith(o Options, r reconcile.Reconciler) controller.Options {
	opts := controllerOptions(o)
	opts.Reconciler = r
	opts.SkipNameValidation = ptr.To(true)
	return opts
}

// hungProviderReconciler verifies a CCM ClusterAccountProvider at url with an
// HTTP client that would wait an hour for each request.
func hungProviderReconciler(t *testing.T, url string) *ProviderReconciler {
	t.Helper()
	creds := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "ccm-admin"},
		Data: map[string][]byte{"username": []byte("admin"), "password": []byte("pw")}}
	p := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: "hung", Generation: 1},
		Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: v1alpha1.AccountProviderSpec{
			CCM: &v1alpha1.CCMProviderSpec{URL: v1alpha1.HTTPSURL(url),
				CredentialsSecretRef: v1alpha1.SecretReference{Namespace: "ops", Name: "ccm-admin"}}}}}
	c := fake.NewClientBuilder().WithScheme(testScheme(t)).WithObjects(creds, p).WithStatusSubresource(p).Build()
	return &ProviderReconciler{Client: c, DefaultPollInterval: time.Hour,
		Registry: &Registry{Kinds: adapter.Set{ccmadapter.NewKind()}, Reader: c, Timeout: time.Hour},
		New:      func() v1alpha1.ProviderObject { return &v1alpha1.ClusterAccountProvider{} },
		NewList:  func() client.ObjectList { return &v1alpha1.ClusterAccountProviderList{} }}
}

func testScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	return scheme
}
