package controllers

import (
	"context"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/snapshot"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// inventoryRestamp is how old status.inventory.observedTime may grow while
// the figures stay the same: a steady inventory is written at most once per
// this, not at every listing.
const inventoryRestamp = time.Hour

// inventory sets status.inventory from the provider's last complete listing
// (refreshed first when due): how many upstream accounts the credentials
// see, how many an Account using the provider refers to, and, when
// spec.inventory.listUnmanaged is true, the others. A listing cut short
// changes nothing: its total is unknown. The reporter writes the status.
func (r *ProviderReconciler) inventory(ctx context.Context, p v1alpha1.ProviderObject) {
	s := r.Registry.Snapshot(p)
	if s == nil {
		return
	}
	v := s.Latest(ctx, pollInterval(p.ProviderSpec(), r.DefaultPollInterval))
	if v == nil || !v.Complete {
		return
	}
	ids, err := managedIDs(ctx, r.Client, p)
	if err != nil {
		log.FromContext(ctx).Info("Inventory not updated: cannot list the provider's Accounts", "error", err.Error())
		return
	}
	st := p.ProviderStatus()
	next := countInventory(v, ids, listsUnmanaged(p.ProviderSpec()))
	st.Inventory = stampInventory(st.Inventory, next, v.Taken)
	r.Metrics.observeInventory(providerKey(p), *st.Inventory.Managed, *st.Inventory.Unmanaged)
}

// managedIDs are the status.accountID of the Accounts using p.
func managedIDs(ctx context.Context, c client.Reader, p v1alpha1.ProviderObject) (map[string]bool, error) {
	var list v1alpha1.AccountList
	if err := c.List(ctx, &list, client.MatchingFields{indexProvider: providerIndexValue(p)},
		client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(list.Items))
	for i := range list.Items {
		if id := list.Items[i].Status.AccountID; id != "" {
			ids[id] = true
		}
	}
	return ids, nil
}

func listsUnmanaged(spec *v1alpha1.AccountProviderSpec) bool {
	return spec.Inventory != nil && ptr.Deref(spec.Inventory.ListUnmanaged, false)
}

// countInventory counts a listing against the managed ids; the unmanaged
// accounts are listed (sorted by id, at most MaxUnmanagedListed) when list is
// set. ObservedTime is left to stampInventory.
func countInventory(v *snapshot.View, managed map[string]bool, list bool) v1alpha1.InventoryStatus {
	var m, u int32
	var refs []v1alpha1.UpstreamAccountRef
	truncated := false
	for _, a := range v.Accounts() {
		if managed[a.ID] {
			m++
			continue
		}
		u++
		switch {
		case !list:
		case len(refs) < v1alpha1.MaxUnmanagedListed:
			// Names are cut to the field's bound; ids are short in every upstream.
			refs = append(refs, v1alpha1.UpstreamAccountRef{ID: a.ID, Name: httpapi.TruncateTo(a.Name, 250)})
		default:
			truncated = true
		}
	}
	out := v1alpha1.InventoryStatus{Total: ptr.To(m + u), Managed: ptr.To(m), Unmanaged: ptr.To(u), UnmanagedAccounts: refs}
	if list {
		out.UnmanagedTruncated = ptr.To(truncated)
	}
	return out
}

// stampInventory is next observed at taken, or prev unchanged when its
// figures are next's and it is younger than inventoryRestamp: a steady
// inventory costs no status write per listing.
func stampInventory(prev *v1alpha1.InventoryStatus, next v1alpha1.InventoryStatus, taken time.Time) *v1alpha1.InventoryStatus {
	if prev != nil {
		same := *prev
		same.ObservedTime = metav1.Time{}
		if equality.Semantic.DeepEqual(same, next) && taken.Sub(prev.ObservedTime.Time) < inventoryRestamp {
			return prev
		}
	}
	next.ObservedTime = metav1.NewTime(taken.Truncate(time.Second))
	next.UnmanagedAccounts = slices.Clip(next.UnmanagedAccounts)
	return &next
}
