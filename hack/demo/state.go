package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// marker is a file in every state dir the demo made. The demo wipes a
// directory only if it is missing, empty or has the marker, so a mistyped
// -state-dir can never delete someone's files.
const marker = ".account-operator-demo"

func pidFile(stateDir string) string { return filepath.Join(stateDir, "pids") }

// toolchain returns $KUBEBUILDER_ASSETS, or runs hack/toolchain.sh, which
// builds the control plane and kubectl once (minutes) and prints their
// directory; its progress goes to stderr as it happens.
func toolchain(ctx context.Context, root string, say func(string, ...any)) (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return dir, nil
	}
	say("KUBEBUILDER_ASSETS is not set: running hack/toolchain.sh (the first run compiles Kubernetes, about 10 minutes)")
	ctx, cancel := context.WithTimeout(ctx, 45*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "hack", "toolchain.sh"))
	cmd.Dir, cmd.Stderr = root, os.Stderr
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("hack/toolchain.sh: %w", err)
	}
	return strings.TrimSpace(out.String()), nil
}

// resetStateDir ends what a previous run left running, then empties the
// state dir and marks it as the demo's.
func resetStateDir(dir string, say func(string, ...any)) error {
	if err := checkOurs(dir); err != nil {
		return err
	}
	if err := endPrevious(dir, say); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, marker), []byte("state of `make demo`; wiped on every run\n"), 0o644)
}

func checkOurs(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(ents) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
		return fmt.Errorf("state dir %s is not empty and was not made by the demo (no %s): refusing to wipe it", dir, marker)
	}
	return nil
}

// endPrevious stops what a previous run left running (see localenv.EndPrevious).
func endPrevious(dir string, say func(string, ...any)) error {
	return localenv.EndPrevious(pidFile(dir), "demo", 60*time.Second, say)
}

// recordProcesses writes this demo and every process of the environment to
// the pid file, for the next run to clean up if this one dies unstopped.
func recordProcesses(env *localenv.Env) error {
	self, err := localenv.Describe(os.Getpid(), "demo")
	if err != nil {
		return err
	}
	return localenv.WritePIDFile(pidFile(env.StateDir), append([]localenv.Process{self}, env.Processes()...))
}
