// Package rbac tests the manager's ClusterRole (config/rbac/role.yaml): no
// wildcards, exactly the grants the controllers need (each with its reason),
// the chart's copy unchanged, and that the minimal set is enough: the
// controllers run one full lifecycle of every upstream as a user bound only
// to it, with no request refused. It also checks the metrics endpoint's
// ClusterRoles (metrics_auth_role.yaml, metrics_reader_role.yaml) grant
// exactly what the endpoint's checks need; test/metrics runs them.
package rbac

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/localenv"
	"github.com/account-operator/account-operator/internal/logging"
)

var (
	testEnv *envtest.Environment
	cfg     *rest.Config
	admin   client.Client
	scheme  = runtime.NewScheme()
	ctx     context.Context
	cancel  context.CancelFunc
)

func TestRBAC(t *testing.T) {
	if err := localenv.UseCachedTools(false); err != nil {
		t.Fatal(err)
	}
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	RunSpecs(t, "RBAC suite")
}

var _ = BeforeSuite(func() {
	ctrl.SetLogger(logging.Capped(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true))))
	ctx, cancel = context.WithCancel(context.Background())
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(v1alpha1.AddToScheme(scheme)).To(Succeed())
	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	// As OpenShift does: setting blockOwnerDeletion on an owner reference then
	// needs update on the owner's finalizers subresource.
	testEnv.ControlPlane.GetAPIServer().Configure().
		Append("enable-admission-plugins", "OwnerReferencesPermissionEnforcement")
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())
	admin, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
})

var _ = AfterSuite(func() {
	cancel()
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})
