package scp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/internal/adapter"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

const wrongSecretKey = "Wrong-Secret-Key-Sentinel-4242"

// errorsOfEveryCall runs every Adapter method and returns the errors.
func errorsOfEveryCall(t *testing.T, p adapter.Upstream, id string) []error {
	t.Helper()
	ctx := context.Background()
	a := newAccount("secretive")
	a.Status.AccountID = id
	_, errCreate := p.Create(ctx, request(a))
	_, errFind := p.Find(ctx, request(a))
	_, errObserve := p.Observe(ctx, request(a))
	_, errUpdate := p.Update(ctx, request(a), adapter.Observation{})
	_, errDelete := p.Delete(ctx, request(a))
	return []error{p.Verify(ctx), errCreate, errFind, errObserve, errUpdate, errDelete}
}

func assertNoSecrets(t *testing.T, errs []error) {
	t.Helper()
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d: no error", i)
			continue
		}
		for _, s := range []string{testSecretKey, wrongSecretKey} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("call %d: error %q contains a secret key", i, err)
			}
		}
	}
}

// A wrong secret key gives 401 on every call: terminal, Unauthorized, and the
// error text never holds either key.
func TestWrongSecretKeyIsUnauthorizedWithoutLeaks(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	id := f.sb.CreateAccountDirect("secretive", "ou-one")
	p := f.build(t, f.cc.URL, wrongSecretKey)
	errs := errorsOfEveryCall(t, p, id)
	assertNoSecrets(t, errs)
	for i, err := range errs {
		if adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != "Unauthorized" {
			t.Errorf("call %d: %v classified %v/%s, want terminal Unauthorized", i, err, adapter.Classify(err), adapter.Reason(err))
		}
		if !strings.Contains(err.Error(), "401") {
			t.Errorf("call %d: %q lacks the status", i, err)
		}
	}
}

// An upstream that echoes the request's credentials in its error bodies
// (a misconfigured gateway) must not get them into our errors.
func TestEchoedCredentialsAreScrubbed(t *testing.T) {
	f := newFixture(t, scpsandbox.Options{})
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors":[{"status":400,"detail":"bad key ` + testSecretKey +
			` for ` + r.Header.Get("Scp-Accesskey") + `"}]}`))
	}))
	t.Cleanup(echo.Close)
	p := f.build(t, echo.URL, testSecretKey)
	ctx := context.Background()
	_, err := p.Create(ctx, request(newAccount("echoed")))
	assertNoSecrets(t, []error{err})
	if strings.Contains(err.Error(), testAccessKey) {
		t.Errorf("error %q contains the access key", err)
	}
}
