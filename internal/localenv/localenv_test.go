package localenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestFindRepoRoot(t *testing.T) {
	root, err := FindRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		t.Fatalf("root %s has no main.go: %v", root, err)
	}
	if _, err := FindRepoRoot(t.TempDir()); err == nil {
		t.Fatal("a directory outside the repository was taken for its root")
	}
}

func TestPIDFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pids")
	if got, err := ReadPIDFile(path); err != nil || got != nil {
		t.Fatalf("missing file: got %v, %v; want nothing", got, err)
	}
	want := []Process{{PID: 12, Start: 345, Name: "manager"}, {PID: 6, Start: 7, Name: "etcd"}}
	if err := WritePIDFile(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPIDFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// startSleep starts a child that runs until killed, reaped in the background
// so that once killed it is gone rather than a zombie.
func startSleep(t *testing.T) Process {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	p, err := Describe(cmd.Process.Pid, "sleep")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTerminateEndsOnlyTheRecordedProcess(t *testing.T) {
	p := startSleep(t)
	if !p.Alive() {
		t.Fatal("a running process reads as not alive")
	}
	// Same pid, another start time: a different process that reused the pid.
	impostor := Process{PID: p.PID, Start: p.Start + 1, Name: "impostor"}
	if hit, err := Terminate([]Process{impostor}, syscall.SIGKILL, time.Second); err != nil || len(hit) != 0 {
		t.Fatalf("signalled %v (%v) for a start time that does not match", hit, err)
	}
	if !p.Alive() {
		t.Fatal("the process died although its start time did not match")
	}
	hit, err := Terminate([]Process{p}, syscall.SIGKILL, 5*time.Second)
	if err != nil || len(hit) != 1 {
		t.Fatalf("Terminate: %v, %v", hit, err)
	}
	if p.Alive() {
		t.Fatal("still alive after Terminate")
	}
}

func TestProcStopAndLogs(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "p.log")
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	p, err := startProc("echo", sh, []string{"-c", "echo hello; exec sleep 60"}, os.Environ(), dir, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := poll(context.Background(), 5*time.Second, 20*time.Millisecond, "output", func() (bool, error) {
		return logTail(log, 1) == "hello", nil // the header line also names "hello"
	}); err != nil {
		t.Fatal(err)
	}
	if err := p.stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if !p.exited() {
		t.Fatal("not exited after stop")
	}
	if tail := logTail(log, 1); tail != "hello" {
		t.Fatalf("last log line %q, want hello", tail)
	}
}

func TestPollIsBounded(t *testing.T) {
	start := time.Now()
	err := poll(context.Background(), 100*time.Millisecond, 10*time.Millisecond, "never", func() (bool, error) {
		return false, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("got %v after %s", err, time.Since(start))
	}
}

func TestStartNeedsAssets(t *testing.T) {
	_, err := Start(context.Background(), Options{StateDir: t.TempDir(), AssetsDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "KUBEBUILDER_ASSETS") {
		t.Fatalf("got %v, want an error that says how to get the assets", err)
	}
}

func TestProcUsageOfSelf(t *testing.T) {
	buf := make([]byte, 8<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	u, err := ProcUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if u.RSSBytes < int64(len(buf)) || u.PeakRSSBytes < u.RSSBytes {
		t.Errorf("usage %+v: want RSS >= %d touched bytes and peak >= RSS", u, len(buf))
	}
	if u.CPUSeconds < 0 {
		t.Errorf("negative CPU time %v", u.CPUSeconds)
	}
	if _, err := ProcUsage(1 << 30); err == nil {
		t.Error("want an error for a process that does not exist")
	}
	_ = buf[len(buf)-1]
}

func TestEndPreviousStopsTheRunThenKillsTheRest(t *testing.T) {
	run, child := startSleep(t), startSleep(t)
	run.Name, child.Name = "demo", "manager"
	path := filepath.Join(t.TempDir(), "pids")
	if err := WritePIDFile(path, []Process{run, child}); err != nil {
		t.Fatal(err)
	}
	var said []string
	say := func(f string, a ...any) { said = append(said, fmt.Sprintf(f, a...)) }
	if err := EndPrevious(path, "demo", 5*time.Second, say); err != nil {
		t.Fatal(err)
	}
	if run.Alive() || child.Alive() {
		t.Fatal("a recorded process is still running")
	}
	want := []string{fmt.Sprintf("Stopped the demo run already going (pid %d)", run.PID),
		"Killed 1 processes left over from a previous run"}
	if strings.Join(said, "\n") != strings.Join(want, "\n") {
		t.Errorf("said %q, want %q", said, want)
	}
	said = nil
	if err := EndPrevious(filepath.Join(t.TempDir(), "none"), "demo", time.Second, say); err != nil || said != nil {
		t.Errorf("no pid file: %v, said %q", err, said)
	}
}
