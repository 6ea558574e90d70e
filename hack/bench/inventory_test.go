package main

import (
	"testing"
	"time"
)

// TestChangedInventories counts a provider whose inventory time moved or
// appeared, and not one that stayed or went.
func TestChangedInventories(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	before := map[string]time.Time{"/ccm": t0, "/scp": t0, "/gone": t0}
	after := map[string]time.Time{"/ccm": t0, "/scp": t0.Add(time.Second), "ns/vc": t0}
	if got := changedInventories(before, after); got != 2 {
		t.Fatalf("changedInventories = %d, want 2 (scp moved, ns/vc appeared)", got)
	}
}
