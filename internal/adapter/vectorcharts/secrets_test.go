package vectorcharts

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// TestErrorsNeverCarrySecrets drives every failure path with known secret
// values, including an upstream that echoes the whole request (bearer header
// and body) into its error messages, and checks no error string shows them.
func TestErrorsNeverCarrySecrets(t *testing.T) {
	e := newEnv(t)
	var seen errs
	secrets := []string{adminToken, viewerToken, specPassword}

	// Credentials the portal refuses.
	seen.add(e.provider(t, viewerToken).Verify(ctxT(t)))
	seen.add(e.provider(t, "S3ntinel-unknown-token").Verify(ctxT(t)))

	// A duplicate username, created with a password from the spec.
	a := newAccount("dup", "dup@x.io")
	a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "pw", Key: "password"}
	res := resolver{"pw": {"password": []byte(specPassword)}}
	c := e.created(t, newRequest(a, res))
	secrets = append(secrets, string(c.Details["token"]))
	dup := newRequest(a, res)
	dup.Connection["password"] = []byte(specPassword)
	_, err := e.p.Create(ctxT(t), dup)
	if seen.add(err) == nil {
		t.Fatal("duplicate create succeeded")
	}

	// A missing password key, and injected upstream failures.
	a.Spec.VectorCharts.PasswordSecretRef.Key = "nope"
	_, err = e.p.Prepare(ctxT(t), newRequest(a, res))
	seen.add(err)
	e.sb.Faults().FailNext("CreateAccount", 1, http.StatusInternalServerError, 0)
	fresh := newRequest(newAccount("five", "five@x.io"), res)
	fresh.Connection["password"] = []byte(specPassword)
	_, err = e.p.Create(ctxT(t), fresh)
	seen.add(err)
	e.sb.Faults().FailNext("CreateApiToken", 1, http.StatusInternalServerError, 0)
	req := existing(c.ID, "dup@x.io")
	req.Account.Name = "dup"
	obs, err := e.p.Observe(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.p.Update(ctxT(t), req, obs)
	seen.add(err)

	// An upstream that echoes the request into every error.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("bad request from " + r.Header.Get("Authorization") + ": " + string(body)))
	}))
	t.Cleanup(echo.Close)
	spec := &v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{URL: v1alpha1.HTTPSURL(echo.URL)}}
	pp, err := NewKind().New(adapter.Config{Spec: spec, Credentials: map[string][]byte{"token": []byte(adminToken)},
		HTTPClient: echo.Client()})
	if err != nil {
		t.Fatal(err)
	}
	seen.add(pp.Verify(ctxT(t)))
	_, err = pp.Create(ctxT(t), fresh)
	seen.add(err)
	_, err = pp.Observe(ctxT(t), req)
	seen.add(err)
	_, err = pp.Delete(ctxT(t), req)
	seen.add(err)

	if len(seen) < 10 {
		t.Fatalf("only %d failures were provoked", len(seen))
	}
	for _, err := range seen {
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q leaks a secret value", err.Error())
			}
		}
	}
}
