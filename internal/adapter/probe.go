package adapter

import "context"

// Prober is a read-only conformance check of a real upstream instance with a
// provider's own credentials: it authenticates, lists accounts, reads one, and
// reads jobs or registration where the upstream has them, decoding each answer
// strictly. It never writes upstream. Every upstream implements it.
type Prober interface {
	Probe(ctx context.Context) []ProbeCheck
}

// ProbeCheck is the result of one probe step. Detail is empty when the answer
// was exactly what the operator expects; otherwise it states the exact
// difference (an unknown field, a field of another type, a status code). A step
// that failed outright has OK false; a step whose answer was usable but differs
// in fields the operator does not rely on has OK true and a Detail. Detail never
// holds a secret value: it names fields and types, not their contents.
type ProbeCheck struct {
	Name   string
	OK     bool
	Detail string
}
