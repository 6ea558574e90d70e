package ccm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// missingStatuses are the two answers CCM may give for a deleted account.
var missingStatuses = []int{http.StatusNotFound, http.StatusForbidden}

// An account deleted behind the operator's back is NotFound, whether CCM
// answers 404 or 403 for it: Observe says it does not exist, Update says
// not found, and Delete is done.
func TestDeletedAccountIsGoneUnderEitherStatus(t *testing.T) {
	for _, status := range missingStatuses {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			e := newVariantEnv(t, ccmsandbox.Variants{MissingAccountStatus: status})
			a := account("gone", &v1alpha1.CCMAccountSpec{})
			e.create(t, a)
			e.sb.DeleteAccountDirect(a.Status.AccountID)
			o, err := e.prov.Observe(context.Background(), e.req(a))
			if err != nil || o.Exists {
				t.Fatalf("Observe = %+v, %v; want Exists false", o, err)
			}
			a.Spec.DisplayName = "renamed"
			_, err = e.prov.Update(context.Background(), e.req(a), o)
			if adapter.Classify(err) != adapter.ClassNotFound {
				t.Errorf("Update = %v, want not found", err)
			}
			calls := e.calls(func() {
				if done, err := e.prov.Delete(context.Background(), e.req(a)); err != nil || !done {
					t.Errorf("Delete = %v, %v; want done", done, err)
				}
			})
			if calls["DeleteAccount"] != 0 || calls["SelectAccount"] == 0 {
				t.Errorf("Delete calls %v: select_account refuses, DELETE is not sent", calls)
			}
		})
	}
}

// A real 403, a role the operator's user lacks on an account it belongs to,
// stays a 403 (Unauthorized, terminal) under either variant; it is not
// mistaken for a deleted account.
func TestMissingRoleIsStillForbidden(t *testing.T) {
	for _, status := range missingStatuses {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			e := newVariantEnv(t, ccmsandbox.Variants{MissingAccountStatus: status})
			a := account("managed", &v1alpha1.CCMAccountSpec{})
			e.create(t, a)
			e.sb.AddMember(a.Status.AccountID, readerEmail, "READER")
			reader := e.providerAs(t, readerEmail, readerPassword)
			o, err := reader.Observe(context.Background(), e.req(a))
			if err != nil || !o.Exists || !o.UpToDate {
				t.Fatalf("reader Observe = %+v, %v", o, err)
			}
			a.Spec.DisplayName = "renamed"
			if o, err = reader.Observe(context.Background(), e.req(a)); err != nil || o.UpToDate {
				t.Fatalf("reader Observe after rename = %+v, %v", o, err)
			}
			_, err = reader.Update(context.Background(), e.req(a), o)
			if adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != "Unauthorized" {
				t.Errorf("reader Update = %v (%s); want terminal Unauthorized", err, adapter.Reason(err))
			}
			done, err := reader.Delete(context.Background(), e.req(a))
			if done || adapter.Classify(err) != adapter.ClassTerminal || adapter.Reason(err) != "Unauthorized" {
				t.Errorf("reader Delete = %v, %v; want terminal Unauthorized", done, err)
			}
			if len(e.sb.Accounts()) != 1 {
				t.Error("the account is gone")
			}
		})
	}
}

// Decision: an account the operator's user is not a member of (removed from
// it, or an externalID it never had access to) is answered 403 and is not
// in the user's listing; it is gone from the operator's view, as a deleted
// one is, and a delete is done. The message the controller shows then says
// the upstream account no longer exists for it.
func TestAccountOfOthersIsGoneFromTheOperatorsView(t *testing.T) {
	e := newVariantEnv(t, ccmsandbox.Variants{})
	a := account("theirs", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	other := e.providerAs(t, readerEmail, readerPassword)
	if o, err := other.Observe(context.Background(), e.req(a)); err != nil || o.Exists {
		t.Errorf("Observe by a non-member = %+v, %v; want Exists false", o, err)
	}
	if done, err := other.Delete(context.Background(), e.req(a)); err != nil || !done {
		t.Errorf("Delete by a non-member = %v, %v; want done", done, err)
	}
}

// The listing that tells gone from forbidden can fail too: then the error is
// the listing's, transient, and nothing is concluded.
func TestGoneCheckListingFailureIsRetried(t *testing.T) {
	e := newVariantEnv(t, ccmsandbox.Variants{MissingAccountStatus: http.StatusForbidden})
	a := account("unsure", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	e.sb.DeleteAccountDirect(a.Status.AccountID)
	e.sb.Faults().FailNext("ListAccounts", 10, http.StatusServiceUnavailable, 0)
	_, err := e.prov.Observe(context.Background(), e.req(a))
	if adapter.Classify(err) != adapter.ClassTransient {
		t.Errorf("Observe with the listing down = %v, want transient", err)
	}
	e.sb.Faults().Reset()
	if o, err := e.prov.Observe(context.Background(), e.req(a)); err != nil || o.Exists {
		t.Errorf("Observe once the listing answers = %+v, %v", o, err)
	}
}

// variantCases are the sandbox's undocumented behaviours, one at a time and
// all at once.
var variantCases = []struct {
	name string
	v    ccmsandbox.Variants
}{
	{"documented", ccmsandbox.Variants{}},
	{"missing account 403", ccmsandbox.Variants{MissingAccountStatus: http.StatusForbidden}},
	{"select 204", ccmsandbox.Variants{SelectNoContent: true}},
	{"select at em-client path", ccmsandbox.Variants{SelectPath: ccmsandbox.SelectAccounts, SelectNoContent: true}},
	{"expiry in ms", ccmsandbox.Variants{ExpiryMillis: true}},
	{"logo re-encoded", ccmsandbox.Variants{NormaliseLogo: true}},
	{"URLs normalised", ccmsandbox.Variants{NormaliseURLs: true}},
	{"configs reordered", ccmsandbox.Variants{ReorderConfigs: true}},
	{"configs re-keyed", ccmsandbox.Variants{RekeyConfigs: true}},
	{"everything", ccmsandbox.Variants{MissingAccountStatus: http.StatusForbidden, SelectNoContent: true,
		SelectPath: ccmsandbox.SelectAccounts, ExpiryMillis: true, NormaliseLogo: true, NormaliseURLs: true,
		ReorderConfigs: true, RekeyConfigs: true}},
}

// normalisableSpec is the full spec with URLs CCM may write another way.
func (e *env) normalisableSpec() *v1alpha1.CCMAccountSpec {
	spec := e.fullSpec()
	o := spec.AuthConfigs[1].OAuth
	o.IDPIconURL = "https://IdP.Example.COM:443"
	o.AuthorizationEndpoint = "HTTPS://idp.example.com/Authorize/"
	return spec
}

// Under every variant, the full spec converges with a bounded number of
// writes, stays converged with none, applies a real change with one PATCH,
// and an account deleted behind the operator's back ends as not found.
func TestConvergesUnderEachVariant(t *testing.T) {
	for _, tc := range variantCases {
		t.Run(tc.name, func(t *testing.T) {
			e := newVariantEnv(t, tc.v)
			a := account("team-a", e.normalisableSpec())
			writes := e.calls(func() {
				e.create(t, a)
				e.converge(t, a, 4)
			})
			if writes["CreateAccount"] != 1 || writes["UpdateAccount"] > 2 {
				t.Errorf("converging took %v", writes)
			}
			steady := e.calls(func() {
				for range 3 {
					if o := e.observe(t, a); !o.UpToDate {
						t.Fatalf("Observe of a converged account = %+v", o)
					}
				}
			})
			if steady["UpdateAccount"]+steady["CreateAccount"] != 0 {
				t.Errorf("steady state wrote upstream: %v", steady)
			}
			e.res.setSecret("okta", "clientSecret", []byte(rotatedSecret))
			e.res.setConfigMap("logos", "team.png", svgLogo)
			o := e.observe(t, a)
			if want := []string{"spec.ccm.customLogo", "spec.ccm.authConfigs[1].oauth"}; !slices.Equal(o.Drift, want) {
				t.Fatalf("drift after a change = %q, want %q", o.Drift, want)
			}
			if c := e.calls(func() { e.update(t, a, o); e.converge(t, a, 2) }); c["UpdateAccount"] != 1 {
				t.Errorf("the change took %v, want one PATCH", c)
			}
			e.sb.DeleteAccountDirect(a.Status.AccountID)
			if o, err := e.prov.Observe(context.Background(), e.req(a)); err != nil || o.Exists {
				t.Errorf("Observe after a delete behind the back = %+v, %v", o, err)
			}
			if done, err := e.prov.Delete(context.Background(), e.req(a)); err != nil || !done {
				t.Errorf("Delete = %v, %v", done, err)
			}
		})
	}
}

// A logo changed upstream behind the operator's back is put back, also when
// CCM re-encodes logos: the echo it recorded has changed.
func TestLogoChangedUpstreamIsRestored(t *testing.T) {
	for _, v := range []ccmsandbox.Variants{{}, {NormaliseLogo: true}} {
		e := newVariantEnv(t, v)
		a := converged(t, e)
		if _, err := e.raw(t).UpdateAccount(context.Background(), a.Status.AccountID,
			ccmUpdateLogo(svgLogo)); err != nil {
			t.Fatal(err)
		}
		o := e.observe(t, a)
		if !slices.Equal(o.Drift, []string{"spec.ccm.customLogo"}) {
			t.Fatalf("normalise=%v: drift %q, want the logo", v.NormaliseLogo, o.Drift)
		}
		e.update(t, a, o)
		if o := e.observe(t, a); !o.UpToDate {
			t.Errorf("normalise=%v: after restoring: %+v", v.NormaliseLogo, o)
		}
	}
}

// Drift names the spec field, down to an auth config's field.
func TestDriftNamesTheField(t *testing.T) {
	e := newVariantEnv(t, ccmsandbox.Variants{NormaliseURLs: true})
	a := converged(t, e)
	no := false
	for _, tc := range []struct {
		change func(*v1alpha1.CCMAccountSpec)
		want   []string
	}{
		{func(s *v1alpha1.CCMAccountSpec) {
			s.AuthConfigs[1].OAuth.IDPIconURL = "https://idp.example.com/other.png"
		},
			[]string{"spec.ccm.authConfigs[1].oauth.idpIconURL"}},
		{func(s *v1alpha1.CCMAccountSpec) { s.AuthConfigs[3].OAuth.TLS.ValidateHostname = &no },
			[]string{"spec.ccm.authConfigs[3].oauth.tls.validateHostname"}},
		{func(s *v1alpha1.CCMAccountSpec) {
			s.AuthConfigs[3].OAuth.TLS = v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSDisabled}
		},
			[]string{"spec.ccm.authConfigs[3].oauth.tls.mode"}},
		{func(s *v1alpha1.CCMAccountSpec) { s.AuthConfigs[2].ClusterAuthRef.TargetID = "target-2" },
			[]string{"spec.ccm.authConfigs[2].clusterAuthRef.targetID"}},
		{func(s *v1alpha1.CCMAccountSpec) { s.AuthConfigs[0].Password.AdministratorsOnly = true },
			[]string{"spec.ccm.authConfigs[0].password.administratorsOnly"}},
	} {
		b := a.DeepCopy()
		tc.change(b.Spec.CCM)
		o := e.observe(t, b)
		if !slices.Equal(o.Drift, tc.want) {
			t.Errorf("drift %q, want %q", o.Drift, tc.want)
		}
	}
}

// Under an upstream that accepts a field with 200 but does not apply it, the
// adapter keeps reporting that field as drift after each PATCH (the
// controller is what stops writing), and says nothing else differs.
func TestIgnoredFieldStaysDrift(t *testing.T) {
	for _, tc := range []struct {
		v      ccmsandbox.Variants
		change func(e *env)
		field  string
	}{
		{ccmsandbox.Variants{PatchIgnores: []string{"azure_cvm_pcr_priority"}}, func(*env) {}, "spec.ccm.azureCVMPCRPriority"},
		{ccmsandbox.Variants{PatchIgnores: []string{"custom_logo"}},
			func(e *env) { e.res.setConfigMap("logos", "team.png", svgLogo) }, "spec.ccm.customLogo"},
		{ccmsandbox.Variants{PatchIgnores: []string{"custom_logo"}, NormaliseLogo: true},
			func(e *env) { e.res.setConfigMap("logos", "team.png", svgLogo) }, "spec.ccm.customLogo"},
	} {
		e := newVariantEnv(t, tc.v)
		a := account("team-a", e.fullSpec())
		e.create(t, a)
		if tc.field != "spec.ccm.azureCVMPCRPriority" {
			e.converge(t, a, 3)
		}
		tc.change(e)
		for round := range 3 {
			o := e.observe(t, a)
			if !slices.Equal(o.Drift, []string{tc.field}) {
				t.Fatalf("%v round %d: drift %q, want only %s", tc.v.PatchIgnores, round, o.Drift, tc.field)
			}
			if c := e.calls(func() { e.update(t, a, o) }); c["UpdateAccount"] != 1 {
				t.Fatalf("update made %v", c)
			}
		}
	}
}

// 429, with and without Retry-After: reads are retried by the client and
// succeed; the create POST is sent once, fails transiently with the wait
// the upstream asked for, and creates nothing, so the controller's next
// pass (find, then create) makes exactly one account.
func TestTooManyRequests(t *testing.T) {
	for _, retryAfter := range []int{0, 1} {
		t.Run(fmt.Sprint("Retry-After ", retryAfter), func(t *testing.T) {
			e := newEnv(t)
			a := account("busy", &v1alpha1.CCMAccountSpec{})
			e.sb.Faults().FailNext("CreateAccount", 1, http.StatusTooManyRequests, retryAfter)
			var err error
			calls := e.calls(func() { _, err = e.prov.Create(context.Background(), e.req(a)) })
			if adapter.Classify(err) != adapter.ClassTransient || adapter.RetryAfter(err).Seconds() != float64(retryAfter) {
				t.Fatalf("Create under 429 = %v (retry after %v)", err, adapter.RetryAfter(err))
			}
			if calls["CreateAccount"] != 1 {
				t.Fatalf("create was sent %d times", calls["CreateAccount"])
			}
			if id, err := e.prov.Find(context.Background(), e.req(a)); err != nil || id != "" {
				t.Fatalf("Find after a refused create = %q, %v", id, err)
			}
			e.create(t, a)
			e.sb.Faults().FailNext("GetAccount", 1, http.StatusTooManyRequests, retryAfter)
			calls = e.calls(func() { e.converge(t, a, 2) })
			if calls["GetAccount"] < 2 || len(e.sb.Accounts()) != 1 {
				t.Errorf("reads under 429: %v, %d accounts", calls, len(e.sb.Accounts()))
			}
		})
	}
}

func ccmUpdateLogo(logo []byte) ccmapi.AccountUpdateRequest {
	return ccmapi.AccountUpdateRequest{CustomLogo: logo}
}

// A duplicate name answered 400 or 409 is AlreadyExists, on create and on
// rename, once the listing shows the name taken.
func TestDuplicateNameUnderEitherStatus(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusConflict} {
		e := newVariantEnv(t, ccmsandbox.Variants{DuplicateNameStatus: status})
		e.create(t, account("first", &v1alpha1.CCMAccountSpec{}))
		dup := account("dup", &v1alpha1.CCMAccountSpec{})
		dup.Spec.DisplayName = "first"
		_, err := e.prov.Create(context.Background(), e.req(dup))
		var te *adapter.Error
		if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists {
			t.Errorf("%d: Create of a taken name = %v", status, err)
		}
		mine := account("mine", &v1alpha1.CCMAccountSpec{})
		e.create(t, mine)
		mine.Spec.DisplayName = "first"
		_, err = e.prov.Update(context.Background(), e.req(mine), e.observe(t, mine))
		if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists {
			t.Errorf("%d: rename onto a taken name = %v", status, err)
		}
	}
}
