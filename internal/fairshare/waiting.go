package fairshare

import (
	"container/heap"
	"time"
)

// waitHeap is the items added with a delay, one entry per item, the one due
// first on top (ties: the one added first).
type waitHeap[T comparable] struct {
	at      map[T]*waitEntry[T]
	entries waitEntries[T]
	seq     uint64
}

type waitEntry[T comparable] struct {
	item     T
	at       time.Time
	priority int
	seq      uint64
	index    int
}

// add makes item wait until at with priority p; an item already waiting keeps
// the earlier time and the higher priority. It tells whether item is now the
// first due.
func (w *waitHeap[T]) add(item T, p int, at time.Time) bool {
	if e := w.at[item]; e != nil {
		e.priority = max(e.priority, p)
		if at.Before(e.at) {
			e.at = at
			heap.Fix(&w.entries, e.index)
		}
		return e.index == 0
	}
	w.seq++
	e := &waitEntry[T]{item: item, at: at, priority: p, seq: w.seq}
	w.at[item] = e
	heap.Push(&w.entries, e)
	return e.index == 0
}

// remove takes item out, if it waits.
func (w *waitHeap[T]) remove(item T) (waitEntry[T], bool) {
	e := w.at[item]
	if e == nil {
		return waitEntry[T]{}, false
	}
	heap.Remove(&w.entries, e.index)
	delete(w.at, item)
	return *e, true
}

// due takes out the items due at now, earliest first.
func (w *waitHeap[T]) due(now time.Time) []*waitEntry[T] {
	var out []*waitEntry[T]
	for len(w.entries) > 0 && !w.entries[0].at.After(now) {
		e := heap.Pop(&w.entries).(*waitEntry[T])
		delete(w.at, e.item)
		out = append(out, e)
	}
	return out
}

// next is when the first waiting item is due.
func (w *waitHeap[T]) next() (time.Time, bool) {
	if len(w.entries) == 0 {
		return time.Time{}, false
	}
	return w.entries[0].at, true
}

// waitEntries implements heap.Interface.
type waitEntries[T comparable] []*waitEntry[T]

func (h waitEntries[T]) Len() int { return len(h) }

func (h waitEntries[T]) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}

func (h waitEntries[T]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *waitEntries[T]) Push(x any) {
	e := x.(*waitEntry[T])
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *waitEntries[T]) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}
