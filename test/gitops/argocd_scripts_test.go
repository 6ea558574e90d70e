package gitops

import (
	"os"
	"path/filepath"
	"testing"
)

var argoDir = filepath.Join("..", "..", "config", "argocd")

// argoScripts are the Lua scripts in config/argocd: the health check, the
// action discovery, and one action per folder of actions/ (by name, as
// os.ReadDir sorts them).
type argoScripts struct {
	health, discovery string
	actions           []argoActionDef
}

func readScripts(t *testing.T) argoScripts {
	t.Helper()
	read := func(path ...string) string {
		b, err := os.ReadFile(filepath.Join(append([]string{argoDir}, path...)...))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	s := argoScripts{health: read("health.lua"), discovery: read("actions", "discovery.lua")}
	entries, err := os.ReadDir(filepath.Join(argoDir, "actions"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			s.actions = append(s.actions, argoActionDef{Name: e.Name(), Action: read("actions", e.Name(), "action.lua")})
		}
	}
	return s
}

// action returns the script of the named action.
func (s argoScripts) action(t *testing.T, name string) string {
	t.Helper()
	for _, d := range s.actions {
		if d.Name == name {
			return d.Action
		}
	}
	t.Fatalf("no config/argocd/actions/%s/action.lua", name)
	return ""
}
