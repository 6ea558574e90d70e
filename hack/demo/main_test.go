package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// TestDemoRecoversFromAKilledRunAndExitsAfterReady runs the demo binary twice
// on one state dir: the first run is SIGKILLed once it is up, leaving its
// control plane, sandbox and manager behind; the second, with
// -exit-after-ready, must end those, show Ready Accounts and stop cleanly.
func TestDemoRecoversFromAKilledRunAndExitsAfterReady(t *testing.T) {
	if os.Getenv("E2E") == "" {
		t.Skip("end-to-end test: set E2E=1 and KUBEBUILDER_ASSETS=$(hack/toolchain.sh) (make test-e2e)")
	}
	bin := filepath.Join(t.TempDir(), "demo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state := filepath.Join(t.TempDir(), "state")
	t.Cleanup(func() { endRecorded(t, state) })

	leftovers := runAndKill(t, bin, state)

	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-state-dir", state, "-exit-after-ready")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Killed 4 processes left over from a previous run",
		"account.accounts.operator.dev/team-a-ccm condition met",
		"clusteraccountprovider.accounts.operator.dev/scp",
		"accountprovider.accounts.operator.dev/vectorcharts",
		"connectionSecretName: team-a-charts-account",
		"\ntoken\n", // a key of the connection Secret...
		"export KUBECONFIG=" + filepath.Join(state, "kubeconfig"),
		"kubectl patch account", "kubectl delete account", "--watch",
		"==> Stopped",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("second run's output lacks %q", want)
		}
	}
	for _, secret := range []string{localenv.CCMPassword, localenv.SCPSecretKey, localenv.VectorChartsAdminKey} {
		if strings.Contains(string(out), secret) {
			t.Errorf("output shows the credential %q", secret) // ...but never a value
		}
	}
	checkReadyRows(t, string(out))
	for _, p := range leftovers {
		if p.Alive() {
			t.Errorf("%s (pid %d) of the killed run still runs", p.Name, p.PID)
		}
	}
	if procs := mentioning(state); len(procs) > 0 {
		t.Errorf("processes still running from the state dir after a clean stop: %v", procs)
	}
	if t.Failed() {
		t.Logf("second run output:\n%s", out)
	}
}

// runAndKill starts the demo, waits until it is up, SIGKILLs it, and returns
// what it left running (all but the demo itself, per its pid file).
func runAndKill(t *testing.T, bin, state string) []localenv.Process {
	t.Helper()
	cmd := exec.Command(bin, "-state-dir", state)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	up := make(chan bool, 2)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			_, _ = log.Write([]byte(sc.Text() + "\n"))
			if strings.Contains(sc.Text(), "Press Ctrl-C") {
				up <- true
			}
		}
		up <- false
	}()
	select {
	case ok := <-up:
		if !ok {
			t.Fatalf("first run ended before it was up")
		}
	case <-time.After(5 * time.Minute):
		t.Fatalf("first run not up within 5 minutes")
	}
	procs, err := localenv.ReadPIDFile(pidFile(state))
	if err != nil {
		t.Fatal(err)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	var left []localenv.Process
	for _, p := range procs {
		if p.Name != "demo" && p.Alive() {
			left = append(left, p)
		}
	}
	if len(left) != 4 {
		t.Fatalf("after SIGKILL of the demo, %d recorded processes run (%v), want 4: manager, sandbox, etcd, kube-apiserver\n%s",
			len(left), left, log.String())
	}
	return left
}

// syncBuffer collects the output of two writers: the demo's stdout reader
// and exec's stderr copier.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// checkReadyRows checks the three Accounts in `kubectl get accounts,...` are
// Ready with an account id.
func checkReadyRows(t *testing.T, out string) {
	t.Helper()
	for _, name := range []string{"team-a-ccm", "team-a-scp", "team-a-charts"} {
		found := false
		for _, l := range strings.Split(out, "\n") {
			f := strings.Fields(l)
			// NAMESPACE NAME PROVIDER ACCOUNT-ID STATE READY AGE
			if len(f) == 7 && f[1] == "account.accounts.operator.dev/"+name && f[5] == "True" && f[3] != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("no Ready row with an account id for %s in kubectl get", name)
		}
	}
}

// mentioning lists running processes whose command line names dir: every
// process of the demo's environment does (binary path, data or cert dir).
func mentioning(dir string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(b, []byte(dir)) {
			out = append(out, e.Name()+": "+string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
		}
	}
	return out
}

// endRecorded kills whatever a failed test left running, by the pid file.
func endRecorded(t *testing.T, state string) {
	t.Helper()
	procs, err := localenv.ReadPIDFile(pidFile(state))
	if err == nil {
		_, err = localenv.Terminate(procs, syscall.SIGKILL, 15*time.Second)
	}
	if err != nil {
		t.Logf("cleanup: %v", err)
	}
}
