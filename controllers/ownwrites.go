package controllers

import (
	"crypto/sha256"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// ownWrites remembers, per Account, a digest of the connection Secret (and
// connection ConfigMap) content the operator last wrote, so the watch event of
// that write does not run the Account's reconcile again: that reconcile made the write and goes on to
// publish it. An update whose content differs (someone edited the Secret) and
// a delete still trigger. The digest is noted before the write, since the
// event may arrive before the write call returns; it is a SHA-256, so no
// Secret value is kept. Notes are keyed by the Secret's Account (accountOf),
// so there is one per Account and kind and it goes when the Account goes
// (forget).
type ownWrites struct {
	mu      sync.Mutex
	written map[ownKey]ownWrite
}

// ownKey is one Account's Secret or ConfigMap.
type ownKey struct {
	configMap bool
	account   types.NamespacedName
}

// ownWrite is the last content written to one Account's connection Secret or
// ConfigMap.
type ownWrite struct {
	name   string // the object's name: a renamed connection Secret is not this one
	digest [sha256.Size]byte
}

func newOwnWrites() *ownWrites {
	return &ownWrites{written: map[ownKey]ownWrite{}}
}

// record notes the content the operator is about to write. The object (a
// Secret or ConfigMap) names its Account (accountOf), as every one the
// operator writes does.
func (w *ownWrites) record(o client.Object) {
	key, ok := ownKeyOf(o)
	if w == nil || !ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.written[key] = ownWrite{name: o.GetName(), digest: contentDigest(o)}
}

// mine reports whether o holds exactly the content the operator last wrote.
func (w *ownWrites) mine(o client.Object) bool {
	key, ok := ownKeyOf(o)
	if !ok {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.written[key]
	return ok && e.name == o.GetName() && e.digest == contentDigest(o)
}

// forget drops the notes of a deleted Account.
func (w *ownWrites) forget(account types.NamespacedName) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.written, ownKey{account: account})
	delete(w.written, ownKey{configMap: true, account: account})
}

// ownKeyOf is the note key of an Account's Secret or ConfigMap.
func ownKeyOf(o client.Object) (ownKey, bool) {
	_, isSecret := o.(*corev1.Secret)
	_, isConfigMap := o.(*corev1.ConfigMap)
	account, ok := accountOf(o)
	if !ok || !isSecret && !isConfigMap {
		return ownKey{}, false
	}
	return ownKey{configMap: isConfigMap, account: account}, true
}

// accountOf names the Account whose connection Secret or ConfigMap o is: the
// one its AnnotationAccount names (a connection Secret under deletionPolicy
// Retain has no owner reference), else its controller.
func accountOf(o metav1.Object) (types.NamespacedName, bool) {
	if name := o.GetAnnotations()[v1alpha1.AnnotationAccount]; name != "" {
		return types.NamespacedName{Namespace: o.GetNamespace(), Name: name}, true
	}
	ref := metav1.GetControllerOf(o)
	if ref == nil || ref.Kind != "Account" || ref.APIVersion != v1alpha1.GroupVersion.String() {
		return types.NamespacedName{}, false
	}
	return types.NamespacedName{Namespace: o.GetNamespace(), Name: ref.Name}, true
}

// othersChanges passes deletes and changes of connection Secrets and
// ConfigMaps to content the operator did not write. Creates are the
// operator's own: it makes them itself, and at start every Account is
// reconciled anyway.
func (w *ownWrites) othersChanges() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(event.CreateEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool { return !w.mine(e.ObjectNew) },
	}
}

// contentDigest covers what the operator writes: data, labels, annotations.
func contentDigest(o client.Object) [sha256.Size]byte {
	var data map[string][]byte
	switch o := o.(type) {
	case *corev1.Secret:
		data = o.Data
	case *corev1.ConfigMap:
		data = strBytes(o.Data)
	}
	h := sha256.New()
	for _, m := range []map[string][]byte{data, strBytes(o.GetLabels()), strBytes(o.GetAnnotations())} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			// Length-prefixed, so no two different maps hash alike.
			_, _ = h.Write([]byte{byte(len(k) >> 8), byte(len(k))})
			_, _ = h.Write([]byte(k))
			v := m[k]
			_, _ = h.Write([]byte{byte(len(v) >> 24), byte(len(v) >> 16), byte(len(v) >> 8), byte(len(v))})
			_, _ = h.Write(v)
		}
		_, _ = h.Write([]byte{0xff})
	}
	var out [sha256.Size]byte
	copy(out[:], h.Sum(nil))
	return out
}

func strBytes(m map[string]string) map[string][]byte {
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out
}
