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

// A fresh clone's `go test ./...` runs the envtest suites without
// KUBEBUILDER_ASSETS or HELM, and envtest then waits out its start timeout
// for /usr/local/kubebuilder/bin/etcd. UseCachedTools points the suites at
// what hack/toolchain.sh and hack/helm.sh cached instead, and when nothing is
// cached fails at once naming the one command to run. It never builds: that
// takes minutes and is the Makefile's job.

// cachedTool is one of the hack/ scripts that build a tool once into the
// user's cache and print the directory holding it.
type cachedTool struct {
	env    string // the variable the suites read
	script string // relative to the repository root
	file   string // the binary inside the printed directory, "" for the directory itself
	make   string // the target that builds it
	what   string
}

var (
	controlPlaneTool = cachedTool{env: "KUBEBUILDER_ASSETS", script: "hack/toolchain.sh", make: "make toolchain",
		what: "kube-apiserver, etcd and kubectl (compiled from Go modules once, about 8 minutes)"}
	helmTool = cachedTool{env: "HELM", script: "hack/helm.sh", file: "helm", make: "make helm",
		what: "helm (compiled from its Go module once, up to 10 minutes)"}
)

// UseCachedTools sets KUBEBUILDER_ASSETS (and HELM when withHelm) from the
// cache when they are unset; variables already set are left alone.
func UseCachedTools(withHelm bool) error {
	root, err := FindRepoRoot(".")
	if err != nil {
		return err
	}
	tools := []cachedTool{controlPlaneTool}
	if withHelm {
		tools = append(tools, helmTool)
	}
	for _, t := range tools {
		if err := t.use(root); err != nil {
			return err
		}
	}
	return nil
}

func (t cachedTool) use(root string) error {
	if os.Getenv(t.env) != "" {
		return nil
	}
	script := filepath.Join(root, t.script)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// --check only looks: it exits non-zero when the tool is not cached.
	if err := exec.CommandContext(ctx, script, "--check").Run(); err != nil {
		return fmt.Errorf("%s is not set and %s has not cached %s: run `%s` once, then go test again",
			t.env, t.script, t.what, t.make)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, script)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", t.script, err)
	}
	value := strings.TrimSpace(out.String())
	if t.file != "" {
		value = filepath.Join(value, t.file)
	}
	return os.Setenv(t.env, value)
}
