package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testUser     = "demo@example.com"
	testPassword = "demo-password"
	testToken    = "demo-vc-token"
)

var httpc = &http.Client{Timeout: 5 * time.Second}

// lockedBuffer lets the test read what run writes from another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is one run() in a goroutine.
type running struct {
	urls   map[string]string
	out    *lockedBuffer
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	err    error         // what run returned; read after done
}

// wait waits (bounded) for run to return and gives its error.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s")
		return errors.New("unreachable")
	}
}

// loopbackArgs listen on free loopback ports and write the addr file.
func loopbackArgs(addrFile string) []string {
	return []string{"-ccm-addr", "127.0.0.1:0", "-scp-addr", "127.0.0.1:0",
		"-vectorcharts-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-addr-file", addrFile,
		"-ccm-user", testUser, "-ccm-password", testPassword, "-vectorcharts-admin-token", testToken}
}

// start runs the sandbox and waits (bounded) for its addr file.
func start(t *testing.T, extra ...string) *running {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addrs.json")
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{out: &lockedBuffer{}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = run(ctx, append(loopbackArgs(addrFile), extra...), r.out)
	}()
	t.Cleanup(func() {
		cancel()
		_ = r.wait(t)
	})
	r.urls = waitAddrFile(t, addrFile, r)
	return r
}

func waitAddrFile(t *testing.T, path string, r *running) map[string]string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			t.Fatalf("run returned before listening: %v", r.err)
		default:
		}
		if b, err := os.ReadFile(path); err == nil {
			var urls map[string]string
			if err := json.Unmarshal(b, &urls); err != nil {
				t.Fatalf("addr file %s: %v", b, err)
			}
			return urls
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no addr file within 10s")
	return nil
}

// call makes one request and returns status and body.
func call(t *testing.T, method, url, body string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := httpc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// ccmLogin logs in through the CCM API with Basic auth.
func ccmLogin(t *testing.T, base, user, password string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/v1/sys/auth", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, password)
	return do(t, req)
}

// getJSON reads an admin endpoint into v.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	code, body := call(t, http.MethodGet, url, "")
	if code != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, code, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
}
