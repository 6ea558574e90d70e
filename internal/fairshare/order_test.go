package fairshare

import (
	"slices"
	"strings"
	"testing"
)

// flowOfName is the flow of a test item "<flow>/<name>".
func flowOfName(s string) string { flow, _, _ := strings.Cut(s, "/"); return flow }

func popAll(o *order[string]) []string {
	var out []string
	for o.Len() > 0 {
		out = append(out, o.Pop())
	}
	return out
}

func TestOrderTakesFlowsInTurn(t *testing.T) {
	o := newOrder(flowOfName)
	for _, s := range []string{"a/1", "a/2", "a/3", "a/4", "b/1", "c/1", "c/2"} {
		o.Push(s)
	}
	got := popAll(o)
	want := []string{"a/1", "b/1", "c/1", "a/2", "c/2", "a/3", "a/4"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// A flow that comes back after it ran dry joins the turn last: it is not owed
// the turns it had nothing to do in.
func TestOrderReturningFlowJoinsLast(t *testing.T) {
	o := newOrder(flowOfName)
	for _, s := range []string{"a/1", "a/2", "a/3", "b/1"} {
		o.Push(s)
	}
	got := []string{o.Pop(), o.Pop()} // a/1, b/1: b ran dry
	o.Push("b/2")
	got = append(got, popAll(o)...)
	want := []string{"a/1", "b/1", "a/2", "b/2", "a/3"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestOrderHigherPriorityFirstThenFlowsInTurn(t *testing.T) {
	o := newOrder(flowOfName)
	low := []string{"a/1", "a/2", "b/1"}
	for _, s := range low {
		o.ask(s, -100)
		o.Push(s)
	}
	for _, s := range []string{"a/3", "a/4", "b/2"} {
		o.Push(s) // nothing asked: priority 0
	}
	var got []string
	var prios []int
	for o.Len() > 0 {
		s := o.Pop()
		got = append(got, s)
		prios = append(prios, o.handedOut(s))
	}
	want := []string{"a/3", "b/2", "a/4", "a/1", "b/1", "a/2"}
	if !slices.Equal(got, want) || !slices.Equal(prios, []int{0, 0, 0, -100, -100, -100}) {
		t.Fatalf("order %v with priorities %v, want %v with 0, 0, 0, -100, -100, -100", got, prios, want)
	}
}

// Touch with a higher priority moves an item up, to the back of its flow at
// that priority; a lower or equal one leaves it where it is.
func TestOrderTouch(t *testing.T) {
	o := newOrder(flowOfName)
	for _, s := range []string{"a/1", "a/2", "a/3"} {
		o.ask(s, -100)
		o.Push(s)
	}
	o.Push("b/1")
	o.ask("a/3", 0)
	o.Touch("a/3")
	o.ask("a/1", -200)
	o.Touch("a/1")
	got := popAll(o)
	want := []string{"b/1", "a/3", "a/1", "a/2"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// The priority asked for an item is applied once: a later push of it with
// nothing asked is at priority 0.
func TestOrderAskAppliesOnce(t *testing.T) {
	o := newOrder(flowOfName)
	o.ask("a/1", -100)
	o.ask("a/1", -200) // the higher of the two stays
	o.Push("a/1")
	if p := o.handedOut(o.Pop()); p != -100 {
		t.Fatalf("priority %d, want -100", p)
	}
	o.Push("a/1")
	if p := o.handedOut(o.Pop()); p != 0 {
		t.Fatalf("priority %d, want 0", p)
	}
}
