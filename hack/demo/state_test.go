package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/account-operator/account-operator/internal/localenv"
)

func TestDefaultStateDirFollowsXDGCacheHome(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/somewhere/cache")
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := "/somewhere/cache/account-operator/demo"; c.stateDir != want {
		t.Fatalf("state dir %q, want %q", c.stateDir, want)
	}
}

func TestResetStateDirRefusesForeignDirectories(t *testing.T) {
	dir := t.TempDir()
	precious := filepath.Join(dir, "thesis.tex")
	if err := os.WriteFile(precious, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := resetStateDir(dir, func(string, ...any) {}); err == nil {
		t.Fatal("wiped a non-empty directory the demo did not make")
	}
	if _, err := os.Stat(precious); err != nil {
		t.Fatalf("the file is gone: %v", err)
	}
}

func TestResetStateDirWipesItsOwnAndRecordedProcesses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	say := func(string, ...any) {}
	if err := resetStateDir(dir, say); err != nil { // missing: created and marked
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "logs")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	// A recorded process that is no longer the same one (start time differs)
	// must be left alone; the pid is our own, so a wrong kill would show.
	self, err := localenv.Describe(os.Getpid(), "manager")
	if err != nil {
		t.Fatal(err)
	}
	self.Start++
	if err := localenv.WritePIDFile(pidFile(dir), []localenv.Process{self}); err != nil {
		t.Fatal(err)
	}
	if err := resetStateDir(dir, say); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("old contents survived the reset: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
		t.Fatalf("no marker after reset: %v", err)
	}
}

func TestShellJoinQuotesWhatTheShellWouldSplit(t *testing.T) {
	got := shellJoin([]string{"get", "secret", "-o", `go-template={{range $k, $v := .data}}{{$k}}{{end}}`, "it's"})
	want := `get secret -o 'go-template={{range $k, $v := .data}}{{$k}}{{end}}' 'it'\''s'`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
