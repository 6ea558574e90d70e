package localenv

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Usage is what the kernel accounts for one process.
type Usage struct {
	RSSBytes     int64   // resident set size now (VmRSS)
	PeakRSSBytes int64   // highest resident set size so far (VmHWM)
	CPUSeconds   float64 // user plus system CPU time so far
}

// clockTicks is USER_HZ, 100 on every Linux platform Go supports.
const clockTicks = 100

// ProcUsage reads a live process's memory and CPU time from /proc.
func ProcUsage(pid int) (Usage, error) {
	var u Usage
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch key {
		case "VmRSS":
			u.RSSBytes = kiB(val)
		case "VmHWM":
			u.PeakRSSBytes = kiB(val)
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, err
	}
	// Fields after the command name (which may hold spaces) start at state;
	// utime and stime are fields 14 and 15 of the whole line.
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 {
		return u, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(string(stat)[i+1:])
	if len(f) < 13 {
		return u, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	u.CPUSeconds = float64(utime+stime) / clockTicks
	return u, nil
}

// kiB parses a /proc "1234 kB" value into bytes.
func kiB(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
	return n * 1024
}

// ManagerUsage is the running manager's usage.
func (e *Env) ManagerUsage() (Usage, error) {
	pid := e.ManagerPID()
	if pid == 0 {
		return Usage{}, fmt.Errorf("no manager running")
	}
	return ProcUsage(pid)
}
