package controllers_test

import (
	"fmt"
	"math"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// The runtime half of the catalogue runner. Every case gets its own namespace
// and upstream endpoint; all are set up at once and waited for together, so
// the catalogue costs one wait, not one per case.

const (
	// stopTimeout bounds the wait for every case to reach its stop.
	stopTimeout = 40 * time.Second
	// quietWindow is how long the write counts of all stopped cases are
	// watched: none may grow.
	quietWindow = 3 * time.Second
	// itemBaseDelay is controller-runtime's default per-item backoff base: the
	// k-th consecutive failure of an Account is retried after 5ms·2^k (capped
	// at 1000s), so k retries take at least 5ms·(2^k−1).
	itemBaseDelay = 5 * time.Millisecond
	// eventSlack covers reconciles that watch events add to the backoff's: the
	// create, the provider's status changes, the connection Secret.
	eventSlack = 4
	// callsPerReconcile bounds the upstream calls of one reconcile or provider
	// check: a few operations, each idempotent one tried at most 4 times.
	callsPerReconcile = 24
)

// reconcileBound is how many reconciles of one failing Account fit in elapsed:
// with the exponential backoff, 1 + log2(elapsed/5ms + 1); with a Retry-After
// of d seconds (the controller requeues after it, resetting the backoff),
// 1 + elapsed/d. Both plus eventSlack. Each reconcile makes at most one create
// call: creates are never retried inside a reconcile.
func reconcileBound(elapsed time.Duration, retryAfter int) int {
	if retryAfter > 0 {
		return 1 + int(elapsed/(time.Duration(retryAfter)*time.Second)) + eventSlack
	}
	return 1 + int(math.Log2(float64(elapsed)/float64(itemBaseDelay)+1)) + eventSlack
}

// runRuntime sets every case up, waits until all are stopped, then checks the
// write counts, upstream calls and messages of all of them together.
func runRuntime(cases []badCase) (map[string]seen, []string) {
	envs := make([]*caseEnv, 0, len(cases))
	for _, c := range cases {
		e := &caseEnv{c: c, ns: newNamespace(nil), replace: map[string]string{}}
		c.setup(e)
		envs = append(envs, e)
	}
	DeferCleanup(cleanupEnvs, envs)
	waitVerified(envs)
	for _, e := range envs {
		if e.start.IsZero() {
			e.start = time.Now()
		}
		for _, a := range e.accounts[e.made:] {
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed(), e.c.name)
		}
	}
	waitStopped(envs)
	expectQuiet(envs)
	results := map[string]seen{}
	var problems []string
	for _, e := range envs {
		s, ok := e.observe()
		results[e.c.name] = s
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: moved on to %+v", e.c.name, s))
		}
		problems = append(problems, e.checkCalls()...)
		problems = append(problems, e.checkWaiting()...)
		problems = append(problems, e.checkReady()...)
		problems = append(problems, e.checkSecrets(s)...)
	}
	return results, problems
}

// waitVerified waits until every provider has been checked once, so Accounts
// meet a settled provider and their messages do not depend on the race.
func waitVerified(envs []*caseEnv) {
	Eventually(func(g Gomega) {
		for _, e := range envs {
			for _, p := range e.providers {
				g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p)).To(Succeed())
				c := meta.FindStatusCondition(p.ProviderStatus().Conditions, v1alpha1.ConditionReady)
				g.Expect(c).NotTo(BeNil(), "%s: provider not checked yet", e.c.name)
				g.Expect(c.ObservedGeneration).To(Equal(p.GetGeneration()), e.c.name)
			}
		}
	}).WithTimeout(stopTimeout).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// waitStopped waits until every case shows its expected stop.
func waitStopped(envs []*caseEnv) {
	Eventually(func() []string {
		var pending []string
		for _, e := range envs {
			if s, ok := e.observe(); !ok {
				pending = append(pending, fmt.Sprintf("%s: want %+v, see %+v", e.c.name, e.c.want, s))
			}
		}
		return pending
	}).WithTimeout(stopTimeout).WithPolling(500 * time.Millisecond).Should(BeEmpty())
}

// expectQuiet: once stopped, no case's namespace sees another apiserver write
// from the manager (no status rewritten in a loop). A provider's status write
// is left out: its inventory counts the shared sandbox's accounts, which
// other cases create and delete meanwhile.
func expectQuiet(envs []*caseEnv) {
	quiet := func(ns string) int64 { return writes.in(ns) - providerStatusWrites.in(ns) }
	before := map[string]int64{}
	for _, e := range envs {
		before[e.ns] = quiet(e.ns)
	}
	Consistently(func() []string {
		var moving []string
		for _, e := range envs {
			if n := quiet(e.ns); n != before[e.ns] {
				moving = append(moving, fmt.Sprintf("%s: %d more writes", e.c.name, n-before[e.ns]))
			}
		}
		return moving
	}, quietWindow, 250*time.Millisecond).Should(BeEmpty())
}

// observe reads where the case stands now and whether that is its expected stop.
func (e *caseEnv) observe() (seen, bool) {
	var s seen
	replace := e.replacements()
	if e.c.want.where == isProviderDown {
		s = providerSeen(e.target)
	} else {
		var got *v1alpha1.Account
		s, got = accountSeen(e.accounts[0])
		addIDs(replace, got)
	}
	s.message = normalise(s.message, e.ns, replace)
	w := e.c.want
	return s, s.where == w.where && s.reason == w.reason && strings.Contains(s.message, w.message)
}

func providerSeen(p v1alpha1.ProviderObject) seen {
	if err := k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), p); err != nil {
		return seen{message: err.Error()}
	}
	c := meta.FindStatusCondition(p.ProviderStatus().Conditions, v1alpha1.ConditionReady)
	switch {
	case c == nil || c.ObservedGeneration != p.GetGeneration():
		return seen{message: "not checked yet"}
	case c.Status == metav1.ConditionTrue:
		return seen{where: notStopped, reason: c.Reason, message: c.Message}
	}
	return seen{where: isProviderDown, reason: c.Reason, message: c.Message}
}

// addIDs adds the ids an upstream chose (random, or counting up) to the
// replacements; an id the spec chose (externalID) stays, and so does "0",
// which is no id at all.
func addIDs(replace map[string]string, a *v1alpha1.Account) {
	if id := a.Status.AccountID; id != "" && id != "0" && a.Spec.ExternalID == "" {
		replace[id] = "<account-id>"
	}
	if id := a.Status.JobID; len(id) >= 6 {
		replace[id] = "<job-id>"
	}
}

// accountSeen classifies an Account by its conditions of the current generation.
func accountSeen(a *v1alpha1.Account) (seen, *v1alpha1.Account) {
	got := &v1alpha1.Account{}
	if err := k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), got); err != nil {
		return seen{message: err.Error()}, got
	}
	cond := func(t string) *metav1.Condition {
		c := meta.FindStatusCondition(got.Status.Conditions, t)
		if c == nil || c.ObservedGeneration != got.Generation {
			return &metav1.Condition{Status: metav1.ConditionUnknown}
		}
		return c
	}
	ready, synced, reconciling, stalledC := cond(v1alpha1.ConditionReady), cond(v1alpha1.ConditionSynced),
		cond(v1alpha1.ConditionReconciling), cond(v1alpha1.ConditionStalled)
	switch {
	case stalledC.Status == metav1.ConditionTrue:
		return seen{where: isStalled, reason: stalledC.Reason, message: stalledC.Message}, got
	case ready.Status == metav1.ConditionTrue:
		return seen{where: notStopped, reason: ready.Reason, message: ready.Message}, got
	case synced.Status == metav1.ConditionFalse && reconciling.Status == metav1.ConditionTrue:
		return seen{where: isRetrying, reason: synced.Reason, message: synced.Message}, got
	case ready.Status == metav1.ConditionFalse && reconciling.Status == metav1.ConditionTrue:
		return seen{where: isNotReady, reason: ready.Reason, message: ready.Message}, got
	}
	return seen{reason: ready.Reason, message: "no settled conditions yet"}, got
}

// checkCalls: a locally invalid input never reaches the upstream's create; an
// invalid upstream answer costs at most one create per reconcile the backoff
// allows; and no case makes more calls than its reconciles can.
func (e *caseEnv) checkCalls() []string {
	if e.up == nil {
		return nil
	}
	creates, total := e.up.count("CreateAccount"), e.up.total()
	bound := reconcileBound(time.Since(e.start), e.c.retryAfter)
	var out []string
	switch {
	case e.c.foundAfterCreate && creates != 1:
		out = append(out, fmt.Sprintf("%s: %d upstream creates, want the one that precedes the stop", e.c.name, creates))
	case !e.c.upstreamBad && !e.c.foundAfterCreate && creates != 0:
		out = append(out, fmt.Sprintf("%s: %d upstream creates for a locally invalid input", e.c.name, creates))
	case creates > bound:
		out = append(out, fmt.Sprintf("%s: %d creates, the backoff allows %d", e.c.name, creates, bound))
	}
	if total > bound*callsPerReconcile {
		out = append(out, fmt.Sprintf("%s: %d upstream calls, the backoff allows %d", e.c.name, total, bound*callsPerReconcile))
	}
	return out
}

// checkWaiting: when the provider is the stop, its Account waits for it
// (Stalled or retrying) and says so, rather than going anywhere.
func (e *caseEnv) checkWaiting() []string {
	if e.c.want.where != isProviderDown || len(e.accounts) == 0 {
		return nil
	}
	s, _ := accountSeen(e.accounts[0])
	if (s.where != isStalled && s.where != isRetrying) || !strings.Contains(s.message, "spec.providerRef") {
		return []string{fmt.Sprintf("%s: its Account does not wait for the provider: %+v", e.c.name, s)}
	}
	return nil
}

// checkReady runs the case's check of the Account's Ready condition.
func (e *caseEnv) checkReady() []string {
	if e.c.ready == nil {
		return nil
	}
	_, got := accountSeen(e.accounts[0])
	c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
	if c == nil || !e.c.ready(c) {
		return []string{fmt.Sprintf("%s: unexpected Ready condition %+v", e.c.name, c)}
	}
	return nil
}

// checkSecrets: no message shows a secret value the case stored.
func (e *caseEnv) checkSecrets(s seen) []string {
	var out []string
	for _, v := range append(e.secrets, ccmPassword, scpSecretKey, vcAdminToken, oauthSecret, vcUserPasswd) {
		if strings.Contains(s.message, v) {
			out = append(out, fmt.Sprintf("%s: a secret value shows in the message", e.c.name))
		}
	}
	return out
}

// cleanupEnvs deletes the Accounts (all Orphan: nothing upstream is touched),
// then the providers, so none keeps checking an endpoint that is gone (the
// provider controller has one worker, and a check against a closed endpoint
// retries for seconds), then closes the endpoints.
func cleanupEnvs(envs []*caseEnv) {
	var accounts, providers []client.Object
	for _, e := range envs {
		for _, a := range e.accounts {
			accounts = append(accounts, a)
		}
		for _, p := range e.providers {
			providers = append(providers, p)
		}
	}
	deleteAll(accounts, &v1alpha1.Account{})
	deleteAll(providers, nil)
	for _, e := range envs {
		if e.up != nil {
			e.up.srv.Close()
		}
	}
}

// deleteAll deletes the objects and, given an empty object to read into,
// waits until they are gone.
func deleteAll(objs []client.Object, into client.Object) {
	for _, o := range objs {
		Expect(client.IgnoreNotFound(k8sClient.Delete(rootCtx, o))).To(Succeed())
	}
	if into == nil {
		return
	}
	Eventually(func() int {
		n := 0
		for _, o := range objs {
			if k8sClient.Get(rootCtx, client.ObjectKeyFromObject(o), into) == nil {
				n++
			}
		}
		return n
	}).WithTimeout(stopTimeout).Should(BeZero())
}
