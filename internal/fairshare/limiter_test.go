package fairshare

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// handLimiter is a Limiter whose tokens the test hands out one at a time.
func handLimiter() (*Limiter, chan struct{}) {
	tokens := make(chan struct{})
	l := NewLimiter(1, 1)
	l.take = func() time.Duration { <-tokens; return 0 }
	return l, tokens
}

// waitFor starts Wait for flow/name and reports the name once it returns.
func waitFor(ctx context.Context, l *Limiter, flow, name string, done chan<- string) {
	go func() {
		if err := l.Wait(WithFlow(ctx, flow)); err != nil {
			done <- name + ": " + err.Error()
			return
		}
		done <- name
	}()
}

// waiting waits, bounded, until n calls of Wait are queued.
func waiting(t *testing.T, l *Limiter, n int) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		l.mu.Lock()
		got := l.waiting.len()
		l.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiting, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func next(t *testing.T, done <-chan string) string {
	t.Helper()
	select {
	case s := <-done:
		return s
	case <-time.After(bound):
		t.Fatalf("no Wait returned within %s", bound)
		return ""
	}
}

// Tokens go to the waiting flows in turn, oldest first within a flow: the one
// waiter of namespace b gets the second token, not the sixth.
func TestLimiterFlowsTakeTurns(t *testing.T) {
	l, tokens := handLimiter()
	done := make(chan string, 8)
	for i, name := range []string{"a1", "a2", "a3", "a4", "a5"} {
		waitFor(t.Context(), l, "a", name, done)
		waiting(t, l, i+1)
	}
	waitFor(t.Context(), l, "b", "b1", done)
	waiting(t, l, 6)
	var order []string
	for range 6 {
		tokens <- struct{}{}
		order = append(order, next(t, done))
	}
	if want := []string{"a1", "b1", "a2", "a3", "a4", "a5"}; !slices.Equal(order, want) {
		t.Fatalf("tokens went to %v, want %v", order, want)
	}
}

// A waiter whose context ends leaves the line with the context's error, and
// the token goes to the next one.
func TestLimiterCancelledWaiterLeaves(t *testing.T) {
	l, tokens := handLimiter()
	done := make(chan string, 4)
	ctx, cancel := context.WithCancel(t.Context())
	waitFor(ctx, l, "a", "a1", done)
	waiting(t, l, 1)
	waitFor(t.Context(), l, "b", "b1", done)
	waiting(t, l, 2)
	cancel()
	if got := next(t, done); got != "a1: "+context.Canceled.Error() {
		t.Fatalf("cancelled waiter returned %q, want a1 with %v", got, context.Canceled)
	}
	waiting(t, l, 1)
	tokens <- struct{}{}
	if got := next(t, done); got != "b1" {
		t.Fatalf("token went to %q, want b1", got)
	}
}

// The bucket is x/time/rate's with the provider's rate and burst, and each
// grant takes one token from it: never more requests than it allows.
func TestLimiterTakesOneTokenPerGrant(t *testing.T) {
	l := NewLimiter(rate.Every(time.Hour), 3)
	if l.Limit() != rate.Every(time.Hour) || l.Burst() != 3 {
		t.Fatalf("limit %v burst %d, want one an hour and 3", l.Limit(), l.Burst())
	}
	done := make(chan string, 4)
	for _, name := range []string{"a1", "b1", "a2"} {
		waitFor(t.Context(), l, name[:1], name, done)
	}
	var got []string
	for range 3 {
		got = append(got, next(t, done))
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"a1", "a2", "b1"}) {
		t.Fatalf("the burst went to %v, want a1, a2, b1", got)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a fourth Wait returned %v, want the context's deadline: the bucket is empty for an hour", err)
	}
}
