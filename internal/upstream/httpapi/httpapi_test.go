package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestSecretRedactsEverywhere(t *testing.T) {
	s := Secret("hunter2-sentinel")
	type holder struct{ S Secret }
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x", s, s, s, s, s, s),
		fmt.Sprintf("%v %+v", holder{s}, holder{s}), fmt.Sprintf("%#v", holder{s}),
	}
	b, _ := json.Marshal(holder{s})
	outs = append(outs, string(b))
	for _, o := range outs {
		if strings.Contains(o, "hunter2") {
			t.Fatalf("secret leaked: %s", o)
		}
	}
	if s.Reveal() != "hunter2-sentinel" {
		t.Fatal("Reveal lost the value")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Thu, 01 Jan 2026 00:00:10 GMT": 10 * time.Second,
		"Wed, 31 Dec 2025 00:00:10 GMT": 0,
	}
	for in, want := range cases {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestTruncateAndScrub(t *testing.T) {
	long := strings.Repeat("é", 300)
	got := Truncate(long)
	if len(got) > maxMessage+len("…") || !strings.HasSuffix(got, "…") {
		t.Fatalf("not truncated on a rune boundary: %d bytes", len(got))
	}
	if got := Scrub("token abcd1234 echoed", Secret("abcd1234"), Secret("")); got != "token [REDACTED] echoed" {
		t.Fatalf("Scrub = %q", got)
	}
}

// TestDoRetriesOnlyIdempotentCalls proves reads retry through 5xx and creates do not.
func TestDoRetriesOnlyIdempotentCalls(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) < 3 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"message":"busy secret-value"}`, http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := New(Config{Upstream: "test", BaseDelay: time.Millisecond,
		Secrets: func() []Secret { return []Secret{"secret-value"} }})
	build := func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	}
	if _, err := c.Do(context.Background(), Request{Operation: "Get", Idempotent: true, Build: build}); err != nil {
		t.Fatalf("idempotent call: %v", err)
	}
	if calls.Load() != 3 {
		t.Fatalf("calls = %d, want 3", calls.Load())
	}
	calls.Store(0)
	_, err := c.Do(context.Background(), Request{Operation: "Create", Build: build})
	if StatusCode(err) != http.StatusServiceUnavailable || calls.Load() != 1 {
		t.Fatalf("create: err=%v calls=%d, want one 503", err, calls.Load())
	}
	if !Retryable(err) || strings.Contains(err.Error(), "secret-value") {
		t.Fatalf("error not classified or not scrubbed: %v", err)
	}
}

// A call's own secret that the upstream echoes across the point where the
// message is cut must be removed whole, not half: secrets go before the cut.
func TestRequestSecretsAreRemovedBeforeTheCut(t *testing.T) {
	const secret = "S3ntinel-request-secret-0123456789abcdef"
	body := strings.Repeat("x", maxMessage-len(secret)/2) + secret + " tail"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, body, http.StatusBadRequest)
	}))
	defer srv.Close()
	c := New(Config{Upstream: "test"})
	_, err := c.Do(context.Background(), Request{Operation: "Create", Secrets: []Secret{secret},
		Build: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
		}})
	if StatusCode(err) != http.StatusBadRequest {
		t.Fatalf("err = %v, want a 400", err)
	}
	for i := 8; i <= len(secret); i++ {
		if strings.Contains(err.Error(), secret[:i]) {
			t.Fatalf("the first %d characters of the secret show: %v", i, err)
		}
	}
}
