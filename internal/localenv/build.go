package localenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// modulePath identifies this repository's go.mod when looking for the root.
const modulePath = "module github.com/account-operator/account-operator"

// FindRepoRoot walks up from dir to the directory whose go.mod declares this
// module, so the harness works from any package directory (go test runs
// each package in its own directory).
func FindRepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte(modulePath)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of github.com/account-operator/account-operator above the working directory")
		}
		dir = parent
	}
}

// buildTimeout bounds one go build. A cold build cache on two busy cores
// takes minutes for the manager; a warm one takes seconds.
const buildTimeout = 15 * time.Minute

// goBuild builds pkg (relative to root) into out.
func goBuild(ctx context.Context, root, pkg, out string) error {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// freeAddr returns a loopback host:port nobody listens on right now. Another
// process could take it before the caller binds it; the caller then fails
// to start and says so, which is rare enough for a local environment.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// poll calls cond every interval until it reports done, returns an error,
// or timeout passes (or ctx ends).
func poll(ctx context.Context, timeout, interval time.Duration, what string, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		done, err := cond()
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: not done within %s: %w", what, timeout, ctx.Err())
		case <-t.C:
		}
	}
}
