package localenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeScript writes an executable hack script under root that answers
// --check with checkExit and otherwise prints dir.
func fakeScript(t *testing.T, root, name string, checkExit int, dir string) {
	t.Helper()
	body := "#!/usr/bin/env bash\nif [[ \"${1:-}\" == --check ]]; then exit " +
		string(rune('0'+checkExit)) + "; fi\necho " + dir + "\n"
	path := filepath.Join(root, "hack", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestCachedToolIsUsedWhenTheVariableIsUnset(t *testing.T) {
	root := t.TempDir()
	fakeScript(t, root, "helm.sh", 0, "/cache/helm-v4")
	t.Setenv("HELM", "")
	if err := helmTool.use(root); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv("HELM"); got != "/cache/helm-v4/helm" {
		t.Fatalf("HELM = %q, want the cached directory's helm", got)
	}
}

func TestMissingCacheFailsAtOnceWithTheCommand(t *testing.T) {
	root := t.TempDir()
	fakeScript(t, root, "toolchain.sh", 1, "/never/printed")
	t.Setenv("KUBEBUILDER_ASSETS", "")
	err := controlPlaneTool.use(root)
	if err == nil || !strings.Contains(err.Error(), "run `make toolchain` once") {
		t.Fatalf("want an error naming `make toolchain`, got %v", err)
	}
	if got := os.Getenv("KUBEBUILDER_ASSETS"); got != "" {
		t.Fatalf("KUBEBUILDER_ASSETS = %q after a failed lookup", got)
	}
}

func TestVariableAlreadySetIsKept(t *testing.T) {
	root := t.TempDir() // no scripts: running one would fail
	t.Setenv("KUBEBUILDER_ASSETS", "/mine")
	if err := controlPlaneTool.use(root); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv("KUBEBUILDER_ASSETS"); got != "/mine" {
		t.Fatalf("KUBEBUILDER_ASSETS = %q, want the caller's value", got)
	}
}
