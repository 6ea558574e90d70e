package controllers

import (
	"context"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// ManagedByLabel marks the connection Secrets the operator writes; only Secrets
// with it are cached, so unrelated Secrets cost the manager no memory.
const ManagedByLabel = "app.kubernetes.io/managed-by"

// ManagedByValue is ManagedByLabel's value.
const ManagedByValue = "account-operator"

// connection is the Account's connection Secret as read at the start of a
// reconcile, and what it should become.
type connection struct {
	secret *corev1.Secret // nil: does not exist yet
	data   map[string][]byte
	writes *ownWrites // notes each write, so its watch event is not a change
}

// loadConnection reads the connection Secret from the cache, which holds only
// Secrets with the operator's label; a miss is confirmed with an uncached read,
// so a foreign Secret of the same name is seen. A Secret of that name that this
// Account does not control is a conflict, never overwritten.
func loadConnection(ctx context.Context, cached, uncached client.Reader, a *v1alpha1.Account) (*connection, error) {
	var s corev1.Secret
	key := client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}
	err := cached.Get(ctx, key, &s)
	if apierrors.IsNotFound(err) {
		err = uncached.Get(ctx, key, &s)
	}
	if apierrors.IsNotFound(err) {
		return &connection{data: map[string][]byte{}}, nil
	}
	if err != nil {
		return nil, err
	}
	if !metav1.IsControlledBy(&s, a) {
		return nil, adapter.Terminalf(v1alpha1.ReasonSecretConflict,
			"spec.connectionSecret: Secret %q exists and is not owned by this Account", s.Name)
	}
	return &connection{secret: &s, data: maps.Clone(s.Data)}, nil
}

// merge adds details over the current data.
func (c *connection) merge(details map[string][]byte) {
	for k, v := range details {
		if len(v) > 0 {
			c.data[k] = v
		}
	}
}

// save writes the Secret when its data, labels or annotations differ; a
// Secret that is already right costs no write.
func (c *connection) save(ctx context.Context, cl client.Client, scheme *runtime.Scheme, a *v1alpha1.Account) error {
	want := desiredSecret(a, c.data)
	if err := controllerutil.SetControllerReference(a, want, scheme); err != nil {
		return err
	}
	if c.secret == nil {
		c.writes.record(want)
		if err := cl.Create(ctx, want); err != nil {
			return err
		}
		c.secret = want
		return nil
	}
	if maps.EqualFunc(c.secret.Data, want.Data, bytesEqual) &&
		subset(want.Labels, c.secret.Labels) && subset(want.Annotations, c.secret.Annotations) {
		return nil
	}
	updated := c.secret.DeepCopy()
	updated.Data = want.Data
	updated.Labels = mergeStrings(updated.Labels, want.Labels)
	updated.Annotations = mergeStrings(updated.Annotations, want.Annotations)
	c.writes.record(updated)
	if err := cl.Update(ctx, updated); err != nil {
		return err
	}
	c.secret = updated
	return nil
}

func desiredSecret(a *v1alpha1.Account, data map[string][]byte) *corev1.Secret {
	labels := map[string]string{}
	annotations := map[string]string{}
	if cs := a.Spec.ConnectionSecret; cs != nil {
		maps.Copy(labels, cs.Labels)
		maps.Copy(annotations, cs.Annotations)
	}
	labels[ManagedByLabel] = ManagedByValue
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: a.ConnectionSecretName(), Namespace: a.Namespace,
			Labels: labels, Annotations: annotations},
		Type: corev1.SecretTypeOpaque,
		Data: maps.Clone(data),
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

func subset(want, have map[string]string) bool {
	for k, v := range want {
		if hv, ok := have[k]; !ok || hv != v {
			return false
		}
	}
	return true
}

func mergeStrings(dst, src map[string]string) map[string]string {
	if dst == nil {
		dst = map[string]string{}
	}
	maps.Copy(dst, src)
	return dst
}
