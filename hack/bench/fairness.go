package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/localenv"
)

// The fairness phase: one ClusterAccountProvider shared by two namespaces,
// with a rate limit that, not the workers, bounds how fast Accounts go Ready.
const (
	fairProvider = "shared-ccm"
	fairSystemNS = "fair-system" // the provider's credentials Secret
	fairNSA      = "team-a"      // applies N Accounts at once
	fairNSB      = "team-b"      // applies one Account while A's are being created
	fairRate     = 20            // the provider's rateLimit: requestsPerSecond and burst
)

// fairnessResult is one Account in namespace B applied while namespace A's N
// are being created through the same rate-limited provider: how long B's
// waits, and what A's run achieves against the limit.
type fairnessResult struct {
	N                 int     `json:"n"`
	Upstream          string  `json:"upstream"`
	RequestsPerSecond int     `json:"requestsPerSecond"`
	Burst             int     `json:"burst"`
	AReadyAtBApply    int     `json:"namespaceAReadyWhenBApplied"`
	BSeconds          float64 `json:"namespaceBSecondsToReady"`
	AReadyAtBReady    int     `json:"namespaceAReadyWhenBReady"`
	ASeconds          float64 `json:"namespaceASecondsToAllReady"`
	UpstreamCalls     int     `json:"upstreamCalls"`
	CallsPerSecond    float64 `json:"upstreamCallsPerSecondFromBApplyToAllReady"`
	Duplicates        int     `json:"duplicateUpstreamAccounts"`
}

// fairness runs the phase in a fresh environment.
func fairness(ctx context.Context, c config, res *results) (err error) {
	fmt.Printf("Fairness: %d Accounts in %s, then 1 in %s, one ClusterAccountProvider (ccm) at %d requests/s, burst %d\n",
		c.fairnessN, fairNSA, fairNSB, fairRate, fairRate)
	s, err := startSession(ctx, c, filepath.Join(c.stateDir, "fairness"))
	if err != nil {
		return err
	}
	defer func() { err = s.close(err) }()
	res.Fairness, err = s.measureFairness(ctx, c.fairnessN)
	return err
}

// measureFairness applies n Accounts to namespace A; once a tenth of them
// are Ready (the queue and the limiter are full of A's work), it applies one
// Account to namespace B and times it to Ready, then waits for all of A's.
func (s *session) measureFairness(ctx context.Context, n int) (fairnessResult, error) {
	r := fairnessResult{N: n, Upstream: "ccm", RequestsPerSecond: fairRate, Burst: fairRate}
	if err := s.setupShared(ctx); err != nil {
		return r, err
	}
	before, err := sandboxCalls(ctx, s.env)
	if err != nil {
		return r, err
	}
	start := time.Now()
	if err := createAll(ctx, s.c, sharedAccounts(fairNSA, n)); err != nil {
		return r, err
	}
	if _, err := s.ready.wait(ctx, fairNSA, max(n/10, 1), s.cfg.timeout); err != nil {
		return r, s.withLog(err)
	}
	r.AReadyAtBApply = s.ready.count(fairNSA)
	mid, err := sandboxCalls(ctx, s.env)
	if err != nil {
		return r, err
	}
	bStart := time.Now()
	if err := s.c.Create(ctx, sharedAccount(fairNSB, 0)); err != nil {
		return r, err
	}
	bReady, err := s.ready.wait(ctx, fairNSB, 1, s.cfg.timeout)
	if err != nil {
		return r, s.withLog(err)
	}
	r.BSeconds, r.AReadyAtBReady = bReady.Sub(bStart).Seconds(), s.ready.readyBefore(fairNSA, bReady)
	aReady, err := s.ready.wait(ctx, fairNSA, n, s.cfg.timeout)
	if err != nil {
		return r, s.withLog(err)
	}
	r.ASeconds = aReady.Sub(start).Seconds()
	after, err := sandboxCalls(ctx, s.env)
	if err != nil {
		return r, err
	}
	r.UpstreamCalls = after.minus(before).total("ccm", all)
	// The rate while A's Accounts fill the queue: from B's apply until the
	// last of A's is Ready (the start, while A's are still being applied, is
	// the API server's pace, not the limiter's).
	end := aReady
	if bReady.After(end) {
		end = bReady
	}
	r.CallsPerSecond = float64(after.minus(mid).total("ccm", all)) / end.Sub(bStart).Seconds()
	r.Duplicates, _, err = upstreamDuplicates(ctx, s.env)
	return r, err
}

func (s *session) withLog(err error) error {
	return fmt.Errorf("%w (manager log: %s)", err, s.env.LogPath("manager"))
}

// setupShared creates the namespaces and the shared, rate-limited provider,
// and waits until it is Ready.
func (s *session) setupShared(ctx context.Context) error {
	for _, ns := range []string{fairSystemNS, fairNSA, fairNSB} {
		if err := s.c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			return err
		}
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ccm-admin", Namespace: fairSystemNS},
		StringData: map[string]string{"username": localenv.CCMUser, "password": localenv.CCMPassword}}
	prov := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: fairProvider},
		Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: v1alpha1.AccountProviderSpec{
			CCM: &v1alpha1.CCMProviderSpec{URL: v1alpha1.HTTPSURL(s.env.URLs.CCM),
				CredentialsSecretRef: v1alpha1.SecretReference{Name: "ccm-admin", Namespace: fairSystemNS}},
			RateLimit: &v1alpha1.RateLimit{RequestsPerSecond: fairRate, Burst: fairRate},
		}}}
	if err := createAll(ctx, s.c, []client.Object{secret, prov}); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var p v1alpha1.ClusterAccountProvider
		if err := s.c.Get(ctx, client.ObjectKeyFromObject(prov), &p); err != nil {
			return err
		}
		if meta.IsStatusConditionTrue(p.Status.Conditions, v1alpha1.ConditionReady) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return s.withLog(fmt.Errorf("ClusterAccountProvider %s not Ready within a minute", fairProvider))
}

// sharedAccounts are n CCM Accounts of ns through the shared provider.
func sharedAccounts(ns string, n int) []client.Object {
	out := make([]client.Object, n)
	for i := range out {
		out[i] = sharedAccount(ns, i)
	}
	return out
}

func sharedAccount(ns string, i int) *v1alpha1.Account {
	name := fmt.Sprintf("ccm-%05d", i)
	return &v1alpha1.Account{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.AccountSpec{
			ProviderRef: v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: fairProvider},
			DisplayName: ns + "-" + name, // CCM account names are unique upstream
			CCM:         &v1alpha1.CCMAccountSpec{},
		},
	}
}
