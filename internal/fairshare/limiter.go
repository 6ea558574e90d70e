package fairshare

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// flowKey is the context key of a request's flow.
type flowKey struct{}

// WithFlow returns ctx carrying the name of the flow whose work it does.
func WithFlow(ctx context.Context, flow string) context.Context {
	return context.WithValue(ctx, flowKey{}, flow)
}

// FlowOf is the flow ctx carries; "" if none.
func FlowOf(ctx context.Context) string {
	s, _ := ctx.Value(flowKey{}).(string)
	return s
}

// Limiter is a token bucket (golang.org/x/time/rate: the same rate and burst)
// whose tokens go to the waiting flows in turn, oldest waiter first within a
// flow. rate.Limiter alone serves waiters in the order they came, so one
// flow's many waiters would each be served before a newcomer of another flow.
// One dispatcher goroutine hands out the tokens while there are waiters, and
// ends when there are none.
type Limiter struct {
	bucket *rate.Limiter
	take   func() time.Duration // reserves a token, returns how long until it is there

	mu      sync.Mutex
	waiting roundRobin[*waiter]
	running bool // the dispatcher runs
}

type waiter struct {
	granted chan struct{}
	done    bool // granted (under Limiter.mu)
}

// NewLimiter makes a Limiter of r tokens a second and burst b (at least 1).
func NewLimiter(r rate.Limit, b int) *Limiter {
	l := &Limiter{bucket: rate.NewLimiter(r, max(b, 1))}
	l.take = func() time.Duration { return l.bucket.Reserve().Delay() }
	return l
}

// Limit is the bucket's rate.
func (l *Limiter) Limit() rate.Limit { return l.bucket.Limit() }

// Burst is the bucket's burst.
func (l *Limiter) Burst() int { return l.bucket.Burst() }

// Wait blocks until ctx's flow gets a token or ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	w := &waiter{granted: make(chan struct{})}
	l.mu.Lock()
	s := l.waiting.push(FlowOf(ctx), w)
	start := !l.running
	l.running = true
	l.mu.Unlock()
	if start {
		go l.dispatch()
	}
	select {
	case <-w.granted:
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !w.done {
		l.waiting.remove(s)
	}
	return ctx.Err()
}

// dispatch takes tokens from the bucket, one at a time, and grants each to
// the waiter whose turn it is, until none waits. A token taken for a waiter
// that gave up meanwhile goes to the next one; if none is left it is lost,
// which only ever lowers the rate.
func (l *Limiter) dispatch() {
	for {
		l.mu.Lock()
		if l.waiting.len() == 0 {
			l.running = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		if d := l.take(); d > 0 {
			time.Sleep(d)
		}
		l.mu.Lock()
		if w, ok := l.waiting.pop(); ok {
			w.done = true
			close(w.granted)
		}
		l.mu.Unlock()
	}
}
