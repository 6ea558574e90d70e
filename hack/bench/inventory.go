package main

import (
	"context"
	"time"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// inventoryTimes is each provider object's status.inventory.observedTime. A
// restart's first listing brings an inventory last counted during the creates
// up to date once: that write is the creates' echo, not the restart's cost,
// so the bench counts it apart.
func (s *session) inventoryTimes(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	var cl v1alpha1.ClusterAccountProviderList
	if err := s.c.List(ctx, &cl); err != nil {
		return nil, err
	}
	for _, p := range cl.Items {
		if inv := p.Status.Inventory; inv != nil {
			out["/"+p.Name] = inv.ObservedTime.Time
		}
	}
	var nl v1alpha1.AccountProviderList
	if err := s.c.List(ctx, &nl); err != nil {
		return nil, err
	}
	for _, p := range nl.Items {
		if inv := p.Status.Inventory; inv != nil {
			out[p.Namespace+"/"+p.Name] = inv.ObservedTime.Time
		}
	}
	return out, nil
}

// changedInventories counts the providers whose inventory was written between
// two readings.
func changedInventories(before, after map[string]time.Time) int {
	n := 0
	for k, t := range after {
		if b, ok := before[k]; !ok || !b.Equal(t) {
			n++
		}
	}
	return n
}
