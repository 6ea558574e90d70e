package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/localenv"
)

// The plugin runs in process against a local kube-apiserver (envtest) with
// no operator: the tests write status through the status subresource, as the
// operator would, and play its part in goroutines where a command waits.

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

var (
	testEnv    *envtest.Environment
	cfg        *rest.Config
	k8s        client.Client // the test's own client, with every kind registered
	kubeconfig string
	// clock is the plugin's clock: 30 days and 12 hours after the suite
	// started, so every object's age shows as "30d" however long the run
	// takes, and event and condition times are set relative to it.
	clock time.Time
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	if err := localenv.UseCachedTools(false); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	clock = time.Now().UTC().Truncate(time.Second).Add(30*24*time.Hour + 12*time.Hour)
	// No CRDs yet: the first test runs the plugin without them.
	testEnv = &envtest.Environment{}
	var err error
	if cfg, err = testEnv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the local control plane:", err)
		return 1
	}
	defer func() { _ = testEnv.Stop() }()
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		panic(err)
	}
	if k8s, err = client.New(cfg, client.Options{Scheme: s}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "kubectl-accounts-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, testEnv.KubeConfig, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// installCRDs installs the operator's CRDs and waits until they are served.
func installCRDs(t *testing.T) {
	t.Helper()
	_, err := envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{
		Paths:              []string{filepath.Join("..", "..", "..", "..", "config", "crd", "bases")},
		ErrorIfPathMissing: true,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// result is one run of the plugin.
type result struct {
	args           []string
	stdout, stderr string
	code           int
}

// secretValues are the values of every Secret the tests create: no output
// may ever contain one.
var secretValues []string

// run runs `kubectl accounts args...` in process against the test apiserver.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	o := Options{
		IO:           genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Now:          func() time.Time { return clock },
		PollInterval: 20 * time.Millisecond,
	}
	code := Execute(append(args, "--kubeconfig", kubeconfig), o)
	r := result{args: args, stdout: out.String(), stderr: errOut.String(), code: code}
	for _, v := range secretValues {
		if strings.Contains(r.stdout+r.stderr, v) {
			t.Errorf("kubectl accounts %s printed a Secret's value %q", strings.Join(args, " "), v)
		}
	}
	return r
}

// timestamp matches the times the plugin prints (request values, token
// revocation times), which follow the suite's clock.
var timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)

// golden compares r, with times replaced by <time>, with testdata/name.golden
// (rewritten with -update), and checks the exit code.
func golden(t *testing.T, name string, r result, wantCode int) {
	t.Helper()
	got := "$ kubectl accounts " + strings.Join(r.args, " ") + "\n" + r.stdout
	if r.stderr != "" {
		got += "--- stderr\n" + r.stderr
	}
	got += fmt.Sprintf("--- exit %d\n", r.code)
	got = timestamp.ReplaceAllString(got, "<time>")
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (-update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
	if r.code != wantCode {
		t.Errorf("exit code %d, want %d", r.code, wantCode)
	}
}

// playOperator plays the operator's part for one request, in a goroutine:
// it reads obj until pending says a request is there (at most 30 s), then
// lets handle write the status through the status subresource. The returned
// func waits for it to end.
func playOperator(t *testing.T, obj client.Object, pending func() bool, handle func()) (wait func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		key := client.ObjectKeyFromObject(obj)
		for ctx.Err() == nil {
			if err := k8s.Get(ctx, key, obj); err == nil && pending() {
				handle()
				if err := k8s.Status().Update(ctx, obj); err != nil {
					t.Errorf("status update of %s: %v", key, err)
				}
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Errorf("no request on %s within 30s", key)
	}()
	return func() { wg.Wait(); cancel() }
}
