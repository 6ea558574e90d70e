package scp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// captureCreate records the body of the account-factory POST and answers 201;
// nothing goes on the network.
type captureCreate struct{ body []byte }

func (c *captureCreate) RoundTrip(req *http.Request) (*http.Response, error) {
	var err error
	if c.body, err = io.ReadAll(req.Body); err != nil {
		return nil, err
	}
	const out = `{"account_id":"acct-1","job_id":"job-1"}`
	return &http.Response{StatusCode: http.StatusCreated, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(out)), Request: req}, nil
}

// FuzzCreateBody: for any spec strings (display name, landing zone, parent
// unit, email, SSO user), Create never panics and sends a create body that is
// valid JSON and carries each value unchanged under its wire name, or fails
// with a terminal error naming the spec field before any upstream call.
func FuzzCreateBody(f *testing.F) {
	f.Add("Team A", "lz-1", "ou-one", "a@example.com", "sso@example.com", "sso-a", "Real A", true)
	f.Add("", "", "", "", "", "", "", false)
	f.Add("ü한 \"q\" <b>", "lz/../x?y", "ou%20", "a+b@x", "\u2028", "\x00", "\\", true)
	f.Fuzz(func(t *testing.T, name, zone, unit, email, ssoEmail, ssoName, ssoReal string, sso bool) {
		spec := &v1alpha1.SCPAccountSpec{LandingZoneID: apiString(zone), ParentUnitID: apiString(unit), Email: apiString(email)}
		if sso {
			spec.SSOUser = &v1alpha1.SCPSSOUser{Email: apiString(ssoEmail), Name: apiString(ssoName), RealName: apiString(ssoReal)}
		}
		a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: "acct", Namespace: "team"},
			Spec: v1alpha1.AccountSpec{DisplayName: apiString(name), SCP: spec}}
		capture := &captureCreate{}
		p, err := NewKind().New(adapter.Config{Spec: providerSpec("https://cc.test", "https://org.test"),
			Credentials: map[string][]byte{keyAccessKey: []byte("ak"), keySecretKey: []byte("sk")},
			HTTPClient:  &http.Client{Transport: capture}})
		if err != nil {
			t.Fatal(err)
		}
		req := request(a)
		if _, err := p.Create(context.Background(), req); err != nil {
			var te *adapter.Error
			if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec || !strings.HasPrefix(te.Message, "spec.") ||
				capture.body != nil {
				t.Fatalf("Create error %v names no spec field, or came after the upstream call", err)
			}
			return
		}
		var got map[string]string
		if !json.Valid(capture.body) || json.Unmarshal(capture.body, &got) != nil {
			t.Fatalf("create body is not a JSON object of strings: %q", capture.body)
		}
		want := map[string]string{"name": req.DisplayName(), "landing_zone_id": spec.LandingZoneID,
			"parent_unit_id": spec.ParentUnitID, "email": spec.Email}
		if u := spec.SSOUser; u != nil {
			want["sso_user_email"], want["sso_user_name"], want["sso_user_real_name"] = u.Email, u.Name, u.RealName
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("body %s: %s = %q, want %q", capture.body, k, got[k], v)
			}
		}
		if _, ok := got["sso_user_email"]; ok && !sso {
			t.Fatalf("body %s has SSO fields without spec.scp.ssoUser", capture.body)
		}
	})
}

// apiString is s as the API server hands it over: JSON, so valid UTF-8.
func apiString(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
