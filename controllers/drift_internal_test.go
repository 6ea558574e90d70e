package controllers

import (
	"reflect"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// TestDriftBookBoundsWrites plays passes of an upstream that never takes one
// field: it is written once, then reported and never written again until the
// spec or the annotation changes.
func TestDriftBookBoundsWrites(t *testing.T) {
	const logo, name = "spec.ccm.customLogo", "spec.displayName"
	var st *v1alpha1.DriftStatus
	writes := map[string]int{}
	pass := func(gen int64, req string, found ...string) driftBook {
		b := planDrift(st, gen, req, found)
		for _, f := range b.write {
			writes[f]++
		}
		if len(b.write) > 0 {
			b.wrote()
		}
		st = b.status()
		return b
	}
	b := pass(1, "", logo, name)
	if !reflect.DeepEqual(b.write, []string{logo, name}) {
		t.Fatalf("first pass writes %v", b.write)
	}
	b = pass(1, "", logo) // name took, logo did not
	if !reflect.DeepEqual(b.newlyStuck, []string{logo}) || len(b.write) != 0 {
		t.Fatalf("second pass: stuck %v, write %v", b.newlyStuck, b.write)
	}
	for range 20 {
		b = pass(1, "", logo)
		if len(b.write) != 0 || len(b.newlyStuck) != 0 {
			t.Fatalf("a not-applied field was written again or reported again: %+v", b)
		}
	}
	if writes[logo] != 1 || writes[name] != 1 {
		t.Fatalf("writes %v, want one each", writes)
	}
	if st == nil || !reflect.DeepEqual(st.NotApplied, []string{logo}) {
		t.Fatalf("status %+v, want logo not applied", st)
	}
	// Drift of another field behind the operator's back is still corrected.
	if b = pass(1, "", logo, name); !reflect.DeepEqual(b.write, []string{name}) {
		t.Fatalf("new drift: write %v, want only %s", b.write, name)
	}
	// A new annotation value retries once; a spec change retries once.
	if b = pass(1, "now", logo); !reflect.DeepEqual(b.write, []string{logo}) {
		t.Fatalf("after reconcile request: write %v", b.write)
	}
	if b = pass(1, "now", logo); len(b.write) != 0 || len(b.newlyStuck) != 1 {
		t.Fatalf("retry did not take: %+v", b)
	}
	if b = pass(2, "now", logo); !reflect.DeepEqual(b.write, []string{logo}) {
		t.Fatalf("after spec change: write %v", b.write)
	}
	// The upstream finally shows the value: nothing left to remember.
	if b = pass(2, "now"); b.status() != nil {
		t.Fatalf("status %+v after the drift went away, want nil", b.status())
	}
}

// A failed update records nothing written, so the next pass writes again
// rather than calling the field not applied.
func TestDriftBookFailedWriteIsRetried(t *testing.T) {
	b := planDrift(nil, 1, "", []string{"spec.scp.parentUnitID"})
	st := b.status() // wrote() not called: the update failed
	b = planDrift(st, 1, "", []string{"spec.scp.parentUnitID"})
	if len(b.write) != 1 || len(b.newlyStuck) != 0 {
		t.Fatalf("after a failed write: %+v", b)
	}
}
