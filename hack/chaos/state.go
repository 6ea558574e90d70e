package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// marker is a file in every state dir chaos made. A directory is wiped only
// if it is missing, empty or has the marker, so a mistyped -state-dir can
// never delete someone's files.
const marker = ".account-operator-chaos"

func pidFile(stateDir string) string { return filepath.Join(stateDir, "pids") }

// resetStateDir ends what a previous run left running, then empties the
// state dir and marks it as chaos's.
func resetStateDir(dir string, say func(string, ...any)) error {
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist) || (err == nil && len(ents) == 0):
	case err != nil:
		return err
	default:
		if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
			return fmt.Errorf("state dir %s is not empty and was not made by chaos (no %s): refusing to wipe it", dir, marker)
		}
		if err := endPrevious(dir, say); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, marker), []byte("state of `make chaos`; wiped on every run\n"), 0o644)
}

// endPrevious stops what a previous run left running (see localenv.EndPrevious).
func endPrevious(dir string, say func(string, ...any)) error {
	return localenv.EndPrevious(pidFile(dir), "chaos", 90*time.Second, say)
}

// recordProcesses writes this program and every process of the environment
// to the pid file, for the next run to clean up if this one dies unstopped.
// It runs again after every manager or kube-apiserver restart.
func (h *harness) recordProcesses() {
	self, err := localenv.Describe(os.Getpid(), "chaos")
	if err == nil {
		err = localenv.WritePIDFile(pidFile(h.env.StateDir), append([]localenv.Process{self}, h.env.Processes()...))
	}
	if err != nil {
		h.say("warning: pid file not written: %v", err)
	}
}
