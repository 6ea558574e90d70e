// Package install tests the two ways to install the operator, config/default
// (kustomize) and the Helm chart, against a real kube-apiserver: every object
// is accepted by a server-side dry-run in a namespace that enforces the
// restricted Pod Security Standard, with no warnings, and the chart's values
// render what they document.
package install

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/account-operator/account-operator/internal/localenv"
)

// namespace is the one config/default installs into; the chart is rendered
// into it too.
const namespace = "account-operator"

var (
	testEnv    *envtest.Environment
	k8sClient  client.Client
	ctx        context.Context
	cancel     context.CancelFunc
	kubeconfig string // a kubeconfig file for the envtest apiserver
	kubectlBin string
	helmBin    string
	helmHome   string // HELM_*_HOME, so helm never touches the user's own
)

func TestInstall(t *testing.T) {
	// Fail, not skip: a missing helm must not pass CI silently.
	if err := localenv.UseCachedTools(true); err != nil {
		t.Fatal(err)
	}
	helmBin = os.Getenv("HELM")
	if _, err := os.Stat(helmBin); err != nil {
		t.Fatalf("HELM=%s: %v (build it with hack/helm.sh)", helmBin, err)
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	kubectlBin = filepath.Join(assets, "kubectl")
	RegisterFailHandler(Fail)
	RunSpecs(t, "Install suite")
}

var _ = BeforeSuite(func() {
	Expect(kubectlBin).To(BeAnExistingFile(), "kubectl belongs next to kube-apiserver in KUBEBUILDER_ASSETS")
	ctx, cancel = context.WithCancel(context.Background())
	// No CRDs: installing them is part of what is under test.
	testEnv = &envtest.Environment{}
	cfg, err := testEnv.Start()
	Expect(err).NotTo(HaveOccurred())
	k8sClient, err = client.New(cfg, client.Options{})
	Expect(err).NotTo(HaveOccurred())

	dir, err := os.MkdirTemp("", "install-test-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	kubeconfig = filepath.Join(dir, "kubeconfig")
	Expect(os.WriteFile(kubeconfig, testEnv.KubeConfig, 0o600)).To(Succeed())
	helmHome = filepath.Join(dir, "helm")

	// warn makes the apiserver report Deployments whose pods would be
	// rejected; enforce alone only checks Pods.
	Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: namespace,
		Labels: map[string]string{
			"pod-security.kubernetes.io/enforce": "restricted",
			"pod-security.kubernetes.io/warn":    "restricted",
		},
	}})).To(Succeed())
})

var _ = AfterSuite(func() {
	if cancel != nil {
		cancel()
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})
