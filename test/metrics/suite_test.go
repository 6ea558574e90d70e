// Package metrics tests the manager's metrics endpoint as main.go serves it
// (metricsendpoint, --metrics-secure by default) against a real kube-apiserver
// with ServiceAccount tokens and RBAC: a scrape without a token is refused
// (401), a token whose ServiceAccount is not bound to the metrics-reader
// ClusterRole is refused (403), and one bound to it gets the operator's
// metrics (200). The manager runs with only the ClusterRoles of config/rbac,
// so the test also shows metrics_auth_role.yaml is enough for the checks.
package metrics

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/yaml"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/localenv"
	"github.com/account-operator/account-operator/internal/logging"
)

const (
	namespace   = "account-operator"
	managerUser = "account-operator-manager"
)

var (
	testEnv   *envtest.Environment
	cfg       *rest.Config // system:masters
	managerCf *rest.Config // the manager's user: config/rbac's ClusterRoles only
	admin     client.Client
	clientset *kubernetes.Clientset
	scheme    = runtime.NewScheme()
	ctx       context.Context
	cancel    context.CancelFunc
)

func TestMetrics(t *testing.T) {
	if err := localenv.UseCachedTools(false); err != nil {
		t.Fatal(err)
	}
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(200 * time.Millisecond)
	RunSpecs(t, "Metrics endpoint suite")
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
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())
	admin, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	clientset, err = kubernetes.NewForConfig(cfg)
	Expect(err).NotTo(HaveOccurred())
	Expect(admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}})).To(Succeed())

	user, err := testEnv.AddUser(envtest.User{Name: managerUser}, cfg)
	Expect(err).NotTo(HaveOccurred())
	managerCf = user.Config()
	manager := rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: managerUser}
	bind(manager, installRole("role.yaml"))
	bind(manager, installRole("metrics_auth_role.yaml"))
	installRole("metrics_reader_role.yaml")
})

var _ = AfterSuite(func() {
	if cancel != nil {
		cancel()
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// installRole creates a ClusterRole of config/rbac as it is written there and
// returns its name.
func installRole(file string) string {
	GinkgoHelper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", file))
	Expect(err).NotTo(HaveOccurred())
	var role rbacv1.ClusterRole
	Expect(yaml.UnmarshalStrict(raw, &role)).To(Succeed())
	Expect(role.Kind).To(Equal("ClusterRole"))
	Expect(admin.Create(ctx, &role)).To(Succeed())
	return role.Name
}

// bind binds a ClusterRole to a subject cluster-wide.
func bind(subject rbacv1.Subject, role string) {
	GinkgoHelper()
	Expect(admin.Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role + "-" + subject.Name},
		Subjects:   []rbacv1.Subject{subject},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
	})).To(Succeed())
}

// freeAddr is a loopback address with a port free right now.
func freeAddr() string {
	GinkgoHelper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer l.Close()
	return l.Addr().String()
}
