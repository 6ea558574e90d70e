package main

import (
	"testing"
	"time"
)

// TestTakeover: a takeover is a new, non-empty holder; its time runs from
// the kill to the acquireTime the new holder wrote, negative if it acquired
// the lease before the kill.
func TestTakeover(t *testing.T) {
	killedAt := time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		now  leaseView
		want time.Duration
		ok   bool
	}{
		{"still the killed holder", leaseView{Holder: "host_a", AcquireTime: killedAt.Add(-time.Minute)}, 0, false},
		{"no holder", leaseView{AcquireTime: killedAt.Add(time.Second)}, 0, false},
		{"new holder without acquireTime", leaseView{Holder: "host_b"}, 0, false},
		{"new holder", leaseView{Holder: "host_b", AcquireTime: killedAt.Add(15300 * time.Millisecond), Transitions: 1},
			15300 * time.Millisecond, true},
		{"new holder before the kill", leaseView{Holder: "host_b", AcquireTime: killedAt.Add(-time.Second)}, -time.Second, true},
	} {
		got, ok := takeover("host_a", killedAt, c.now)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: got %s, %v; want %s, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestTakeoverBound: lease duration plus two tries, each a jittered retry
// period (client-go's JitterFactor 1.2) and a second for its Lease read:
// 25.8 s with controller-runtime's defaults.
func TestTakeoverBound(t *testing.T) {
	if got := takeoverBound(15*time.Second, 2*time.Second); got != 25800*time.Millisecond {
		t.Errorf("defaults: %s, want 25.8s", got)
	}
	if got := takeoverBound(6*time.Second, time.Second); got != 12400*time.Millisecond {
		t.Errorf("6s/1s: %s, want 12.4s", got)
	}
}
