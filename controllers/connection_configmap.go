package controllers

import (
	"context"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// configMapKeys are the published keys that are not secret. Only these reach
// the connection ConfigMap: it is built from an allow list, so a key an
// upstream adds later (or a password, a token) never lands there by default.
var configMapKeys = []string{"accountID", "userID", "username", "defaultGroupID", "marketplaceGroupID", "jobID"}

// configMapStateKey holds status.state in the connection ConfigMap.
const configMapStateKey = "state"

// publish writes the connection Secret, then the connection ConfigMap if the
// spec asks for one. Each is written only when its content changes.
func (r *AccountReconciler) publish(ctx context.Context, p *pass) error {
	if err := p.conn.save(ctx, r.Client, r.Scheme, p.a); err != nil {
		return err
	}
	return r.publishConfigMap(ctx, p.a, p.conn.data)
}

// publishConfigMap creates or updates the connection ConfigMap from data
// (keyed by the published names). It is read from the cache, which holds only
// ConfigMaps with the operator's label; a create that finds one reads it
// uncached once. One this Account does not control is a conflict, never
// overwritten, unless an earlier Account of the same name controls it: that
// one is gone (names are unique), its ConfigMap only waits for the garbage
// collector, and holds nothing secret, so it is taken over at once.
func (r *AccountReconciler) publishConfigMap(ctx context.Context, a *v1alpha1.Account, data map[string][]byte) error {
	name := a.ConnectionConfigMapName()
	if name == "" {
		return nil
	}
	want := desiredConfigMap(a, data)
	if err := controllerutil.SetControllerReference(a, want, r.Scheme); err != nil {
		return err
	}
	key := client.ObjectKey{Namespace: a.Namespace, Name: name}
	var have corev1.ConfigMap
	err := r.Get(ctx, key, &have)
	if apierrors.IsNotFound(err) {
		r.ownWrites.record(want)
		if err = r.Create(ctx, want); !apierrors.IsAlreadyExists(err) {
			return err
		}
		err = r.APIReader.Get(ctx, key, &have)
	}
	if err != nil {
		return err
	}
	takeOver := !metav1.IsControlledBy(&have, a)
	if takeOver && !earlierIncarnation(&have, a) {
		return adapter.Terminalf(v1alpha1.ReasonConfigMapConflict,
			"spec.connectionConfigMap: ConfigMap %q exists and is not owned by this Account", name)
	}
	if !takeOver && maps.Equal(have.Data, want.Data) && subset(want.Labels, have.Labels) && subset(want.Annotations, have.Annotations) {
		return nil
	}
	updated := have.DeepCopy()
	if takeOver {
		updated.OwnerReferences = append(slices.DeleteFunc(updated.OwnerReferences,
			func(r metav1.OwnerReference) bool { return r.Controller != nil && *r.Controller }), want.OwnerReferences...)
	}
	updated.Data = want.Data
	updated.Labels = mergeStrings(updated.Labels, want.Labels)
	updated.Annotations = mergeStrings(updated.Annotations, want.Annotations)
	r.ownWrites.record(updated)
	return r.Update(ctx, updated)
}

// earlierIncarnation: o's controller is an Account of a's name that is not a,
// so a deleted one.
func earlierIncarnation(o metav1.Object, a *v1alpha1.Account) bool {
	ref := metav1.GetControllerOf(o)
	return ref != nil && ref.Kind == "Account" && ref.APIVersion == v1alpha1.GroupVersion.String() &&
		ref.Name == a.Name && ref.UID != a.UID
}

// desiredConfigMap holds the non-secret outputs in data and the state.
func desiredConfigMap(a *v1alpha1.Account, data map[string][]byte) *corev1.ConfigMap {
	spec := a.Spec.ConnectionConfigMap
	labels := maps.Clone(spec.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[ManagedByLabel] = ManagedByValue
	out := map[string]string{}
	for _, k := range configMapKeys {
		if v := data[k]; len(v) > 0 {
			out[k] = string(v)
		}
	}
	if a.Status.State != "" {
		out[configMapStateKey] = a.Status.State
	}
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: a.ConnectionConfigMapName(), Namespace: a.Namespace,
			Labels: labels, Annotations: maps.Clone(spec.Annotations)},
		Data: out,
	}
}
