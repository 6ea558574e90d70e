package controllers

import (
	"crypto/sha256"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// ownWrites remembers, per connection Secret, a digest of the content the
// operator last wrote, so the watch event of that write does not run the
// Account's reconcile again: that reconcile made the write and goes on to
// publish it. An update whose content differs (someone edited the Secret) and
// a delete still trigger. The digest is noted before the write, since the
// event may arrive before the write call returns; it is a SHA-256, so no
// Secret value is kept. One entry per Account.
type ownWrites struct {
	mu     sync.Mutex
	digest map[types.NamespacedName][sha256.Size]byte
}

func newOwnWrites() *ownWrites {
	return &ownWrites{digest: map[types.NamespacedName][sha256.Size]byte{}}
}

// record notes the content the operator is about to write.
func (w *ownWrites) record(s *corev1.Secret) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.digest[client.ObjectKeyFromObject(s)] = contentDigest(s)
}

// mine reports whether o holds exactly the content the operator last wrote.
func (w *ownWrites) mine(o client.Object) bool {
	s, ok := o.(*corev1.Secret)
	if !ok {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	d, ok := w.digest[client.ObjectKeyFromObject(s)]
	return ok && d == contentDigest(s)
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
