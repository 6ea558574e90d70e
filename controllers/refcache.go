package controllers

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/source"
)

// newRefCache starts a cache of every Secret's identity (metadata only, and of
// that only name, namespace, uid, resourceVersion and the managed-by label).
// The manager's own cache holds only the operator's labelled Secrets, so a
// change to a Secret an Account or provider refers to (credentials, an OAuth
// client secret, a password) would go unseen; this cache sees it without
// holding any Secret data, and at a few hundred bytes per Secret.
func newRefCache(mgr ctrl.Manager, namespaces []string) (cache.Cache, error) {
	opts := cache.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper(), DefaultTransform: identityOnly}
	if len(namespaces) > 0 {
		opts.DefaultNamespaces = map[string]cache.Config{}
		for _, ns := range namespaces {
			opts.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	c, err := cache.New(mgr.GetConfig(), opts)
	if err != nil {
		return nil, err
	}
	return c, mgr.Add(c)
}

// identityOnly keeps what the watches need to map a Secret to its users.
func identityOnly(in any) (any, error) {
	m, ok := in.(*metav1.PartialObjectMetadata)
	if !ok {
		return in, nil
	}
	out := &metav1.PartialObjectMetadata{TypeMeta: m.TypeMeta, ObjectMeta: metav1.ObjectMeta{
		Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion}}
	if v, ok := m.Labels[ManagedByLabel]; ok {
		out.Labels = map[string]string{ManagedByLabel: v}
	}
	return out, nil
}

// secretRefSource watches Secret identities in refs, skipping the operator's
// own connection Secrets (Owns covers those).
func secretRefSource(refs cache.Cache, h handler.EventHandler) source.Source {
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	return source.Kind[client.Object](refs, obj, h, unmanaged())
}
