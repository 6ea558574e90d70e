// Package fairshare shares the operator's work fairly between flows (the
// namespaces of Accounts): a work queue that hands out ready items of each
// flow in turn, and a token bucket that gives its tokens to waiting flows in
// turn. One namespace with 1,000 Accounts then no longer makes a single
// Account of another namespace wait behind all of them, while the total rate
// and the number of workers stay what they were.
package fairshare

import "container/list"

// roundRobin holds items in flows: pop takes the oldest item of the flow
// whose turn it is, and a flow that still has items goes to the back of the
// turn. An item waits for at most one item of each other flow for every item
// ahead of it in its own flow: fair queuing where every item costs the same.
type roundRobin[T any] struct {
	flows map[string]*flowQueue[T]
	turn  list.List // of *flowQueue[T] that hold items; the front one is next
	n     int
}

// flowQueue is one flow's items, oldest first.
type flowQueue[T any] struct {
	name  string
	items list.List // of T
	place *list.Element
}

// slot is where push put an item, for remove.
type slot[T any] struct {
	flow *flowQueue[T]
	elem *list.Element
}

func (r *roundRobin[T]) len() int { return r.n }

// push appends v to its flow; a flow that had no items joins the turn last.
func (r *roundRobin[T]) push(flow string, v T) slot[T] {
	if r.flows == nil {
		r.flows = map[string]*flowQueue[T]{}
	}
	f := r.flows[flow]
	if f == nil {
		f = &flowQueue[T]{name: flow}
		r.flows[flow] = f
		f.place = r.turn.PushBack(f)
	}
	r.n++
	return slot[T]{flow: f, elem: f.items.PushBack(v)}
}

// pop takes the oldest item of the flow whose turn it is.
func (r *roundRobin[T]) pop() (v T, ok bool) {
	front := r.turn.Front()
	if front == nil {
		return v, false
	}
	f := front.Value.(*flowQueue[T])
	v = f.items.Remove(f.items.Front()).(T)
	r.n--
	r.turn.Remove(f.place)
	if f.items.Len() > 0 {
		f.place = r.turn.PushBack(f)
	} else {
		delete(r.flows, f.name)
	}
	return v, true
}

// remove takes out the item push put at s; its flow keeps its turn.
func (r *roundRobin[T]) remove(s slot[T]) {
	s.flow.items.Remove(s.elem)
	r.n--
	if s.flow.items.Len() == 0 {
		r.turn.Remove(s.flow.place)
		delete(r.flows, s.flow.name)
	}
}
