package vectorcharts

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// captureCreate records the createAccount body and answers it as the portal
// does; nothing goes on the network.
type captureCreate struct{ body []byte }

func (c *captureCreate) RoundTrip(req *http.Request) (*http.Response, error) {
	var err error
	if c.body, err = io.ReadAll(req.Body); err != nil {
		return nil, err
	}
	const out = `{"account":{"id":7,"name":"x","planInstance":"oem"},"user":{"id":8,"accountId":7},` +
		`"initialToken":{"id":"tok","userId":8,"accountId":7}}`
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(out)), Request: req}, nil
}

// FuzzCreateBody: for any display name, username and password (generated or
// from a Secret, which may hold any bytes), Prepare and Create never panic;
// they either fail with a terminal error naming the spec field, or send a
// createAccount body that is valid JSON and carries exactly the name, the
// username and the password stored in the connection Secret.
func FuzzCreateBody(f *testing.F) {
	f.Add("Team A", "owner@team-a.io", []byte("S3ntinel-spec-password"), true)
	f.Add("", "u", []byte(nil), false)
	f.Add("ü \"quoted\" <b>&amp;", "a+b@x", []byte("abc"), true)
	f.Add("\u2028\x00", "\t", []byte("pässwörd"), true)
	f.Add("name", "u@x", []byte("long-enough-\xff\xfe-password"), true) // not UTF-8: refused
	f.Fuzz(func(t *testing.T, displayName, username string, password []byte, fromSecret bool) {
		a := newAccount("acct", apiString(username))
		a.Spec.DisplayName = apiString(displayName)
		res := resolver{}
		if fromSecret {
			a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "pw", Key: "password"}
			res["pw"] = map[string][]byte{"password": password}
		}
		req := newRequest(a, res)
		capture := &captureCreate{}
		p, err := NewKind().New(adapter.Config{Spec: &v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{
			URL: "https://vc.test"}}, Credentials: map[string][]byte{"token": []byte("admin")},
			HTTPClient: &http.Client{Transport: capture}})
		if err != nil {
			t.Fatal(err)
		}
		data, err := p.(*Adapter).Prepare(context.Background(), req)
		if err != nil {
			checkFieldError(t, err, "spec.vectorCharts.passwordSecretRef")
			return
		}
		merge(req.Connection, data)
		if _, err := p.Create(context.Background(), req); err != nil {
			t.Fatalf("Create: %v", err)
		}
		checkCreateBody(t, capture.body, req)
	})
}

func checkCreateBody(t *testing.T, body []byte, req *adapter.Request) {
	t.Helper()
	var got map[string]string
	if !json.Valid(body) || json.Unmarshal(body, &got) != nil {
		t.Fatalf("createAccount body is not a JSON object of strings: %q", body)
	}
	pw := string(req.Connection[keyPassword])
	if !utf8.ValidString(pw) {
		// JSON would turn it into U+FFFD: the portal would get another
		// password than the connection Secret holds. Prepare refuses it.
		t.Fatalf("Prepare accepted a password that is not UTF-8: %q", pw)
	}
	want := map[string]string{"name": req.DisplayName(), "username": req.Account.Spec.VectorCharts.Username, "password": pw}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("body %s: %s = %q, want %q", body, k, got[k], v)
		}
	}
}

// checkFieldError: a terminal InvalidSpec error whose message starts with the field.
func checkFieldError(t *testing.T, err error, field string) {
	t.Helper()
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec || !strings.HasPrefix(te.Message, field) {
		t.Fatalf("error %v does not name %s", err, field)
	}
}

// apiString is s as the API server hands it over: JSON, so valid UTF-8.
func apiString(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
