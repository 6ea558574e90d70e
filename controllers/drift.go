package controllers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// driftBook decides, for one pass, which drifting fields to write upstream.
// An upstream may accept an update and still show the field differently on
// the next read (it normalises the value, or ignores the field): writing it
// again would repeat on every poll forever. So a field whose accepted write
// did not show goes to notApplied and is not written again until the spec's
// generation or the reconcile-requested-at annotation changes; a field that
// later reads as desired leaves notApplied by itself.
type driftBook struct {
	next       v1alpha1.DriftStatus
	write      []string // drifting fields to write in this pass
	newlyStuck []string // fields that went to notApplied in this pass
}

// planDrift compares the fields the observation found drifting with what the
// status recorded for this generation and annotation value.
func planDrift(st *v1alpha1.DriftStatus, generation int64, requestedAt string, found []string) driftBook {
	prev := v1alpha1.DriftStatus{}
	if st != nil && st.ObservedGeneration == generation && st.RequestedAt == requestedAt {
		prev = *st
	}
	stuck := intersect(found, prev.Written)
	notApplied := union(intersect(prev.NotApplied, found), stuck)
	return driftBook{
		next:       v1alpha1.DriftStatus{ObservedGeneration: generation, RequestedAt: requestedAt, NotApplied: notApplied},
		write:      minus(found, notApplied),
		newlyStuck: minus(stuck, prev.NotApplied),
	}
}

// wrote records that an update carrying b.write was accepted: the next read
// confirms it or moves the fields to notApplied.
func (b *driftBook) wrote() { b.next.Written = slices.Clone(b.write) }

// status is what the Account status records; nil when there is nothing to
// remember.
func (b *driftBook) status() *v1alpha1.DriftStatus {
	if len(b.next.Written) == 0 && len(b.next.NotApplied) == 0 {
		return nil
	}
	s := b.next
	return &s
}

// notAppliedMessage explains the Synced=False condition; deterministic.
func notAppliedMessage(fields []string) string {
	return fmt.Sprintf("the upstream accepted an update of %s but still shows a different value "+
		"(it normalises or ignores the field); not written again until the spec changes or "+
		"%s is set", strings.Join(fields, ", "), v1alpha1.AnnotationReconcileRequestedAt)
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
