package localenv

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// kubectlTimeout bounds a kubectl call whose context has no deadline; calls
// that wait (kubectl wait, delete) also pass their own --timeout.
const kubectlTimeout = 3 * time.Minute

// Kubectl runs the toolchain's kubectl (beside kube-apiserver in the assets
// directory) against the local control plane, exactly as a user would.
func (e *Env) Kubectl(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	return e.KubectlIn(ctx, "", args...)
}

// KubectlIn is Kubectl with stdin, for `kubectl apply -f -` with YAML.
func (e *Env) KubectlIn(ctx context.Context, stdin string, args ...string) (stdout, stderr string, err error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, kubectlTimeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, e.KubectlPath(), args...)
	cmd.Env = e.KubectlEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), errb.String(), fmt.Errorf("kubectl %s: %w: %s",
			strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), errb.String(), nil
}

// KubectlPath is the kubectl binary the environment uses.
func (e *Env) KubectlPath() string { return filepath.Join(e.assets, "kubectl") }

// KubectlEnv is the environment for kubectl: KUBECONFIG set to the local
// control plane, and kubectl's discovery cache kept in the state dir rather
// than the user's home.
func (e *Env) KubectlEnv() []string {
	return append(os.Environ(), "KUBECONFIG="+e.Kubeconfig,
		"KUBECACHEDIR="+filepath.Join(e.StateDir, "kube-cache"))
}
