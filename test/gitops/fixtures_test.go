// Package gitops checks that GitOps tools read the health of the operator's
// objects correctly: Argo CD through config/argocd/health.lua, Flux through
// kstatus. The objects are built the way the controllers write them.
package gitops

import (
	"encoding/json"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
)

// Messages as the controllers write them; the upstream error texts are examples.
const (
	msgProvisioning = "waiting for the upstream account to become ready"
	msgReady        = "upstream account 42 is ready"
	msgAlreadyTaken = `spec.vectorCharts.username: "team-a" is already in use upstream; set spec.externalID to adopt its account`
	msgPaused       = "the paused annotation stops all upstream calls"
	msgNotApplied   = "the upstream accepted an update of spec.ccm.customLogo but still shows a different value"
	msgUnreachable  = "dial tcp 10.0.0.1:443: connect: connection refused"
	msgVerified     = "credentials verified with an authenticated call"
	msgUnauthorized = "upstream rejected the credentials: 401 Unauthorized"
)

// newAccount is an Account as applied, before the operator has seen it.
func newAccount() *v1alpha1.Account {
	return &v1alpha1.Account{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "Account"},
		ObjectMeta: metav1.ObjectMeta{Name: "team-a", Namespace: "apps", Generation: 1},
	}
}

// reconciled returns a after one pass ending in p, as AccountReconciler.Reconcile
// records it: the four conditions from setConditions, then observedGeneration.
func reconciled(a *v1alpha1.Account, p controllers.Phase, reason, msg string) *v1alpha1.Account {
	a = a.DeepCopy()
	controllers.SetConditions(a, p, reason, msg)
	a.Status.ObservedGeneration = a.Generation
	return a
}

// withID is a with the upstream id the ready message names.
func withID(a *v1alpha1.Account) *v1alpha1.Account {
	a = a.DeepCopy()
	a.Status.AccountID = "42"
	return a
}

// edited is a after a spec change the operator has not seen yet.
func edited(a *v1alpha1.Account) *v1alpha1.Account {
	a = a.DeepCopy()
	a.Generation++
	return a
}

// accountStates are the Account states both tools must tell apart.
func accountStates() map[string]*v1alpha1.Account {
	a := newAccount()
	ready := reconciled(a, controllers.PhaseReady, v1alpha1.ReasonAvailable, msgReady)
	return map[string]*v1alpha1.Account{
		"new":          a,
		"provisioning": reconciled(a, controllers.PhaseProgressing, v1alpha1.ReasonProvisioning, msgProvisioning),
		"ready":        ready,
		"stalled":      reconciled(a, controllers.PhaseStalled, v1alpha1.ReasonAlreadyExists, msgAlreadyTaken),
		"paused new":   reconciled(a, controllers.PhasePaused, v1alpha1.ReasonPaused, msgPaused),
		"paused ready": reconciled(ready, controllers.PhasePaused, v1alpha1.ReasonPaused, msgPaused),
		"error new":    reconciled(a, controllers.PhaseError, v1alpha1.ReasonUnreachable, msgUnreachable),
		"error ready":  reconciled(ready, controllers.PhaseError, v1alpha1.ReasonUnreachable, msgUnreachable),
		"stale":        edited(ready),
		"unsynced":     reconciled(withID(a), controllers.PhaseUnsynced, v1alpha1.ReasonUpdateNotApplied, msgNotApplied),
	}
}

// providerStatus is what ProviderReconciler writes: one Ready condition.
func providerStatus(ready bool, gen int64) v1alpha1.AccountProviderStatus {
	c := metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue,
		Reason: v1alpha1.ReasonVerified, Message: msgVerified, ObservedGeneration: gen}
	if !ready {
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, v1alpha1.ReasonUnauthorized, msgUnauthorized
	}
	st := v1alpha1.AccountProviderStatus{ObservedGeneration: gen}
	meta.SetStatusCondition(&st.Conditions, c)
	return st
}

// providers returns both provider kinds at generation gen with the given status.
func providers(st *v1alpha1.AccountProviderStatus, gen int64) []any {
	tm := func(kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: kind}
	}
	ns := &v1alpha1.AccountProvider{TypeMeta: tm("AccountProvider"),
		ObjectMeta: metav1.ObjectMeta{Name: "scp", Namespace: "apps", Generation: gen}}
	cl := &v1alpha1.ClusterAccountProvider{TypeMeta: tm("ClusterAccountProvider"),
		ObjectMeta: metav1.ObjectMeta{Name: "scp", Generation: gen}}
	if st != nil {
		ns.Status, cl.Status = *st, *st
	}
	return []any{ns, cl}
}

// unstructuredOf round-trips obj through JSON the way a client reads it from
// the API server, so integers are int64 as in Argo CD's and Flux's caches.
func unstructuredOf(t *testing.T, obj any) *unstructured.Unstructured {
	t.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	return u
}
