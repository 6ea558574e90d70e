package ccm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
)

// No secret value used in these tests appears in an error, in what the
// provider returns for events and status, or in the provider itself printed.
func TestSecretsNeverInErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var errs []error
	var printed []string

	bad, err := ccmadapter.NewKind().New(adapter.Config{Spec: providerSpec(e.srv.URL, ""),
		Credentials: map[string][]byte{"username": []byte(adminEmail), "password": []byte(rotatedSecret)}})
	if err != nil {
		t.Fatal(err)
	}
	errs = append(errs, bad.Verify(ctx))
	_, err = bad.Create(ctx, e.req(account("x", e.fullSpec())))
	errs = append(errs, err)

	a := account("team-a", e.fullSpec())
	c := e.create(t, a)
	printed = append(printed, fmt.Sprintf("%+v %#v", c, e.prov))
	_, err = e.prov.Create(ctx, e.req(account("team-a", e.fullSpec())))
	errs = append(errs, err) // duplicate name

	e.sb.Faults().FailNext("UpdateAccount", 1, 422, 0)
	e.sb.Faults().FailNext("CreateAccount", 1, 400, 0)
	o := e.observe(t, a)
	printed = append(printed, fmt.Sprintf("%+v", o))
	_, err = e.prov.Update(ctx, e.req(a), o) // carries the PCR; fails with 422
	errs = append(errs, err)
	_, err = e.prov.Create(ctx, e.req(account("other", e.fullSpec())))
	errs = append(errs, err) // 400 carrying every secret in the body

	e.res.setSecret("okta", "clientSecret", []byte(rotatedSecret))
	e.sb.Faults().FailNext("UpdateAccount", 1, 400, 0)
	o = e.observe(t, a)
	_, err = e.prov.Update(ctx, e.req(a), o) // mod with the rotated secret; 400
	errs = append(errs, err)

	e.res.del("idp-tls", "tls.key")
	_, err = e.prov.Observe(ctx, e.req(a))
	errs = append(errs, err)

	status, _ := json.Marshal(a.Status)
	printed = append(printed, string(status))
	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: expected an error", i)
			continue
		}
		printed = append(printed, err.Error(), fmt.Sprintf("%+v", err))
	}
	for _, s := range printed {
		for _, secret := range sentinels {
			if strings.Contains(s, secret) {
				t.Errorf("secret %q leaked in %q", secret, s)
			}
		}
	}
}

// appliedHash is keyed with the provider password: another key gives another
// hash for the same spec, so it cannot be matched against guessed secrets.
func TestAppliedHashIsKeyed(t *testing.T) {
	e1 := newEnv(t)
	a := account("team-a", e1.fullSpec())
	e1.create(t, a)
	e2 := newEnvWithPassword(t, "another-key")
	b := account("team-a", e2.fullSpec())
	e2.create(t, b)
	h1, h2 := a.Status.CCM.AppliedHash, b.Status.CCM.AppliedHash
	if h1 == "" || h1 == h2 {
		t.Errorf("hashes of one spec under two keys: %q and %q", h1, h2)
	}
}
