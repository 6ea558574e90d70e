package controllers

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// A connection Secret is tied to its Account by two annotations, the
// Account's name and UID (the marks), not by an owner reference. Under
// deletionPolicy Retain it never has one: a foreground deletion cascade
// (kubectl delete --cascade=foreground, Argo CD's prune) has the garbage
// collector delete owned dependents as soon as the Account gets its deletion
// timestamp, before any finalizer could release them. Under Delete it is owned
// as well, for the garbage collector. When an Account under Retain is deleted
// its Secret's marks are replaced, before the finalizer goes, by an annotation
// naming the upstream account. An Account that adopts that account through
// the same provider takes it back; any other Account finds a conflict, as with
// any Secret that is not its own.

// ownedBy reports whether s is a's connection Secret: controlled by a, or,
// controlled by nothing, marked with a's UID. A Secret of an earlier Account
// of the same name carries another UID and is not a's.
func ownedBy(s *corev1.Secret, a *v1alpha1.Account) bool {
	if ref := metav1.GetControllerOf(s); ref != nil {
		return ref.UID == a.UID
	}
	return a.UID != "" && s.Annotations[v1alpha1.AnnotationAccountUID] == string(a.UID)
}

// marks are the annotations that tie a connection Secret to a.
func marks(a *v1alpha1.Account) map[string]string {
	return map[string]string{v1alpha1.AnnotationAccount: a.Name, v1alpha1.AnnotationAccountUID: string(a.UID)}
}

// refsTo lists the owner references to uid.
func refsTo(refs []metav1.OwnerReference, uid types.UID) []metav1.OwnerReference {
	var out []metav1.OwnerReference
	for _, r := range refs {
		if r.UID == uid {
			out = append(out, r)
		}
	}
	return out
}

// ownerUpToDate: have's references to the Account are want's (none under
// Retain, the controller reference under Delete).
func ownerUpToDate(have, want *corev1.Secret, uid types.UID) bool {
	return apiequality.Semantic.DeepEqual(refsTo(have.OwnerReferences, uid), refsTo(want.OwnerReferences, uid))
}

// withOwner replaces the references to uid in have by want's; others stay.
func withOwner(have, want []metav1.OwnerReference, uid types.UID) []metav1.OwnerReference {
	out := slices.DeleteFunc(slices.Clone(have), func(r metav1.OwnerReference) bool { return r.UID == uid })
	return append(out, want...)
}

// reclaimable is nil when s, a Secret that is not a's, may be taken back by
// a: it was retained from the very account a adopts (spec.externalID),
// through a's provider, and nothing controls it now.
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

// retainSecret releases the connection Secret of an Account being deleted
// whose policy keeps it: its marks (and any owner reference to the Account,
// left by an earlier version) go and AnnotationRetainedFrom names the upstream
// account. It runs before the finalizer is removed, so a crash in between
// leaves an Account that releases it again on the next pass. The Secret is
// read uncached: the cache may lag. One that is not the Account's, or gone,
// is left alone.
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
	if !ownedBy(&s, a) {
		return nil
	}
	s.OwnerReferences = withOwner(s.OwnerReferences, nil, a.UID)
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	for k := range marks(a) {
		delete(s.Annotations, k)
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
