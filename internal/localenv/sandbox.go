package localenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The sandbox's credentials. They guard loopback simulators only, so they
// are fixed demo values that tests and the demo write into Secrets.
const (
	CCMUser              = "admin@example.com"
	CCMPassword          = "admin-password"
	SCPAccessKey         = "sandbox-access-key"
	SCPSecretKey         = "sandbox-secret-key"
	VectorChartsAdminKey = "sandbox-admin-token"
)

// SandboxURLs are where the sandbox binary serves each upstream. SCP serves
// Cloud Control and Organization on one listener.
type SandboxURLs struct {
	CCM          string `json:"ccm"`
	SCP          string `json:"scp"`
	VectorCharts string `json:"vectorcharts"`
	Admin        string `json:"admin"`
}

// sandboxArgs are the sandbox flags: every port picked by the kernel, the
// resolved URLs in a file, and short asynchronous delays so SCP registration
// and deletes finish in about a second. extra comes last and wins.
func sandboxArgs(addrFile string, extra []string) []string {
	args := []string{
		"-ccm-addr=127.0.0.1:0", "-scp-addr=127.0.0.1:0", "-vectorcharts-addr=127.0.0.1:0", "-admin-addr=127.0.0.1:0",
		"-addr-file=" + addrFile,
		"-ccm-user=" + CCMUser, "-ccm-password=" + CCMPassword,
		"-scp-access-key=" + SCPAccessKey, "-scp-secret-key=" + SCPSecretKey,
		"-vectorcharts-admin-token=" + VectorChartsAdminKey,
		"-scp-registration-delay=1s", "-scp-closure-delay=1s", "-vectorcharts-job-delay=1s",
	}
	return append(args, extra...)
}

// waitSandbox waits for the address file the sandbox writes once every
// listener is open, failing fast if the sandbox exits.
func waitSandbox(ctx context.Context, p *proc, addrFile string) (SandboxURLs, error) {
	var urls SandboxURLs
	err := poll(ctx, time.Minute, 50*time.Millisecond, "sandbox address file", func() (bool, error) {
		if p.exited() {
			return false, p.exitError()
		}
		b, err := os.ReadFile(addrFile)
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return true, json.Unmarshal(b, &urls)
	})
	if err == nil && (urls.CCM == "" || urls.SCP == "" || urls.VectorCharts == "" || urls.Admin == "") {
		err = fmt.Errorf("sandbox address file %s lacks a URL: %+v", addrFile, urls)
	}
	return urls, err
}

func (e *Env) startSandbox(ctx context.Context) error {
	var err error
	e.sandbox, e.URLs, err = e.runSandbox(ctx, "sandbox", e.opts.SandboxArgs)
	return err
}

// runSandbox starts one sandbox process named name (its log is
// logs/<name>.log) and waits until it serves.
func (e *Env) runSandbox(ctx context.Context, name string, extra []string) (*proc, SandboxURLs, error) {
	addrFile := filepath.Join(e.StateDir, name+"-addrs.json")
	_ = os.Remove(addrFile)
	p, err := startProc(name, e.bin("sandbox"), sandboxArgs(addrFile, extra),
		os.Environ(), e.StateDir, filepath.Join(e.StateDir, "logs", name+".log"))
	if err != nil {
		return nil, SandboxURLs{}, err
	}
	urls, err := waitSandbox(ctx, p, addrFile)
	if err != nil {
		_ = p.stop(5 * time.Second)
	}
	return p, urls, err
}

// Sandbox is a further sandbox process beside the environment's own, for
// example one started with the flags of undocumented upstream variants.
type Sandbox struct {
	URLs SandboxURLs
	p    *proc
}

// StartSandbox starts a further sandbox named name with extra flags (the
// credentials are the environment's). Stop it when done.
func (e *Env) StartSandbox(ctx context.Context, name string, extra []string) (*Sandbox, error) {
	p, urls, err := e.runSandbox(ctx, name, extra)
	if err != nil {
		return nil, err
	}
	return &Sandbox{URLs: urls, p: p}, nil
}

// Stop ends the sandbox process.
func (s *Sandbox) Stop() error { return s.p.stop(10 * time.Second) }

// AdminGet reads JSON from this sandbox's admin endpoint.
func (s *Sandbox) AdminGet(ctx context.Context, path string, out any) error {
	return admin(ctx, s.URLs.Admin, http.MethodGet, path, nil, out)
}

// adminClient bounds every admin call: the admin endpoint answers from memory.
var adminClient = &http.Client{Timeout: 10 * time.Second}

// AdminGet reads JSON from the sandbox admin endpoint, e.g. "/ccm/accounts".
func (e *Env) AdminGet(ctx context.Context, path string, out any) error {
	return admin(ctx, e.URLs.Admin, http.MethodGet, path, nil, out)
}

// AdminPost sends body as JSON to the sandbox admin endpoint, e.g.
// "/ccm/latency" with {"FixedMillis": 200}.
func (e *Env) AdminPost(ctx context.Context, path string, body any) error {
	return admin(ctx, e.URLs.Admin, http.MethodPost, path, body, nil)
}

// AdminDelete sends DELETE to the sandbox admin endpoint, e.g.
// "/ccm/faults" (every fault cleared, the counters kept).
func (e *Env) AdminDelete(ctx context.Context, path string) error {
	return admin(ctx, e.URLs.Admin, http.MethodDelete, path, nil, nil)
}

func admin(ctx context.Context, base, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := adminClient.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("sandbox admin %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sandbox admin %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}
