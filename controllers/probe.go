package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// Bounds of status.probe, as the CRD enforces them.
const (
	maxProbeChecks  = 16
	maxProbeMessage = 1024
)

// probeRequested reports whether the probe annotation holds a value the
// status has not answered yet.
func probeRequested(p v1alpha1.ProviderObject) (string, bool) {
	v := p.GetAnnotations()[v1alpha1.AnnotationProbeRequestedAt]
	st := p.ProviderStatus().Probe
	return v, v != "" && (st == nil || st.RequestedAt != v)
}

// probe runs the upstream's read-only conformance probe with the provider's
// own credentials and records the result. It runs once per annotation value:
// never on a timer, since each run makes several upstream reads.
func (r *ProviderReconciler) probe(ctx context.Context, p v1alpha1.ProviderObject, requestedAt string) {
	var checks []adapter.ProbeCheck
	prov, _, err := r.Registry.Build(ctx, p)
	switch pr, ok := prov.(adapter.Prober); {
	case err != nil:
		checks = []adapter.ProbeCheck{{Name: "Configure", Detail: err.Error()}}
	case !ok:
		checks = []adapter.ProbeCheck{{Name: "Configure", Detail: "this upstream has no probe"}}
	default:
		checks = pr.Probe(ctx)
	}
	st := probeStatus(checks)
	st.RequestedAt, st.Time = requestedAt, ptr.To(metav1.Now())
	p.ProviderStatus().Probe = st
	log.FromContext(ctx).Info("Probe ran", "passed", st.Passed, "checks", len(st.Checks))
}

// probeStatus converts checks to the bounded status form: OK when the answer
// was exactly as modelled, Differs when usable but not exactly, Failed else.
func probeStatus(checks []adapter.ProbeCheck) *v1alpha1.ProbeStatus {
	st := &v1alpha1.ProbeStatus{Passed: true}
	for i, c := range checks {
		if i == maxProbeChecks {
			break
		}
		result := v1alpha1.ProbeOK
		switch {
		case !c.OK:
			result, st.Passed = v1alpha1.ProbeFailed, false
		case c.Detail != "":
			result = v1alpha1.ProbeDiffers
		}
		st.Checks = append(st.Checks, v1alpha1.ProbeCheck{Name: bounded(c.Name, 64), Result: result,
			Message: bounded(c.Detail, maxProbeMessage)})
	}
	if len(checks) == 0 {
		st.Passed = false
	}
	return st
}

// probePredicate passes a provider update whose probe annotation changed.
func probePredicate() predicate.Funcs {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		key := v1alpha1.AnnotationProbeRequestedAt
		return e.ObjectOld.GetAnnotations()[key] != e.ObjectNew.GetAnnotations()[key]
	}}
}

// providerUsabilityChanged passes a provider update that can matter to its
// Accounts: a spec change (its deletion too), a change of its Ready condition
// or of its in-use finalizer (Accounts wait for it before creating). A probe result
// or annotation alone must not re-queue every Account of the provider, which
// would cost one upstream read per Account.
func providerUsabilityChanged() predicate.Funcs {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		if e.ObjectOld.GetGeneration() != e.ObjectNew.GetGeneration() {
			return true
		}
		return readyOf(e.ObjectOld) != readyOf(e.ObjectNew) ||
			controllerutil.ContainsFinalizer(e.ObjectOld, v1alpha1.InUseFinalizer) !=
				controllerutil.ContainsFinalizer(e.ObjectNew, v1alpha1.InUseFinalizer)
	}}
}

// readyOf is a provider's Ready condition as one comparable value.
func readyOf(o client.Object) string {
	p, ok := o.(v1alpha1.ProviderObject)
	if !ok {
		return ""
	}
	c := meta.FindStatusCondition(p.ProviderStatus().Conditions, v1alpha1.ConditionReady)
	if c == nil {
		return ""
	}
	return string(c.Status) + "/" + c.Reason + "/" + c.Message + "/" + fmt.Sprint(c.ObservedGeneration)
}

// bounded is s within n bytes, "…" included, as the CRD bounds it.
func bounded(s string, n int) string { return httpapi.TruncateTo(s, n-len("…")) }
