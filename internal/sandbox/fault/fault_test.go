package fault

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

func serve(t *testing.T, in *Injector, committed *atomic.Int32) *httptest.Server {
	t.Helper()
	h := in.Wrap("Create", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		committed.Add(1)
		_, _ = w.Write([]byte("ok"))
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string, error) {
	t.Helper()
	// POST: Go's transport silently retries a GET whose connection dropped.
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), err
}

func TestFailNextThenPass(t *testing.T) {
	in, committed := New(), &atomic.Int32{}
	srv := serve(t, in, committed)
	in.FailNext("Create", 2, 503, 7)
	for i, want := range []int{503, 503, 200} {
		code, ra, err := get(t, srv.URL)
		if err != nil || code != want {
			t.Fatalf("call %d: code=%d err=%v, want %d", i, code, err, want)
		}
		if want == 503 && ra != "7" {
			t.Fatalf("Retry-After = %q", ra)
		}
	}
	if committed.Load() != 1 || in.Calls()["Create"] != 3 {
		t.Fatalf("committed=%d calls=%v", committed.Load(), in.Calls())
	}
}

func TestCommitThenFailAndDrop(t *testing.T) {
	in, committed := New(), &atomic.Int32{}
	srv := serve(t, in, committed)
	in.Add(Rule{Operation: "Create", Count: 1, Status: 500, Mode: CommitThenFail})
	if code, _, _ := get(t, srv.URL); code != 500 || committed.Load() != 1 {
		t.Fatalf("commit-then-fail: code=%d committed=%d", code, committed.Load())
	}
	in.Add(Rule{Operation: "Create", Count: 1, Mode: CommitThenDrop})
	if _, _, err := get(t, srv.URL); err == nil || committed.Load() != 2 {
		t.Fatalf("commit-then-drop: err=%v committed=%d", err, committed.Load())
	}
}

func TestRateLimit(t *testing.T) {
	in, committed := New(), &atomic.Int32{}
	srv := serve(t, in, committed)
	in.SetRateLimit(0.001, 2)
	codes := []int{}
	for range 3 {
		code, _, _ := get(t, srv.URL)
		codes = append(codes, code)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("codes = %v, want 200 200 429", codes)
	}
	in.Reset()
	if code, _, _ := get(t, srv.URL); code != 200 {
		t.Fatalf("after reset: %d", code)
	}
}

func TestAccountWritesByID(t *testing.T) {
	in := New()
	in.AccountWrite("a")
	in.AccountWrite("a")
	in.AccountWrite("b")
	if w := in.AccountWrites(); w["a"] != 2 || w["b"] != 1 || len(w) != 2 {
		t.Fatalf("AccountWrites %v, want a:2 b:1", w)
	}
	in.ResetCalls()
	if w := in.AccountWrites(); len(w) != 0 {
		t.Fatalf("AccountWrites after ResetCalls %v, want none", w)
	}
}
