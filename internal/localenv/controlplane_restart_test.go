package localenv

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestAPIServerRestartKeepsTheKubeconfig stops kube-apiserver, checks that it
// is really down, starts it again, and reads through a client built from the
// kubeconfig written before the stop: same address, same certificates, same
// user, and the data (in etcd) still there.
func TestAPIServerRestartKeepsTheKubeconfig(t *testing.T) {
	if err := UseCachedTools(false); err != nil {
		t.Fatal(err)
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	root, err := FindRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	cp, err := startControlPlane(root, assets, dir, kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{cp: cp, assets: assets, Kubeconfig: kubeconfig, StateDir: dir}
	t.Cleanup(func() { _ = cp.stop() })
	c := kubeconfigClient(t, kubeconfig)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ns := &corev1.Namespace{}
	ns.Name = "before-restart"
	if err := c.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	url := e.APIServerURL()

	if err := e.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, client.ObjectKey{Name: ns.Name}, &corev1.Namespace{}); err == nil {
		t.Fatal("the API server answered after StopAPIServer")
	}
	if err := e.StartAPIServer(); err != nil {
		t.Fatalf("%v\n%s", err, logTail(filepath.Join(dir, "logs", "kube-apiserver.log"), 20))
	}
	if got := e.APIServerURL(); got != url {
		t.Fatalf("API server URL changed from %s to %s", url, got)
	}
	// A fresh client from the same file: no cached connection helps it.
	if err := kubeconfigClient(t, kubeconfig).Get(ctx, client.ObjectKey{Name: ns.Name}, &corev1.Namespace{}); err != nil {
		t.Fatalf("the kubeconfig from before the restart no longer works: %v", err)
	}
	if err := c.Get(ctx, client.ObjectKey{Name: ns.Name}, &corev1.Namespace{}); err != nil {
		t.Fatalf("the client from before the restart no longer works: %v", err)
	}
}

func kubeconfigClient(t *testing.T, path string) client.Client {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 5 * time.Second
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
