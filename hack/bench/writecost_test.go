package main

import (
	"context"
	"math"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestWriteCostsPerAccount sums the floor's three writes and the operator's
// writes, the VectorCharts Secret update weighted by its share of Accounts.
func TestWriteCostsPerAccount(t *testing.T) {
	r := writeCostResult{N: 300, MillisPerWrite: map[string]float64{
		wcCreate: 4, wcFloorSecret: 1, wcFloorStatus: 5,
		wcClaim: 5, wcSecret: 2, wcEvent: 1, wcStatus: 8, wcSecretPut: 3,
	}}
	r.perAccount()
	if r.FloorMillis != 10 {
		t.Errorf("floor = %v ms, want 10 (create 4 + Secret 1 + status 5)", r.FloorMillis)
	}
	// 4 + 5 + 2 + 1 + 8 + 3 x 100/300
	if want := 21.0; math.Abs(r.OperatorMillis-want) > 1e-9 || math.Abs(r.Ratio-2.1) > 1e-9 {
		t.Errorf("operator = %v ms (ratio %v), want %v ms (2.1)", r.OperatorMillis, r.Ratio, want)
	}
}

// TestConnectionSecretCopy keeps only the password in a VectorCharts
// Account's first Secret write and everything in the others, owned by the
// Account.
func TestConnectionSecretCopy(t *testing.T) {
	tpl := &corev1.Secret{Data: map[string][]byte{"password": []byte("p"), "token": []byte("t"), "accountID": []byte("1")}}
	for i, wantFirst := range map[int]int{0: 3, 1: 3, 2: 1} { // ccm, scp, vectorcharts
		a := account("ns", i)
		first := connectionSecret(a, tpl, true)
		if len(first.Data) != wantFirst {
			t.Errorf("%s: first write has %d keys, want %d", a.Name, len(first.Data), wantFirst)
		}
		if all := connectionSecret(a, tpl, false); len(all.Data) != 3 {
			t.Errorf("%s: later write has %d keys, want 3", a.Name, len(all.Data))
		}
		if refs := first.OwnerReferences; len(refs) != 1 || refs[0].Name != a.Name || refs[0].Kind != "Account" {
			t.Errorf("%s: owner references %v", a.Name, refs)
		}
	}
	if n := vectorChartsOf(1000); n != 333 {
		t.Errorf("vectorChartsOf(1000) = %d, want 333", n)
	}
}

// TestWriteCostIsTheMeanOverSets averages a kind of write measured in
// several sets (the user's create is measured in all four), per write.
func TestWriteCostIsTheMeanOverSets(t *testing.T) {
	clock, step := 0.0, []float64{0.3, 0.5, 0.1} // CPU seconds each set adds
	w := &writeCoster{m: 100, out: map[string]float64{}, sets: map[string]int{}}
	w.cpu = func(context.Context) (float64, error) { return clock, nil }
	for i, d := range step {
		err := w.measureSome(context.Background(), wcCreate, 100, func(_ context.Context, j int) error {
			if j == 0 {
				clock += d
			}
			return nil
		})
		if err != nil {
			t.Fatalf("set %d: %v", i, err)
		}
	}
	// (3 + 5 + 1) ms per write / 3 sets
	if got := w.out[wcCreate]; math.Abs(got-3) > 1e-9 {
		t.Fatalf("mean = %v ms per write, want 3", got)
	}
}
