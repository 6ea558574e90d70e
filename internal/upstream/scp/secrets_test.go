package scp

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

const (
	leakAK = "AKIA-leaky-access-key"
	leakSK = "super-secret-signing-key"
)

// An upstream that echoes the caller's keys in every error it can.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut {
			_, _ = fmt.Fprintf(w, `{"success_ids":[],"failed_ids":[{"failed_id":"acc","error_code":"E.%s","failed_caused":"key %s secret %s"}]}`,
				leakAK, leakAK, leakSK)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"errors":[{"status":400,"code":"Bad.%s","detail":["access key %s", "secret %s", "sig %s"]}]}`,
			leakAK, leakAK, leakSK, r.Header.Get("Scp-Signature"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSecretsNeverInErrors(t *testing.T) {
	ctx := context.Background()
	var errs []error
	collect := func(_ any, err error) { errs = append(errs, err) }

	echo := echoServer(t)
	c, err := New(Config{CloudControlURL: echo.URL, OrganizationURL: echo.URL, AccessKey: leakAK, SecretKey: leakSK,
		MaxRetries: 1, BaseDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	collect(c.CreateAccount(ctx, createReq("team-a")))
	collect(c.GetAccount(ctx, "acc"))
	collect(c.MoveAccount(ctx, "org", "acc", "ou-1"))
	errs = append(errs, c.DeleteAccount(ctx, "acc"), c.Verify(ctx))

	// The sandbox with these keys registered under another secret: 401s,
	// plus timeouts and injected faults.
	f := newFixture(t, withKeys(leakAK, leakSK), func(o *scpsandbox.Options, cfg *Config) {
		o.Credentials = []scpsandbox.Credential{{AccessKey: leakAK, SecretKey: "the-real-secret"}}
		cfg.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
		cfg.MaxRetries = 1
	})
	collect(f.client.CreateAccount(ctx, createReq("team-a")))
	collect(f.client.GetBaselineAssignment(ctx, "acc"))
	f.sb.Faults().FailNext("GetAccount", 2, 500, 0)
	collect(f.client.GetAccount(ctx, "acc"))
	f.sb.Faults().SetLatency(fault.Latency{Fixed: 200 * time.Millisecond})
	collect(f.client.AccountsNamed(ctx, "team-a"))

	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d did not fail", i)
		}
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(s, leakAK) || strings.Contains(s, leakSK) {
				t.Errorf("error %d leaks a key: %s", i, s)
			}
		}
	}
}

func TestConfigAndClientRedact(t *testing.T) {
	cfg := Config{CloudControlURL: "https://cc.example.com", OrganizationURL: "https://org.example.com",
		AccessKey: leakAK, SecretKey: leakSK}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{cfg, &cfg, c, *c} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, leakAK) || strings.Contains(s, leakSK) {
				t.Errorf("%s of %T leaks: %s", verb, v, s)
			}
		}
	}
}
