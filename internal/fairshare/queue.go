package fairshare

import (
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
)

// Queue is a controller's work queue that hands out the ready items of each
// flow in turn, and otherwise behaves as controller-runtime's priority queue
// (it implements priorityqueue.PriorityQueue, so event handlers still put the
// initial list and resyncs behind new events: priority first, then flows in
// turn).
//
// Ready items live in client-go's work queue (one entry per key, an item
// being processed held back until Done, shutdown, the workqueue_* metrics)
// with only its storage replaced (order). Delayed items wait here, one entry
// per key as in controller-runtime's priority queue: an add without delay
// takes a waiting item out, a delayed add of a waiting item keeps the earlier
// time and the higher priority, and one of a queued item leaves it queued.
// client-go's delaying queue would keep a waiting entry beside the ready one
// and run the item once more when it comes due.
type Queue[T comparable] struct {
	ready       *workqueue.Typed[T]
	order       *order[T]
	rateLimiter workqueue.TypedRateLimiter[T]
	clock       clock.WithTicker
	retries     workqueue.CounterMetric

	// mu is held across every add, so an item is never both waiting and
	// queued; it is taken before the ready queue's lock, never after.
	mu       sync.Mutex
	waiting  waitHeap[T]
	wake     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
}

var _ priorityqueue.PriorityQueue[string] = &Queue[string]{}

// Options configure a Queue.
type Options struct {
	// Retries counts adds with a delay (workqueue_retries_total); nil: none.
	Retries workqueue.CounterMetric
	clock   clock.WithTicker // tests
}

// NewQueue makes a Queue named name (the name of its workqueue_* metrics),
// with rateLimiter for AddRateLimited, and flowOf telling each item's flow.
// ShutDown stops it.
func NewQueue[T comparable](name string, rateLimiter workqueue.TypedRateLimiter[T], flowOf func(T) string,
	opts Options) *Queue[T] {
	if opts.clock == nil {
		opts.clock = clock.RealClock{}
	}
	if opts.Retries == nil {
		opts.Retries = noRetries{}
	}
	o := newOrder(flowOf)
	q := &Queue[T]{
		ready: workqueue.NewTypedWithConfig(workqueue.TypedQueueConfig[T]{Name: name, Clock: opts.clock, Queue: o}),
		order: o, rateLimiter: rateLimiter, clock: opts.clock, retries: opts.Retries,
		waiting: waitHeap[T]{at: map[T]*waitEntry[T]{}},
		wake:    make(chan struct{}, 1), stop: make(chan struct{}),
	}
	go q.run()
	return q
}

type noRetries struct{}

func (noRetries) Inc() {}

// AddWithOpts adds items at o.Priority (0 if unset), after the shorter of
// o.After and, if o.RateLimited, the item's backoff: as controller-runtime's
// priority queue.
func (q *Queue[T]) AddWithOpts(o priorityqueue.AddOpts, items ...T) {
	p := ptr.Deref(o.Priority, 0)
	for _, item := range items {
		after := o.After
		if o.RateLimited {
			if backoff := q.rateLimiter.When(item); after == 0 || backoff < after {
				after = backoff
			}
		}
		q.mu.Lock()
		if after > 0 {
			q.addAfter(item, p, after)
		} else {
			q.addNow(item, p)
		}
		q.mu.Unlock()
	}
}

// addNow queues item, taking it out of waiting (at the higher of the two
// priorities). q.mu is held.
func (q *Queue[T]) addNow(item T, p int) {
	if e, ok := q.waiting.remove(item); ok {
		p = max(p, e.priority)
	}
	q.order.ask(item, p)
	q.ready.Add(item)
}

// addAfter makes item wait d, unless it is queued already. q.mu is held.
func (q *Queue[T]) addAfter(item T, p int, d time.Duration) {
	if q.ready.ShuttingDown() {
		return
	}
	q.retries.Inc()
	if q.order.holds(item) {
		q.addNow(item, p) // stays where it is, at the higher priority
		return
	}
	if q.waiting.add(item, p, q.clock.Now().Add(d)) {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
}

// run moves waiting items into the queue when they are due, until ShutDown.
func (q *Queue[T]) run() {
	for {
		q.mu.Lock()
		now := q.clock.Now()
		for _, e := range q.waiting.due(now) {
			q.order.ask(e.item, e.priority)
			q.ready.Add(e.item)
		}
		at, ok := q.waiting.next()
		q.mu.Unlock()
		if !q.sleep(at.Sub(now), ok) {
			return
		}
	}
}

// sleep waits for d (forever if !timed), or until an add wakes it; false
// once ShutDown was called.
func (q *Queue[T]) sleep(d time.Duration, timed bool) bool {
	var next <-chan time.Time
	if timed {
		t := q.clock.NewTimer(d)
		defer t.Stop()
		next = t.C()
	}
	select {
	case <-q.stop:
		return false
	case <-q.wake:
	case <-next:
	}
	return true
}

// Add adds item at priority 0.
func (q *Queue[T]) Add(item T) { q.AddWithOpts(priorityqueue.AddOpts{}, item) }

// AddAfter adds item at priority 0 once d has passed.
func (q *Queue[T]) AddAfter(item T, d time.Duration) {
	q.AddWithOpts(priorityqueue.AddOpts{After: d}, item)
}

// AddRateLimited adds item at priority 0 after its backoff.
func (q *Queue[T]) AddRateLimited(item T) {
	q.AddWithOpts(priorityqueue.AddOpts{RateLimited: true}, item)
}

// Forget ends item's backoff.
func (q *Queue[T]) Forget(item T) { q.rateLimiter.Forget(item) }

// NumRequeues is how often item was added rate-limited since its last Forget.
func (q *Queue[T]) NumRequeues(item T) int { return q.rateLimiter.NumRequeues(item) }

// GetWithPriority blocks until an item is ready and returns it with its
// priority, or returns shutdown once the queue is shut down: items still
// queued then are not handed out (as controller-runtime's priority queue).
func (q *Queue[T]) GetWithPriority() (item T, priority int, shutdown bool) {
	var zero T
	if q.ready.ShuttingDown() {
		return zero, 0, true
	}
	item, shutdown = q.ready.Get()
	if shutdown {
		return zero, 0, true
	}
	priority = q.order.handedOut(item)
	if q.ready.ShuttingDown() {
		q.ready.Done(item)
		return zero, 0, true
	}
	return item, priority, false
}

// Get is GetWithPriority without the priority.
func (q *Queue[T]) Get() (item T, shutdown bool) {
	item, _, shutdown = q.GetWithPriority()
	return item, shutdown
}

// Done marks item as processed; if it was added meanwhile, it is queued again.
func (q *Queue[T]) Done(item T) { q.ready.Done(item) }

// Len is how many items are ready.
func (q *Queue[T]) Len() int { return q.ready.Len() }

// ShutDown stops the queue: waiting workers get shutdown, adds are ignored.
func (q *Queue[T]) ShutDown() {
	q.stopOnce.Do(func() { close(q.stop) })
	q.ready.ShutDown()
}

// ShutDownWithDrain is ShutDown: controller-runtime does not drain, and
// neither does its priority queue.
func (q *Queue[T]) ShutDownWithDrain() { q.ShutDown() }

// ShuttingDown tells whether ShutDown was called.
func (q *Queue[T]) ShuttingDown() bool { return q.ready.ShuttingDown() }
