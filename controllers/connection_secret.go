package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
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
	secret *corev1.Secret    // as stored; nil: not in the cache, so not known to exist
	data   map[string][]byte // what it should hold; providers read it as Request.Connection
	learnt map[string]bool   // keys of data from upstream answers in this pass
	// uncached reads a Secret of that name when creating it finds one: the
	// cache holds only Secrets with the operator's label.
	uncached client.Reader
	writes   *ownWrites // notes each write, so its watch event is not a change
	upstream string     // the Account's upstream key (ccm, scp, vectorCharts)
	// takeBack: the stored Secret is one an Account retained from the
	// account this one adopts; the next save makes this Account its owner.
	takeBack bool
}

// loadConnection reads the connection Secret from the cache, which holds only
// Secrets with the operator's label. A miss is not confirmed: save creates the
// Secret and reads it only when the create answers AlreadyExists, so the
// common path costs no read of the API server. A Secret of that name that
// this Account does not control is a conflict, never overwritten.
func loadConnection(ctx context.Context, cached, uncached client.Reader, a *v1alpha1.Account, upstream string) (*connection, error) {
	c := &connection{data: map[string][]byte{}, learnt: map[string]bool{}, uncached: uncached, upstream: upstream}
	var s corev1.Secret
	err := cached.Get(ctx, client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}, &s)
	if apierrors.IsNotFound(err) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	return c, c.use(&s, a)
}

// use takes s as the stored Secret, if it is this Account's (ownedBy) or the
// Account takes it back (reclaimable), with its data keyed by the published
// names.
func (c *connection) use(s *corev1.Secret, a *v1alpha1.Account) error {
	if !ownedBy(s, a) {
		if err := reclaimable(s, a, c.upstream); err != nil {
			return err
		}
		c.takeBack = true
	}
	c.secret = s
	maps.Copy(c.data, fromStored(s.Data, s.Annotations))
	return nil
}

// merge adds details from an upstream answer over the current data.
func (c *connection) merge(details map[string][]byte) {
	for k, v := range details {
		if len(v) > 0 {
			c.data[k], c.learnt[k] = v, true
		}
	}
}

// drop removes keys the upstream no longer publishes (a revoked token).
func (c *connection) drop(keys []string) {
	for _, k := range keys {
		delete(c.data, k)
		delete(c.learnt, k)
	}
}

// propose adds data chosen before a create (a generated password): a value
// the Secret turns out to hold already wins over it (rebase).
func (c *connection) propose(data map[string][]byte) {
	for k, v := range data {
		if len(v) > 0 {
			c.data[k] = v
		}
	}
}

// save writes the Secret when its data, labels, annotations or owner
// reference differ; a Secret that is already right costs no write. One the
// cache did not show is created; if it exists after all (a foreign one, or
// this Account's that the cache has not seen yet or that lost its label), it
// is read once and, if it is this Account's, updated.
func (c *connection) save(ctx context.Context, cl client.Client, scheme *runtime.Scheme, a *v1alpha1.Account) error {
	want, err := desiredOwned(a, c.data, scheme)
	if err != nil {
		return err
	}
	if c.secret == nil {
		c.writes.record(want)
		switch err := cl.Create(ctx, want); {
		case err == nil:
			c.secret = want
			return nil
		case !apierrors.IsAlreadyExists(err):
			return secretWriteError(err)
		}
		if err := c.rebase(ctx, a); err != nil {
			return err
		}
		if want, err = desiredOwned(a, c.data, scheme); err != nil {
			return err
		}
	}
	return c.update(ctx, cl, want, a.UID)
}

// desiredOwned is desiredSecret with the Account as controller under
// deletionPolicy Delete, and with no owner reference under Retain: the
// garbage collector must never delete a Secret to be retained, even before
// the Account's finalizer runs.
func desiredOwned(a *v1alpha1.Account, data map[string][]byte, scheme *runtime.Scheme) (*corev1.Secret, error) {
	want := desiredSecret(a, data)
	if a.ConnectionSecretRetained() {
		return want, nil
	}
	return want, controllerutil.SetControllerReference(a, want, scheme)
}

// secretWriteError classifies a refused write of the connection Secret: one
// the apiserver finds invalid needs a spec change (admission already refuses
// the shapes known to be invalid, such as kubernetes.io/basic-auth without a
// username or password key); anything else is retried. The apiserver's
// message names keys, never values.
func secretWriteError(err error) error {
	if apierrors.IsInvalid(err) {
		return adapter.Terminal(v1alpha1.ReasonInvalidSpec,
			"spec.connectionSecret: the apiserver refused the Secret: "+err.Error(), nil)
	}
	return err
}

// rebase reads the stored Secret after a create found it: what it holds is
// the base, what this pass learnt from the upstream goes over it, and a
// proposed value only fills a key it lacks. The map is refilled in place,
// since the provider's request shares it.
func (c *connection) rebase(ctx context.Context, a *v1alpha1.Account) error {
	var s corev1.Secret
	if err := c.uncached.Get(ctx, client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}, &s); err != nil {
		return err
	}
	mine := maps.Clone(c.data)
	clear(c.data)
	if err := c.use(&s, a); err != nil {
		return err
	}
	for k, v := range mine {
		if c.learnt[k] || len(c.data[k]) == 0 {
			c.data[k] = v
		}
	}
	return nil
}

// update writes want over the stored Secret unless it holds it already. The
// owner reference to the Account (uid) is set or removed as want says, so a
// change of the deletion policy costs one write. A Secret taken back gets
// this Account's marks and loses the retained-from annotation in the same
// write.
func (c *connection) update(ctx context.Context, cl client.Client, want *corev1.Secret, uid types.UID) error {
	if c.secret.Type != want.Type {
		return adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.connectionSecret.type: Secret %q has type %s, not %s, "+
			"and a Secret's type cannot change: apply this Account again with spec.connectionSecret.type %s to use it, "+
			"or delete the Secret", c.secret.Name, c.secret.Type, want.Type, c.secret.Type)
	}
	if !c.takeBack && secretUpToDate(c.secret, want) && ownerUpToDate(c.secret, want, uid) {
		return nil
	}
	updated := c.secret.DeepCopy()
	updated.OwnerReferences = withOwner(updated.OwnerReferences, want.OwnerReferences, uid)
	updated.Data = want.Data
	updated.Labels = mergeStrings(updated.Labels, want.Labels)
	updated.Annotations = withKeysNote(mergeStrings(updated.Annotations, want.Annotations),
		want.Annotations[v1alpha1.AnnotationConnectionKeys])
	if c.takeBack {
		delete(updated.Annotations, v1alpha1.AnnotationRetainedFrom)
	}
	c.writes.record(updated)
	if err := cl.Update(ctx, updated); err != nil {
		return secretWriteError(err)
	}
	c.secret, c.takeBack = updated, false
	return nil
}

// secretUpToDate: have holds want's data, labels and annotations, and records
// the same renaming of keys.
func secretUpToDate(have, want *corev1.Secret) bool {
	return maps.EqualFunc(have.Data, want.Data, bytesEqual) &&
		subset(want.Labels, have.Labels) && subset(want.Annotations, have.Annotations) &&
		have.Annotations[v1alpha1.AnnotationConnectionKeys] == want.Annotations[v1alpha1.AnnotationConnectionKeys]
}

// desiredSecret is the connection Secret holding data (keyed by the published
// names) as spec.connectionSecret shapes it, with the Account's marks.
func desiredSecret(a *v1alpha1.Account, data map[string][]byte) *corev1.Secret {
	labels := map[string]string{}
	annotations := map[string]string{}
	if cs := a.Spec.ConnectionSecret; cs != nil {
		maps.Copy(labels, cs.Labels)
		maps.Copy(annotations, cs.Annotations)
	}
	labels[ManagedByLabel] = ManagedByValue
	maps.Copy(annotations, marks(a))
	stored, note := toStored(data, a.ConnectionKeys())
	annotations[v1alpha1.AnnotationDataDigest] = dataDigest(stored)
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: a.ConnectionSecretName(), Namespace: a.Namespace,
			Labels: labels, Annotations: withKeysNote(annotations, note)},
		Type: corev1.SecretType(a.ConnectionSecretType()),
		Data: stored,
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

// dataDigest is the value of the data-digest annotation: the SHA-256 of the
// Secret's data, keys sorted, each key and value length-prefixed so that no
// two different data hash alike.
func dataDigest(data map[string][]byte) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(data)) {
		fmt.Fprintf(h, "%d:%s%d:", len(k), k, len(data[k]))
		h.Write(data[k])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
