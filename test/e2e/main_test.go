package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// env is the one local environment every test shares: starting it (control
// plane, builds, sandbox, manager) is the slow part, so it happens once.
var env *localenv.Env

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if os.Getenv("E2E") == "" {
		return m.Run() // every test skips itself, so go test ./... stays quick
	}
	dir, err := os.MkdirTemp("", "account-operator-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	// Bounded, and generous only because a cold go build cache can take
	// minutes on a busy machine; a warm start takes seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	progress := func(format string, args ...any) {
		fmt.Printf("e2e: "+format+"\n", args...)
	}
	start := time.Now()
	env, err = localenv.Start(ctx, localenv.Options{StateDir: dir, Progress: progress})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: start the local environment: %v\ne2e: state dir with all logs kept: %s\n", err, dir)
		return 1
	}
	progress("Environment ready in %s (state dir %s)", time.Since(start).Round(time.Millisecond), dir)
	code := m.Run()
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: stop:", err)
		code = max(code, 1)
	}
	if code != 0 {
		fmt.Fprintf(os.Stderr, "e2e: FAILED; state dir with all logs kept: %s\n--- last lines of %s:\n%s\n",
			dir, env.LogPath("manager"), env.LogTail("manager", 40))
		return code
	}
	_ = os.RemoveAll(dir)
	return 0
}

// setup skips the test unless the environment runs, bounds it, and on
// failure points at the state dir with every process's log.
func setup(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	if env == nil {
		t.Skip("end-to-end test: set E2E=1 and KUBEBUILDER_ASSETS=$(hack/toolchain.sh) (make test-e2e)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(func() {
		cancel()
		if t.Failed() {
			t.Logf("state dir with all logs (kept): %s", env.StateDir)
		}
	})
	return ctx
}

// kubectl runs kubectl and fails the test on error.
func kubectl(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	out, _, err := env.Kubectl(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// apply pipes YAML into `kubectl apply -f -`, as a user with a heredoc would.
func apply(t *testing.T, ctx context.Context, yaml string) {
	t.Helper()
	if _, _, err := env.KubectlIn(ctx, yaml, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v\nYAML:\n%s", err, yaml)
	}
}

// waitReady runs `kubectl wait --for=condition=Ready` on the objects.
func waitReady(t *testing.T, ctx context.Context, ns string, timeout time.Duration, objs ...string) {
	t.Helper()
	args := append([]string{"wait", "--for=condition=Ready", "--timeout=" + timeout.String(), "-n", ns}, objs...)
	if _, _, err := env.Kubectl(ctx, args...); err != nil {
		// A fresh context: the test's own may be what ran out.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		get := []string{"get", "-n", ns, "-o", "yaml"}
		for _, o := range objs {
			if o != "--all" { // kubectl get lists every object of a kind named alone
				get = append(get, o)
			}
		}
		status, _, derr := env.Kubectl(dctx, get...)
		t.Fatalf("%v\nobjects now (%v):\n%s", err, derr, status)
	}
}

// eventually polls cond every 200ms until it returns "", failing the test
// with cond's last answer after timeout.
func eventually(t *testing.T, ctx context.Context, timeout time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		why := cond()
		if why == "" {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("not within %s: %s", timeout, why)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// table parses `kubectl get` output into rows keyed by column header, using
// the header's column offsets so that an empty cell stays empty.
func table(out string) []map[string]string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 {
		return nil
	}
	header := lines[0]
	var starts []int
	var names []string
	for i := 0; i < len(header); i++ {
		if header[i] != ' ' && (i == 0 || header[i-1] == ' ') {
			starts = append(starts, i)
			end := strings.IndexByte(header[i:], ' ')
			if end < 0 {
				end = len(header) - i
			}
			names = append(names, header[i:i+end])
		}
	}
	var rows []map[string]string
	for _, l := range lines[1:] {
		row := map[string]string{}
		for c, s := range starts {
			e := len(l)
			if c+1 < len(starts) {
				e = min(starts[c+1], len(l))
			}
			if s < len(l) {
				row[names[c]] = strings.TrimSpace(l[s:e])
			}
		}
		rows = append(rows, row)
	}
	return rows
}
