package main

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// floorResult is the API server's floor: the minimum time for the writes the
// operator must cause, made by a client with no rate limit and many requests
// in flight, with no manager running.
type floorResult struct {
	N                int     `json:"n"`
	Writes           int     `json:"writes"`
	Seconds          float64 `json:"seconds"`
	WritesPerSecond  float64 `json:"writesPerSecond"`
	UpstreamSeconds  float64 `json:"upstreamSeconds"`
	UpstreamCalls    float64 `json:"upstreamCallsPerAccount"`
	UpstreamLatency  float64 `json:"upstreamMeanLatencySeconds"`
	Concurrency      int     `json:"concurrency"`
	LargerSeconds    float64 `json:"largerFloorSeconds"`
	LargerFloorIsAPI bool    `json:"largerFloorIsAPIServer"`
}

// measureFloor creates n Accounts and n Secrets and patches n statuses in ns
// while no manager runs, then deletes them again.
func (s *session) measureFloor(ctx context.Context, ns string, n int) (floorResult, error) {
	r := floorResult{N: n, Writes: 3 * n}
	if err := s.env.KillManager(); err != nil {
		return r, err
	}
	if err := s.c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return r, err
	}
	accs := accounts(ns, n)
	start := time.Now()
	err := parallel(ctx, n, func(ctx context.Context, i int) error {
		a := accs[i].(*v1alpha1.Account)
		if err := s.c.Create(ctx, a); err != nil {
			return err
		}
		if err := s.c.Create(ctx, floorSecret(a)); err != nil {
			return err
		}
		return s.c.Status().Patch(ctx, a, floorStatus(a))
	})
	r.Seconds = time.Since(start).Seconds()
	r.WritesPerSecond = float64(r.Writes) / r.Seconds
	if err != nil {
		return r, err
	}
	if err := s.deleteFloor(ctx, ns); err != nil {
		return r, err
	}
	return r, s.env.StartManager(ctx)
}

// floorSecret is the floor's Secret for a: an id and a token.
func floorSecret(a *v1alpha1.Account) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: a.Name, Namespace: a.Namespace},
		Data: map[string][]byte{"accountID": []byte(a.Name), "token": []byte("t")}}
}

// floorStatus sets the floor's status on a (an id and Ready) and returns the
// patch that writes it.
func floorStatus(a *v1alpha1.Account) client.Patch {
	orig := a.DeepCopy()
	a.Status.AccountID = a.Name
	meta.SetStatusCondition(&a.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady,
		Status: metav1.ConditionTrue, Reason: "Available", Message: "floor", ObservedGeneration: a.Generation})
	return client.MergeFrom(orig)
}

// deleteFloor removes the floor's objects: no manager ever saw them, so no
// finalizer holds them.
func (s *session) deleteFloor(ctx context.Context, ns string) error {
	if err := s.c.DeleteAllOf(ctx, &v1alpha1.Account{}, client.InNamespace(ns)); err != nil {
		return err
	}
	return s.c.DeleteAllOf(ctx, &corev1.Secret{}, client.InNamespace(ns))
}

// setUpstreamFloor completes r with the upstream floor: every call a create
// needs, at the mean latency, concurrency at a time.
func (r *floorResult) setUpstreamFloor(callsPerAccount, latency float64, concurrency int) {
	r.UpstreamCalls, r.UpstreamLatency, r.Concurrency = callsPerAccount, latency, concurrency
	r.UpstreamSeconds = float64(r.N) * callsPerAccount * latency / float64(concurrency)
	r.LargerSeconds, r.LargerFloorIsAPI = r.UpstreamSeconds, false
	if r.Seconds > r.UpstreamSeconds {
		r.LargerSeconds, r.LargerFloorIsAPI = r.Seconds, true
	}
}
