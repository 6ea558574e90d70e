package controllers

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// A connection Secret with deletionPolicy Retain outlives its Account: before
// the finalizer goes, the Secret loses the Account's owner reference (so the
// garbage collector leaves it) and is annotated with the upstream account it
// belongs to. An Account that adopts that account through the same provider
// takes it back; any other Account finds a conflict, as with any Secret it
// does not own.

// reclaimable is nil when s, a Secret that a does not control, may be taken
// back by a: it was retained from the very account a adopts
// (spec.externalID), through a's provider, and nothing controls it now.
func reclaimable(s *corev1.Secret, a *v1alpha1.Account, upstream string) error {
	from, retained := s.Annotations[v1alpha1.AnnotationRetainedFrom]
	switch {
	case !retained:
		return adapter.Terminalf(v1alpha1.ReasonSecretConflict,
			"spec.connectionSecret: Secret %q exists and is not owned by this Account", s.Name)
	case metav1.GetControllerOf(s) != nil || a.Spec.ExternalID == "" ||
		from != a.RetainedFrom(upstream, a.Spec.ExternalID):
		return adapter.Terminalf(v1alpha1.ReasonSecretConflict,
			"spec.connectionSecret: Secret %q was retained from upstream account %s; only an Account adopting "+
				"that account through that provider (spec.externalID) takes it back: choose another "+
				"spec.connectionSecret.name, or delete the Secret", s.Name, from)
	}
	return nil
}

// reclaim makes updated, a retained Secret being taken back, owned by the
// Account again, with want's owner reference.
func reclaim(updated, want *corev1.Secret) {
	delete(updated.Annotations, v1alpha1.AnnotationRetainedFrom)
	updated.OwnerReferences = append(updated.OwnerReferences, want.OwnerReferences...)
}

// retainSecret releases the connection Secret of an Account being deleted
// whose policy keeps it: its owner reference goes and AnnotationRetainedFrom
// names the upstream account. It runs before the finalizer is removed, so a
// crash in between leaves an Account that releases it again on the next
// pass. The Secret is read uncached: the cache may lag and hold only labelled
// Secrets. One without the Account as owner, or gone, is left alone.
func (r *AccountReconciler) retainSecret(ctx context.Context, a *v1alpha1.Account) error {
	if !a.ConnectionSecretRetained() || a.Status.AccountID == "" {
		return nil
	}
	var s corev1.Secret
	err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}, &s)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	owned := func(ref metav1.OwnerReference) bool { return ref.UID == a.UID }
	if !slices.ContainsFunc(s.OwnerReferences, owned) {
		return nil
	}
	s.OwnerReferences = slices.DeleteFunc(s.OwnerReferences, owned)
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[v1alpha1.AnnotationRetainedFrom] = a.RetainedFrom(r.upstreamName(a), a.Status.AccountID)
	// An update carries the resourceVersion just read: a concurrent change
	// conflicts and the pass retries, instead of being overwritten.
	return r.Update(ctx, &s)
}

// upstreamName is the key (ccm, scp, vectorCharts) of the Account's upstream.
func (r *AccountReconciler) upstreamName(a *v1alpha1.Account) string {
	for _, k := range r.Registry.Kinds {
		if k.Wants(a) {
			return k.Name()
		}
	}
	return ""
}
