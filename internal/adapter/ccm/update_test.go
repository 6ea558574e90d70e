package ccm_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// converged creates the full spec and brings it up to date.
func converged(t *testing.T, e *env) *v1alpha1.Account {
	t.Helper()
	a := account("team-a", e.fullSpec())
	e.create(t, a)
	e.converge(t, a, 3)
	return a
}

func upstreamIDs(t *testing.T, e *env, id string) []string {
	t.Helper()
	var ids []string
	for k := range e.upstream(t, id).AuthConfigs {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	return ids
}

// [password, Okta, ref, Azure] -> [password', Okta, Azure, Google]: one PATCH
// that modifies the password config in place, adds Google and deletes the ref.
func TestAuthConfigChangeIsOnePatchWithAddModDel(t *testing.T) {
	e := newEnv(t)
	a := converged(t, e)
	old := slices.Clone(a.Status.CCM.AuthConfigIDs)
	e.res.setSecret("google", "clientSecret", []byte(oauthSecret+"-google"))
	cfgs := a.Spec.CCM.AuthConfigs
	a.Spec.CCM.AuthConfigs = []v1alpha1.CCMAuthConfig{
		{Password: &v1alpha1.CCMPasswordAuth{Require2FA: false, AdministratorsOnly: true}},
		cfgs[1], cfgs[3],
		{OAuth: oauth("Google", "google", v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSOpportunistic})},
	}
	o := e.observe(t, a)
	wantDrift := []string{"spec.ccm.authConfigs[0].password.require2FA", "spec.ccm.authConfigs[0].password.administratorsOnly",
		"spec.ccm.authConfigs[3]", "spec.ccm.authConfigs"}
	if o.UpToDate || !slices.Equal(o.Drift, wantDrift) {
		t.Fatalf("Observe = %+v, want drift %q", o, wantDrift)
	}
	calls := e.calls(func() { e.update(t, a, o) })
	if calls["UpdateAccount"] != 1 {
		t.Errorf("calls = %v, want one UpdateAccount", calls)
	}
	body := e.last(t, "PATCH")
	wantMod := map[string]any{old[0]: map[string]any{"password": map[string]any{"require_2fa": false, "administrators_only": true}}}
	add, _ := body["add_auth_configs"].([]any)
	if len(body) != 3 || !reflect.DeepEqual(body["mod_auth_configs"], wantMod) ||
		!reflect.DeepEqual(body["del_auth_configs"], []any{old[2]}) || len(add) != 1 {
		t.Fatalf("PATCH body = %v", body)
	}
	google := add[0].(map[string]any)["oauth"].(map[string]any)
	if google["idp_name"] != "Google" || google["client_secret"] != oauthSecret+"-google" {
		t.Errorf("added config = %v", google)
	}
	ids := a.Status.CCM.AuthConfigIDs
	if len(ids) != 4 || ids[0] != old[0] || ids[1] != old[1] || ids[2] != old[3] || slices.Contains(old, ids[3]) {
		t.Errorf("authConfigIDs = %v, old %v", ids, old)
	}
	up := e.upstream(t, a.Status.AccountID)
	if got, want := upstreamIDs(t, e, a.Status.AccountID), slices.Sorted(slices.Values(ids)); !slices.Equal(got, want) {
		t.Errorf("upstream ids %v, status ids %v", got, want)
	}
	if up.AuthConfigs[ids[3]].Oauth == nil || up.AuthConfigs[ids[3]].Oauth.IdpName != "Google" ||
		!up.AuthConfigs[ids[0]].Password.AdministratorsOnly {
		t.Errorf("upstream configs = %v", up.AuthConfigs)
	}
	if o := e.observe(t, a); !o.UpToDate {
		t.Errorf("Observe after the PATCH = %+v", o)
	}
}

// CCM never returns the client secret: a rotated Secret shows only in the
// keyed marks, and exactly that config is re-sent.
func TestRotatedClientSecretModifiesOnlyThatConfig(t *testing.T) {
	e := newEnv(t)
	a := converged(t, e)
	ids := slices.Clone(a.Status.CCM.AuthConfigIDs)
	hash := a.Status.CCM.AppliedHash
	e.res.setSecret("okta", "clientSecret", []byte(rotatedSecret))
	o := e.observe(t, a)
	if o.UpToDate || !slices.Equal(o.Drift, []string{"spec.ccm.authConfigs[1].oauth"}) {
		t.Fatalf("Observe after rotation = %+v", o)
	}
	if a.Status.CCM.AppliedHash != hash {
		t.Error("Observe must not record the new hash before it is applied")
	}
	e.update(t, a, o)
	body := e.last(t, "PATCH")
	mod, _ := body["mod_auth_configs"].(map[string]any)
	if len(body) != 1 || len(mod) != 1 || mod[ids[1]] == nil {
		t.Fatalf("PATCH body = %v, want one mod of %s", body, ids[1])
	}
	if got := mod[ids[1]].(map[string]any)["oauth"].(map[string]any)["client_secret"]; got != rotatedSecret {
		t.Error("the rotated secret was not sent")
	}
	if !slices.Equal(a.Status.CCM.AuthConfigIDs, ids) || a.Status.CCM.AppliedHash == hash {
		t.Errorf("status after update: %+v", a.Status.CCM)
	}
	if o := e.observe(t, a); !o.UpToDate {
		t.Errorf("Observe after the PATCH = %+v", o)
	}
}

// A config added upstream behind the operator's back is deleted.
func TestExtraUpstreamConfigIsDeleted(t *testing.T) {
	e := newEnv(t)
	a := converged(t, e)
	_, err := e.raw(t).UpdateAccount(context.Background(), a.Status.AccountID, ccmapi.AccountUpdateRequest{
		AddAuthConfigs: []ccmapi.AuthenticationConfig{{ClusterAuthRef: &ccmapi.AuthConfigRef{TargetID: "intruder"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var extra string
	for _, id := range upstreamIDs(t, e, a.Status.AccountID) {
		if !slices.Contains(a.Status.CCM.AuthConfigIDs, id) {
			extra = id
		}
	}
	o := e.observe(t, a)
	if o.UpToDate || !slices.Equal(o.Drift, []string{"spec.ccm.authConfigs"}) {
		t.Fatalf("Observe = %+v", o)
	}
	e.update(t, a, o)
	if body := e.last(t, "PATCH"); !reflect.DeepEqual(body, map[string]any{"del_auth_configs": []any{extra}}) {
		t.Errorf("PATCH body = %v, want only the delete of %s", body, extra)
	}
}

// Adopting an account (externalID, no status.ccm): configs that match keep
// their ids; OAuth ones are re-sent because their secret cannot be compared.
func TestAdoptedAccountKeepsMatchingConfigIDs(t *testing.T) {
	e := newEnv(t)
	spec := e.fullSpec()
	spec.AuthConfigs = spec.AuthConfigs[:2]
	seed := account("seed", spec)
	e.create(t, seed)
	byKind := map[string]string{}
	for id, c := range e.upstream(t, seed.Status.AccountID).AuthConfigs {
		if c.Password != nil {
			byKind["password"] = id
		} else {
			byKind["oauth"] = id
		}
	}
	a := account("seed", spec)
	a.Status.AccountID = seed.Status.AccountID
	o := e.observe(t, a)
	if o.UpToDate || !slices.Contains(o.Drift, "spec.ccm.authConfigs[1].oauth") {
		t.Fatalf("Observe of an adopted account = %+v", o)
	}
	e.update(t, a, o)
	body := e.last(t, "PATCH")
	mod, _ := body["mod_auth_configs"].(map[string]any)
	if body["add_auth_configs"] != nil || body["del_auth_configs"] != nil || len(mod) != 1 || mod[byKind["oauth"]] == nil {
		t.Errorf("PATCH body = %v", body)
	}
	if want := []string{byKind["password"], byKind["oauth"]}; !slices.Equal(a.Status.CCM.AuthConfigIDs, want) {
		t.Errorf("authConfigIDs = %v, want %v", a.Status.CCM.AuthConfigIDs, want)
	}
	if o := e.observe(t, a); !o.UpToDate {
		t.Errorf("Observe after adoption = %+v", o)
	}
}

// Reordering the spec needs no PATCH: the ids follow the new order.
func TestReorderedConfigsNeedNoPatch(t *testing.T) {
	e := newEnv(t)
	a := converged(t, e)
	ids := a.Status.CCM.AuthConfigIDs
	c := a.Spec.CCM.AuthConfigs
	a.Spec.CCM.AuthConfigs = []v1alpha1.CCMAuthConfig{c[3], c[2], c[1], c[0]}
	var o = e.observe(t, a)
	if !o.UpToDate {
		t.Fatalf("Observe after a reorder = %+v", o)
	}
	if want := []string{ids[3], ids[2], ids[1], ids[0]}; !slices.Equal(a.Status.CCM.AuthConfigIDs, want) {
		t.Errorf("authConfigIDs = %v, want %v", a.Status.CCM.AuthConfigIDs, want)
	}
	if o := e.observe(t, a); !o.UpToDate {
		t.Errorf("second Observe = %+v", o)
	}
}

// Without authConfigs, customLogo or azureCVMPCRPriority in the spec, those
// are left as they are upstream.
func TestUnsetFieldsAreNotManaged(t *testing.T) {
	e := newEnv(t)
	a := account("bare", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	_, err := e.raw(t).UpdateAccount(context.Background(), a.Status.AccountID, ccmapi.AccountUpdateRequest{
		CustomLogo: pngLogo, AzureCvmPcrPriority: []int{1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22},
		AddAuthConfigs: []ccmapi.AuthenticationConfig{{Password: &ccmapi.AuthConfigPassword{}}}})
	if err != nil {
		t.Fatal(err)
	}
	if o := e.observe(t, a); !o.UpToDate || len(o.Drift) != 0 {
		t.Errorf("Observe = %+v, want up to date", o)
	}
}

// Update writes only the drift the controller passes: a field it leaves out
// (the upstream accepted it before without showing it) is not sent, and its
// applied marks stay as they were, so the next Observe still sees the drift.
func TestUpdateWritesOnlyTheDriftPassed(t *testing.T) {
	e := newVariantEnv(t, ccmsandbox.Variants{PatchIgnores: []string{"custom_logo"}})
	a := account("partial", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	a.Spec.DisplayName = "partial-renamed"
	e.res.setConfigMap("logos", "team.png", pngLogo)
	a.Spec.CCM.CustomLogo = &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: "logos", Key: "team.png"}}
	ctx := context.Background()
	o, err := e.prov.Observe(ctx, e.req(a))
	if err != nil || !slices.Contains(o.Drift, "spec.ccm.customLogo") || !slices.Contains(o.Drift, "spec.displayName") {
		t.Fatalf("Observe = %+v, %v; want name and logo drift", o, err)
	}
	o.Drift = []string{"spec.displayName"}
	u, err := e.prov.Update(ctx, e.req(a), o)
	if err != nil {
		t.Fatal(err)
	}
	u.Status(&a.Status)
	if got := e.sb.Accounts()[0]; got.Name != "partial-renamed" {
		t.Fatalf("upstream after Update: name %q; want renamed", got.Name)
	}
	for _, s := range e.sent {
		if _, ok := s.body["custom_logo"]; ok && s.method == http.MethodPatch {
			t.Fatalf("a PATCH carried the logo the controller left out: %v", s.body)
		}
	}
	if o, err = e.prov.Observe(ctx, e.req(a)); err != nil || !slices.Equal(o.Drift, []string{"spec.ccm.customLogo"}) {
		t.Fatalf("Observe after a partial Update = %v, %v; want the logo drift still in view", o.Drift, err)
	}
}
