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

// ownWrites remembers, per Account, a digest of the connection Secret content
// the operator last wrote, so the watch event of that write does not run the
// Account's reconcile again: that reconcile made the write and goes on to
// publish it. An update whose content differs (someone edited the Secret) and
// a delete still trigger. The digest is noted before the write, since the
// event may arrive before the write call returns; it is a SHA-256, so no
// Secret value is kept. Notes are keyed by the Secret's controlling Account,
// so there is one per Account and it goes when the Account goes (forget).
type ownWrites struct {
	mu      sync.Mutex
	written map[types.NamespacedName]ownWrite // by Account
}

// ownWrite is the last content written to one Account's connection Secret.
type ownWrite struct {
	secret string // the Secret's name: a renamed connection Secret is not this one
	digest [sha256.Size]byte
}

func newOwnWrites() *ownWrites {
	return &ownWrites{written: map[types.NamespacedName]ownWrite{}}
}

// record notes the content the operator is about to write. The Secret carries
// its Account as controller, as every connection Secret does.
func (w *ownWrites) record(s *corev1.Secret) {
	account, ok := controllingAccount(s)
	if w == nil || !ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.written[account] = ownWrite{secret: s.Name, digest: contentDigest(s)}
}

// mine reports whether o holds exactly the content the operator last wrote.
func (w *ownWrites) mine(o client.Object) bool {
	s, ok := o.(*corev1.Secret)
	if !ok {
		return false
	}
	account, ok := controllingAccount(s)
	if !ok {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.written[account]
	return ok && e.secret == s.Name && e.digest == contentDigest(s)
}

// forget drops the note of a deleted Account.
func (w *ownWrites) forget(account types.NamespacedName) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.written, account)
}

// controllingAccount names the Account that controls s, if any.
func controllingAccount(s *corev1.Secret) (types.NamespacedName, bool) {
	ref := metav1.GetControllerOf(s)
	if ref == nil || ref.Kind != "Account" || ref.APIVersion != v1alpha1.GroupVersion.String() {
		return types.NamespacedName{}, false
	}
	return types.NamespacedName{Namespace: s.Namespace, Name: ref.Name}, true
}

// othersChanges passes deletes and changes of connection Secrets to content
// the operator did not write. Creates are the operator's own: it makes its
// connection Secrets itself, and at start every Account is reconciled anyway.
func (w *ownWrites) othersChanges() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc: func(event.CreateEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool { return !w.mine(e.ObjectNew) },
	}
}

// contentDigest covers what the operator writes: data, labels, annotations.
func contentDigest(s *corev1.Secret) [sha256.Size]byte {
	h := sha256.New()
	for _, m := range []map[string][]byte{s.Data, strBytes(s.Labels), strBytes(s.Annotations)} {
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
