package ccm_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// The create body cannot carry the PCR order: the first Observe reports it,
// one PATCH sets it, and the next Observe is up to date.
func TestObserveUpToDateAfterCreateAndPCRUpdate(t *testing.T) {
	e := newEnv(t)
	a := account("team-a", e.fullSpec())
	c := e.create(t, a)
	o := e.observe(t, a)
	if !o.Exists || !(o.Readiness == adapter.Ready) || o.UpToDate || !slices.Equal(o.Drift, []string{"spec.ccm.azureCVMPCRPriority"}) {
		t.Fatalf("first Observe = %+v, want ready with PCR drift only", o)
	}
	if o.State != "Active" || !reflect.DeepEqual(o.Details, c.Details) {
		t.Errorf("State %q Details %v", o.State, o.Details)
	}
	calls := e.calls(func() { e.update(t, a, o) })
	if calls["UpdateAccount"] != 1 {
		t.Errorf("Update calls = %v, want one UpdateAccount", calls)
	}
	body := e.last(t, "PATCH")
	if len(body) != 1 || body["azure_cvm_pcr_priority"] == nil {
		t.Errorf("PATCH body = %v, want only azure_cvm_pcr_priority", body)
	}
	calls = e.calls(func() { o = e.observe(t, a) })
	if !o.UpToDate || !(o.Readiness == adapter.Ready) || len(o.Drift) != 0 {
		t.Errorf("second Observe = %+v, want up to date", o)
	}
	if calls["UpdateAccount"]+calls["CreateAccount"] != 0 {
		t.Errorf("Observe wrote upstream: %v", calls)
	}
	want := make([]int, 23)
	for i := range want {
		want[i] = 22 - i
	}
	if got := e.upstream(t, a.Status.AccountID).AzureCvmPcrPriority; !slices.Equal(got, want) {
		t.Errorf("upstream PCR order = %v", got)
	}
}

func TestNameDriftIsFixedWithOnePatch(t *testing.T) {
	e := newEnv(t)
	a := account("team-a", e.fullSpec())
	e.create(t, a)
	e.converge(t, a, 3)
	if !e.sb.SetAccountName(a.Status.AccountID, "renamed-upstream") {
		t.Fatal("sandbox has no such account")
	}
	o := e.observe(t, a)
	if o.UpToDate || !slices.Equal(o.Drift, []string{"spec.displayName"}) {
		t.Fatalf("Observe after a rename upstream = %+v", o)
	}
	calls := e.calls(func() { e.update(t, a, o) })
	if calls["UpdateAccount"] != 1 {
		t.Errorf("calls = %v, want exactly one UpdateAccount", calls)
	}
	if body := e.last(t, "PATCH"); !reflect.DeepEqual(body, map[string]any{"name": "team-a"}) {
		t.Errorf("PATCH body = %v, want only the name", body)
	}
	if got := e.upstream(t, a.Status.AccountID).Name; got != "team-a" {
		t.Errorf("upstream name = %q", got)
	}
	if o := e.observe(t, a); !o.UpToDate {
		t.Errorf("Observe after the fix = %+v", o)
	}
}

func TestDeleteThenObserve(t *testing.T) {
	e := newEnv(t)
	a := account("gone", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	var done bool
	var err error
	calls := e.calls(func() { done, err = e.prov.Delete(context.Background(), e.req(a)) })
	if err != nil || !done || calls["DeleteAccount"] != 1 {
		t.Fatalf("Delete = %v, %v after %v", done, err, calls)
	}
	o, err := e.prov.Observe(context.Background(), e.req(a))
	if err != nil || o.Exists {
		t.Errorf("Observe after Delete = %+v, %v; want Exists false", o, err)
	}
	if done, err := e.prov.Delete(context.Background(), e.req(a)); err != nil || !done {
		t.Errorf("second Delete = %v, %v; a missing account is deleted", done, err)
	}
}

func TestDeleteFailureIsReported(t *testing.T) {
	e := newEnv(t)
	a := account("stays", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	e.sb.Faults().FailNext("DeleteAccount", 1, 403, 0)
	if done, err := e.prov.Delete(context.Background(), e.req(a)); done || adapter.Classify(err) != adapter.ClassTerminal {
		t.Errorf("Delete refused with 403 = %v, %v", done, err)
	}
}

func TestDeactivatedAccountIsNotReady(t *testing.T) {
	e := newEnv(t)
	a := account("off", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	e.sb.SetAccountStatus(a.Status.AccountID, "Deactivated")
	o := e.observe(t, a)
	if !o.Exists || (o.Readiness == adapter.Ready) || !o.UpToDate || o.State != "Deactivated" || !strings.Contains(o.Message, "Deactivated") {
		t.Errorf("Observe of a deactivated account = %+v", o)
	}
	if a.Status.CCM.AccountStatus != "Deactivated" {
		t.Errorf("status.ccm.accountStatus = %q", a.Status.CCM.AccountStatus)
	}
}

func TestFind(t *testing.T) {
	e := newEnv(t)
	a := account("findme", &v1alpha1.CCMAccountSpec{})
	a.Spec.DisplayName = "Find Me"
	if id, err := e.prov.Find(context.Background(), e.req(a)); err != nil || id != "" {
		t.Fatalf("Find before create = %q, %v", id, err)
	}
	c := e.create(t, a)
	if id, err := e.prov.Find(context.Background(), e.req(a)); err != nil || id != c.ID {
		t.Errorf("Find = %q, %v; want %q", id, err, c.ID)
	}
}

// A rename onto a name another account holds is AlreadyExists, not a bare 400.
func TestRenameOntoTakenName(t *testing.T) {
	e := newEnv(t)
	e.create(t, account("taken", &v1alpha1.CCMAccountSpec{}))
	a := account("mine", &v1alpha1.CCMAccountSpec{})
	e.create(t, a)
	a.Spec.DisplayName = "taken"
	o := e.observe(t, a)
	_, err := e.prov.Update(context.Background(), e.req(a), o)
	var te *adapter.Error
	if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonAlreadyExists || !strings.HasPrefix(err.Error(), "spec.displayName:") {
		t.Errorf("Update onto a taken name = %v", err)
	}
}
