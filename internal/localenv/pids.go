package localenv

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Process is one process of the environment, identified by its pid and its
// start time (in clock ticks since boot, from /proc). The start time tells a
// recorded process from an unrelated one that later got the same pid.
type Process struct {
	PID   int
	Start uint64
	Name  string
}

// procStat reads the state letter and start time of pid from /proc/pid/stat.
func procStat(pid int) (state byte, start uint64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name (field 2) may hold spaces and parentheses: the
	// remaining fields start after its last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	// f[0] is field 3 (state), so field 22 (starttime) is f[19].
	start, err = strconv.ParseUint(f[19], 10, 64)
	return f[0][0], start, err
}

// Describe returns the Process for a running pid.
func Describe(pid int, name string) (Process, error) {
	_, start, err := procStat(pid)
	return Process{PID: pid, Start: start, Name: name}, err
}

// Alive reports whether p still runs: same pid and start time, not a zombie.
func (p Process) Alive() bool {
	state, start, err := procStat(p.PID)
	return err == nil && start == p.Start && state != 'Z'
}

// Processes lists the environment's running processes: the manager and its
// replicas, the sandbox, and the control plane (found as this process's
// children running binaries from the assets directory, since envtest does not
// expose them).
func (e *Env) Processes() []Process {
	var out []Process
	for _, p := range append(e.replicaProcs(), e.manager, e.sandbox) {
		if p != nil && !p.exited() {
			if d, err := Describe(p.pid(), p.name); err == nil {
				out = append(out, d)
			}
		}
	}
	return append(out, childrenIn(e.assets)...)
}

// childrenIn lists this process's children whose executable is in dir.
func childrenIn(dir string) []Process {
	ents, _ := os.ReadDir("/proc")
	var out []Process
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil || !isChild(pid) {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil || filepath.Dir(exe) != filepath.Clean(dir) {
			continue
		}
		if d, err := Describe(pid, filepath.Base(exe)); err == nil {
			out = append(out, d)
		}
	}
	return out
}

func isChild(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "PPid:"); ok {
			return strings.TrimSpace(v) == strconv.Itoa(os.Getpid())
		}
	}
	return false
}

// WritePIDFile records procs, one "pid start name" line each, so a later run
// can end them if this one dies without stopping them.
func WritePIDFile(path string, procs []Process) error {
	var b strings.Builder
	for _, p := range procs {
		fmt.Fprintf(&b, "%d %d %s\n", p.PID, p.Start, p.Name)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ReadPIDFile reads what WritePIDFile wrote; a missing file is no processes.
func ReadPIDFile(path string) ([]Process, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Process
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p Process
		if _, err := fmt.Sscanf(sc.Text(), "%d %d %s", &p.PID, &p.Start, &p.Name); err != nil {
			return nil, fmt.Errorf("%s: bad line %q: %w", path, sc.Text(), err)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// Terminate sends sig to each process in procs that is still the recorded
// one, then waits up to timeout for all of them to be gone. It returns the
// ones it signalled.
func Terminate(procs []Process, sig syscall.Signal, timeout time.Duration) ([]Process, error) {
	var hit []Process
	for _, p := range procs {
		if !p.Alive() {
			continue
		}
		if err := syscall.Kill(p.PID, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			return hit, fmt.Errorf("signal %s (pid %d): %w", p.Name, p.PID, err)
		}
		hit = append(hit, p)
	}
	deadline := time.Now().Add(timeout)
	for _, p := range hit {
		for p.Alive() {
			if time.Now().After(deadline) {
				return hit, fmt.Errorf("%s (pid %d) still running %s after %s", p.Name, p.PID, timeout, sig)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return hit, nil
}

// EndPrevious stops what a previous run of a program recorded in pidFile and
// is still running (same pid and start time): the run itself (the processes
// named leader) is asked to stop with SIGTERM, given grace to stop its own
// children; whatever is left is killed. say reports what was stopped.
func EndPrevious(pidFile, leader string, grace time.Duration, say func(string, ...any)) error {
	procs, err := ReadPIDFile(pidFile)
	if err != nil {
		return err
	}
	var runs, rest []Process
	for _, p := range procs {
		if p.Name == leader {
			runs = append(runs, p)
		} else {
			rest = append(rest, p)
		}
	}
	if hit, err := Terminate(runs, syscall.SIGTERM, grace); err != nil {
		return err
	} else if len(hit) > 0 {
		say("Stopped the %s run already going (pid %d)", leader, hit[0].PID)
	}
	hit, err := Terminate(rest, syscall.SIGKILL, 15*time.Second)
	if len(hit) > 0 {
		say("Killed %d processes left over from a previous run", len(hit))
	}
	return err
}
