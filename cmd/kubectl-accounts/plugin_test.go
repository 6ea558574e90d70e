package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// TestKubectlRunsThePlugin builds the binary and runs it the way users do,
// through kubectl's plugin mechanism (kubectl-accounts on PATH): kubectl
// lists it, `kubectl accounts --help` shows the plugin's usage under its
// kubectl name, and the plugin's exit code reaches the shell. The commands
// themselves are tested in internal/cli.
func TestKubectlRunsThePlugin(t *testing.T) {
	// kubectl is taken from the local control plane's directory.
	if err := localenv.UseCachedTools(false); err != nil {
		t.Fatal(err)
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := t.TempDir()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "kubectl-accounts"), ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	kubectl := func(args ...string) (string, int) {
		t.Helper()
		cmd := exec.CommandContext(ctx, filepath.Join(assets, "kubectl"), args...)
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"KUBECONFIG="+filepath.Join(bin, "no-kubeconfig"))
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			return string(out), exit.ExitCode()
		case err != nil:
			t.Fatalf("kubectl %s: %v", strings.Join(args, " "), err)
		}
		return string(out), 0
	}

	if out, code := kubectl("plugin", "list", "--name-only"); code != 0 || !strings.Contains(out, "kubectl-accounts") {
		t.Errorf("kubectl plugin list (exit %d) does not list kubectl-accounts:\n%s", code, out)
	}
	out, code := kubectl("accounts", "--help")
	if code != 0 || !strings.Contains(out, "kubectl accounts [command]") {
		t.Errorf("kubectl accounts --help (exit %d) does not show the plugin's usage:\n%s", code, out)
	}
	if out, code := kubectl("accounts", "status"); code != 1 || !strings.Contains(out, "accepts 1 arg(s), received 0") {
		t.Errorf("kubectl accounts status with no name: exit %d, want 1 with the usage error:\n%s", code, out)
	}
}
