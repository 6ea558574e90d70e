package fairshare

import (
	"slices"
	"testing"
	"time"

	"k8s.io/client-go/util/workqueue"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
)

// bound is how long a test waits for what must happen; reaching it fails the
// test. It never measures anything.
const bound = 10 * time.Second

func testQueue(t *testing.T) (*Queue[string], *clocktesting.FakeClock) {
	t.Helper()
	clk := clocktesting.NewFakeClock(time.Now())
	rl := workqueue.NewTypedItemExponentialFailureRateLimiter[string](time.Second, time.Minute)
	q := NewQueue("", rl, flowOfName, Options{clock: clk})
	t.Cleanup(q.ShutDown)
	return q, clk
}

type got struct {
	item     string
	priority int
	shutdown bool
}

// get calls GetWithPriority and fails the test if it does not return within bound.
func get(t *testing.T, q *Queue[string]) got {
	t.Helper()
	ch := make(chan got, 1)
	go func() {
		item, p, shutdown := q.GetWithPriority()
		ch <- got{item, p, shutdown}
	}()
	select {
	case g := <-ch:
		return g
	case <-time.After(bound):
		t.Fatalf("GetWithPriority did not return within %s", bound)
		return got{}
	}
}

// getDone gets n items, marking each done, and returns them in order.
func getDone(t *testing.T, q *Queue[string], n int) []string {
	t.Helper()
	var out []string
	for range n {
		g := get(t, q)
		out = append(out, g.item)
		q.Done(g.item)
	}
	return out
}

func TestQueueHandsOutNamespacesInTurn(t *testing.T) {
	q, _ := testQueue(t)
	for _, s := range []string{"a/1", "a/2", "a/3", "a/4", "b/1"} {
		q.Add(s)
	}
	if got, want := getDone(t, q, 5), []string{"a/1", "b/1", "a/2", "a/3", "a/4"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// A key is queued once however often it is added, and an item added again
// while it is processed is handed out again only after Done.
func TestQueueKeepsOneEntryPerKey(t *testing.T) {
	q, _ := testQueue(t)
	q.Add("a/1")
	q.Add("a/1")
	q.AddWithOpts(priorityqueue.AddOpts{Priority: ptr.To(-100)}, "a/1")
	if q.Len() != 1 {
		t.Fatalf("Len %d after adding one key three times, want 1", q.Len())
	}
	g := get(t, q)
	q.Add("a/1") // while processing
	q.Add("b/1")
	if q.Len() != 1 {
		t.Fatalf("Len %d, want 1: a/1 waits for Done", q.Len())
	}
	if next := get(t, q); next.item != "b/1" {
		t.Fatalf("got %q, want b/1 (a/1 is still processed)", next.item)
	}
	q.Done("b/1")
	q.Done(g.item)
	if again := getDone(t, q, 1); again[0] != "a/1" || q.Len() != 0 {
		t.Fatalf("got %v and Len %d, want a/1 once and an empty queue", again, q.Len())
	}
}

// Priority comes first (handlers add the initial list at a low priority), and
// the priority an item was handed out with is returned, so the controller
// requeues it at that priority.
func TestQueuePriorityBeforeTurns(t *testing.T) {
	q, _ := testQueue(t)
	low := priorityqueue.AddOpts{Priority: ptr.To(-100)}
	q.AddWithOpts(low, "a/1", "a/2", "b/1")
	q.Add("a/3")
	q.Add("a/4")
	var order []string
	var prios []int
	for range 5 {
		g := get(t, q)
		order, prios = append(order, g.item), append(prios, g.priority)
		q.Done(g.item)
	}
	if want := []string{"a/3", "a/4", "a/1", "b/1", "a/2"}; !slices.Equal(order, want) ||
		!slices.Equal(prios, []int{0, 0, -100, -100, -100}) {
		t.Fatalf("order %v priorities %v, want %v with 0, 0, -100, -100, -100", order, prios, want)
	}
}

// AddAfter and AddRateLimited keep client-go's delays and per-item
// exponential backoff; Forget resets the backoff.
func TestQueueDelaysAndBackoff(t *testing.T) {
	q, clk := testQueue(t)
	q.AddAfter("a/1", 10*time.Second)
	q.AddRateLimited("b/1") // 1 s
	q.AddRateLimited("b/1") // already waiting: the earlier time stays
	if q.Len() != 0 || q.NumRequeues("b/1") != 2 {
		t.Fatalf("Len %d, NumRequeues %d: want nothing ready yet and 2 requeues", q.Len(), q.NumRequeues("b/1"))
	}
	stepUntilReady(t, q, clk, time.Second, 1)
	if g := getDone(t, q, 1); g[0] != "b/1" {
		t.Fatalf("got %v first, want b/1 (its 1 s backoff ends first)", g)
	}
	q.AddRateLimited("b/1") // third failure: 4 s
	stepUntilReady(t, q, clk, 4*time.Second, 1)
	if g := getDone(t, q, 1); g[0] != "b/1" {
		t.Fatalf("got %v at 5 s, want b/1 (a/1 waits until 10 s)", g)
	}
	stepUntilReady(t, q, clk, 5*time.Second, 1)
	if g := getDone(t, q, 1); g[0] != "a/1" {
		t.Fatalf("got %v, want a/1 at 10 s", g)
	}
	q.Forget("b/1")
	if q.NumRequeues("b/1") != 0 {
		t.Fatalf("NumRequeues %d after Forget, want 0", q.NumRequeues("b/1"))
	}
	// After and RateLimited together: the shorter of the two, as
	// controller-runtime's priority queue.
	q.AddWithOpts(priorityqueue.AddOpts{After: time.Hour, RateLimited: true}, "c/1")
	stepUntilReady(t, q, clk, time.Second, 1)
	if g := getDone(t, q, 1); g[0] != "c/1" {
		t.Fatalf("got %v, want c/1 after its 1 s backoff", g)
	}
}

// stepUntilReady advances the clock by d and waits, bounded, for the delaying
// queue's goroutine to move n items in.
func stepUntilReady(t *testing.T, q *Queue[string], clk *clocktesting.FakeClock, d time.Duration, n int) {
	t.Helper()
	clk.Step(d)
	deadline := time.Now().Add(bound)
	for q.Len() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d items ready %s after %s, want %d", q.Len(), bound, d, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// One entry per key also across delays, as controller-runtime's priority
// queue: an add without delay takes a waiting item out (it is not run again
// when the delay ends), a delayed add of a queued item leaves it queued, and
// two delayed adds keep the earlier time and the higher priority.
func TestQueueDelayedAddsMerge(t *testing.T) {
	q, clk := testQueue(t)
	q.AddAfter("a/1", 10*time.Second)
	q.Add("a/1")
	if waits(q, "a/1") || q.Len() != 1 {
		t.Fatalf("a/1 waiting %v, Len %d: want it queued only", waits(q, "a/1"), q.Len())
	}
	q.AddAfter("a/1", time.Second)
	if waits(q, "a/1") || q.Len() != 1 {
		t.Fatalf("a/1 waiting %v, Len %d after a delayed add while queued: want it queued only", waits(q, "a/1"), q.Len())
	}
	getDone(t, q, 1)

	q.AddWithOpts(priorityqueue.AddOpts{After: 10 * time.Second, Priority: ptr.To(-100)}, "b/1")
	q.AddWithOpts(priorityqueue.AddOpts{After: 5 * time.Second}, "b/1")
	q.AddWithOpts(priorityqueue.AddOpts{After: 2 * time.Second, Priority: ptr.To(-100)}, "c/1")
	stepUntilReady(t, q, clk, 5*time.Second, 2)
	first, second := get(t, q), get(t, q)
	if first.item != "b/1" || first.priority != 0 || second.item != "c/1" || second.priority != -100 {
		t.Fatalf("got %+v then %+v: want b/1 at priority 0 (due at 5 s, the higher priority), then c/1 at -100",
			first, second)
	}
}

// waits tells whether item is waiting for its delay.
func waits(q *Queue[string], item string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, ok := q.waiting.at[item]
	return ok
}

// ShutDown wakes a waiting worker with shutdown, hands out nothing more, and
// ignores later adds.
func TestQueueShutDown(t *testing.T) {
	q, _ := testQueue(t)
	ch := make(chan got, 1)
	go func() {
		item, p, shutdown := q.GetWithPriority()
		ch <- got{item, p, shutdown}
	}()
	q.Add("a/1")
	first := <-ch
	q.Add("a/2")
	q.ShutDown()
	q.Add("a/3")
	if g := get(t, q); !g.shutdown || g.item != "" {
		t.Fatalf("got %+v after ShutDown, want shutdown and no item", g)
	}
	q.Done(first.item) // a worker still finishing is fine
	if !q.ShuttingDown() {
		t.Fatal("ShuttingDown false after ShutDown")
	}
}

type counter struct{ n int }

func (c *counter) Inc() { c.n++ }

// Every add with a delay is counted (workqueue_retries_total), also one that
// merges into a waiting or queued entry, as controller-runtime's priority
// queue counts them; adds without delay are not.
func TestQueueCountsRetries(t *testing.T) {
	retries := &counter{}
	q := NewQueue("", workqueue.NewTypedItemExponentialFailureRateLimiter[string](time.Second, time.Minute),
		flowOfName, Options{Retries: retries, clock: clocktesting.NewFakeClock(time.Now())})
	t.Cleanup(q.ShutDown)
	q.Add("a/1")
	q.AddAfter("a/1", time.Second)
	q.AddAfter("b/1", time.Second)
	q.AddRateLimited("b/1")
	if retries.n != 3 {
		t.Fatalf("%d retries counted, want 3", retries.n)
	}
}
