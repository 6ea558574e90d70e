package controllers

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// notReadyRecheck bounds how long a provider with bad credentials or an
// unreachable upstream waits before it is verified again.
const notReadyRecheck = 30 * time.Second

// ProviderReconciler verifies the credentials of AccountProviders and
// ClusterAccountProviders and keeps the shared clients in the Registry fresh.
type ProviderReconciler struct {
	client.Client
	Registry *Registry
	// New returns an empty object of the kind this reconciler serves.
	New func() v1alpha1.ProviderObject
	// NewList returns an empty list of that kind.
	NewList func() client.ObjectList
	Metrics *Metrics
	// DefaultPollInterval is used when the provider sets none.
	DefaultPollInterval time.Duration
}

// Reconcile verifies one provider object, and runs its probe when asked.
func (r *ProviderReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	p := r.New()
	if err := r.Get(ctx, req.NamespacedName, p); err != nil {
		if client.IgnoreNotFound(err) == nil {
			p.SetName(req.Name)
			p.SetNamespace(req.Namespace)
			r.Registry.Forget(p)
			r.Metrics.forgetProvider(providerKey(p))
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := p.ProviderStatus().DeepCopy()
	err := r.verify(ctx, p)
	if err == nil {
		r.inventory(ctx, p)
	}
	if requestedAt, ok := probeRequested(p); ok {
		r.probe(ctx, p, requestedAt)
	}
	return r.report(ctx, p, before, err)
}

// report is the one place where a provider pass becomes its Ready condition,
// the status write and the requeue.
func (r *ProviderReconciler) report(ctx context.Context, p v1alpha1.ProviderObject, before *v1alpha1.AccountProviderStatus,
	err error) (ctrl.Result, error) {
	st := p.ProviderStatus()
	st.ObservedGeneration = p.GetGeneration()
	cond := metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, ObservedGeneration: p.GetGeneration(),
		Reason: v1alpha1.ReasonVerified, Message: "credentials verified with an authenticated call"}
	if err != nil {
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, providerReason(err), err.Error()
		log.FromContext(ctx).Info("Provider not ready", "reason", cond.Reason, "error", err.Error())
	}
	meta.SetStatusCondition(&st.Conditions, cond)
	r.Metrics.observeProvider(providerKey(p), cond.Status == metav1.ConditionTrue, cond.Reason)
	if !equality.Semantic.DeepEqual(before, st) {
		if err := r.Status().Update(ctx, p); err != nil {
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{RequeueAfter: recheck(cond, pollInterval(p.ProviderSpec(), r.DefaultPollInterval))}, nil
}

// recheck is when to verify again: a provider that is not Ready soon (its
// failure is in the condition, not retried in a loop), a Ready one at its
// poll interval.
func recheck(ready metav1.Condition, poll time.Duration) time.Duration {
	if ready.Status != metav1.ConditionTrue {
		return notReadyRecheck
	}
	return jitter(poll)
}

// verify builds the provider and makes one cheap authenticated call.
func (r *ProviderReconciler) verify(ctx context.Context, p v1alpha1.ProviderObject) error {
	st := p.ProviderStatus()
	prov, kind, err := r.Registry.Build(ctx, p)
	if kind != nil {
		st.Upstream = kind.Name()
		st.URL, _ = kind.Endpoint(p.ProviderSpec())
	}
	if err != nil {
		return err
	}
	return prov.Verify(ctx)
}

// providerReason is the provider's Ready reason for a failure: its own for a
// terminal one (Unauthorized, CredentialsMissing, InvalidSpec, ...), and
// Unreachable for every transient one, which is what Accounts retry on.
func providerReason(err error) string {
	if f := adapter.Failure(err); f.Class == adapter.ClassTerminal {
		return f.Reason
	}
	return v1alpha1.ReasonUnreachable
}

func pollInterval(spec *v1alpha1.AccountProviderSpec, def time.Duration) time.Duration {
	if spec.PollInterval != nil && spec.PollInterval.Duration > 0 {
		return spec.PollInterval.Duration
	}
	return def
}
