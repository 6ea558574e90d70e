package fairshare

import "sync"

// order is the storage of a Queue's ready items (client-go's workqueue.Queue):
// highest priority first; within a priority, flows in turn (roundRobin). The
// workqueue around it keeps everything else: one entry per key, an item being
// processed held back until Done, delays, shutdown and metrics. It pushes an
// item here only when the item is due and not being processed.
type order[T comparable] struct {
	flowOf func(T) string

	// mu: the workqueue calls Push, Touch, Len and Pop under its own lock;
	// Queue calls ask and handedOut from adders and workers without it.
	mu     sync.Mutex
	asked  map[T]int         // the highest priority asked for an item and not yet applied
	queued map[T]queuedAt[T] // where each held item is
	levels []*level[T]       // the levels that hold items, highest priority first
	handed map[T]int         // the priority of each item Pop handed out, until handedOut reads it
	n      int
}

// level is the items of one priority.
type level[T comparable] struct {
	priority int
	items    roundRobin[T]
}

type queuedAt[T comparable] struct {
	level *level[T]
	slot  slot[T]
}

func newOrder[T comparable](flowOf func(T) string) *order[T] {
	return &order[T]{flowOf: flowOf, asked: map[T]int{}, queued: map[T]queuedAt[T]{}, handed: map[T]int{}}
}

// ask records that an add of item wants priority p; the next Push or Touch
// of item applies the highest priority asked since the last one.
func (o *order[T]) ask(item T, p int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if cur, ok := o.asked[item]; !ok || p > cur {
		o.asked[item] = p
	}
}

// holds tells whether item is queued.
func (o *order[T]) holds(item T) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.queued[item]
	return ok
}

// Push holds an item that is due.
func (o *order[T]) Push(item T) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.put(item, o.take(item))
}

// Touch: item, already held, was added again. A higher priority moves it to
// the back of its flow at that priority, as controller-runtime's priority
// queue does; otherwise it keeps its place.
func (o *order[T]) Touch(item T) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p := o.take(item)
	at, ok := o.queued[item]
	if !ok || p <= at.level.priority {
		return
	}
	o.remove(item, at)
	o.put(item, p)
}

// Len is how many items are held.
func (o *order[T]) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n
}

// Pop hands out the next item; the workqueue calls it only when Len > 0.
func (o *order[T]) Pop() T {
	o.mu.Lock()
	defer o.mu.Unlock()
	l := o.levels[0]
	item, _ := l.items.pop()
	o.n--
	if l.items.len() == 0 {
		o.levels = o.levels[1:]
	}
	delete(o.queued, item)
	o.handed[item] = l.priority
	return item
}

// handedOut is the priority item was handed out with.
func (o *order[T]) handedOut(item T) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	p := o.handed[item]
	delete(o.handed, item)
	return p
}

// take returns and forgets the priority asked for item: 0 if none was.
func (o *order[T]) take(item T) int {
	p := o.asked[item]
	delete(o.asked, item)
	return p
}

func (o *order[T]) put(item T, p int) {
	l := o.level(p)
	o.queued[item] = queuedAt[T]{level: l, slot: l.items.push(o.flowOf(item), item)}
	o.n++
}

func (o *order[T]) remove(item T, at queuedAt[T]) {
	at.level.items.remove(at.slot)
	o.n--
	delete(o.queued, item)
	if at.level.items.len() == 0 {
		for i, l := range o.levels {
			if l == at.level {
				o.levels = append(o.levels[:i], o.levels[i+1:]...)
				break
			}
		}
	}
}

// level returns the level of priority p, made if missing.
func (o *order[T]) level(p int) *level[T] {
	i := 0
	for ; i < len(o.levels) && o.levels[i].priority >= p; i++ {
		if o.levels[i].priority == p {
			return o.levels[i]
		}
	}
	l := &level[T]{priority: p}
	o.levels = append(o.levels[:i], append([]*level[T]{l}, o.levels[i:]...)...)
	return l
}
