package localenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// controlPlane is envtest's kube-apiserver and etcd, run as real processes
// from the assets directory, with their output in the state dir's logs.
type controlPlane struct {
	env  *envtest.Environment
	logs []*os.File
}

// startControlPlane starts etcd and kube-apiserver, installs the CRDs from
// config/crd/bases (envtest waits until they are served) and writes a
// kubeconfig for a system:masters user to kubeconfigPath.
func startControlPlane(root, assets, stateDir, kubeconfigPath string) (*controlPlane, error) {
	cp := &controlPlane{}
	etcdLog, err := cp.openLog(filepath.Join(stateDir, "logs", "etcd.log"))
	if err != nil {
		return nil, err
	}
	apiLog, err := cp.openLog(filepath.Join(stateDir, "logs", "kube-apiserver.log"))
	if err != nil {
		cp.closeLogs()
		return nil, err
	}
	// The data and cert dirs live in the state dir, so each process's command
	// line names it: that is how a later run recognises leftovers as its own.
	cp.env = &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		UseExistingCluster:    ptr.To(false),
		// Generous: the machine may be busy compiling while we start.
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  30 * time.Second,
		ControlPlane: envtest.ControlPlane{
			Etcd:      &envtest.Etcd{DataDir: filepath.Join(stateDir, "etcd"), Out: etcdLog, Err: etcdLog},
			APIServer: &envtest.APIServer{CertDir: filepath.Join(stateDir, "apiserver"), Out: apiLog, Err: apiLog},
		},
	}
	for _, d := range []string{cp.env.ControlPlane.Etcd.DataDir, cp.env.ControlPlane.APIServer.CertDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			cp.closeLogs()
			return nil, err
		}
	}
	if _, err := cp.env.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("start control plane (logs in %s): %w", filepath.Join(stateDir, "logs"), err), cp.stop())
	}
	if err := cp.writeKubeconfig(kubeconfigPath); err != nil {
		return nil, errors.Join(err, cp.stop())
	}
	return cp, nil
}

// writeKubeconfig provisions a system:masters user, as a cluster admin
// running kubectl would be, and writes its kubeconfig.
func (cp *controlPlane) writeKubeconfig(path string) error {
	user, err := cp.env.AddUser(envtest.User{Name: "local-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("add kubeconfig user: %w", err)
	}
	b, err := user.KubeConfig()
	if err != nil {
		return fmt.Errorf("render kubeconfig: %w", err)
	}
	return os.WriteFile(path, b, 0o600)
}

func (cp *controlPlane) openLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err == nil {
		cp.logs = append(cp.logs, f)
	}
	return f, err
}

func (cp *controlPlane) closeLogs() {
	for _, f := range cp.logs {
		_ = f.Close()
	}
	cp.logs = nil
}

// stop stops kube-apiserver, then etcd (envtest's order), each bounded by
// ControlPlaneStopTimeout.
func (cp *controlPlane) stop() error {
	if cp == nil || cp.env == nil {
		return nil
	}
	err := cp.env.Stop()
	cp.closeLogs()
	cp.env = nil
	if err != nil {
		return fmt.Errorf("stop control plane: %w", err)
	}
	return nil
}
