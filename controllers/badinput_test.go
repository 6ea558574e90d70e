package controllers_test

import (
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The bad-input catalogue (issue 7): invalid Accounts, providers, referenced
// Secrets and ConfigMaps, and upstream answers, each with where it is stopped
// and the message a user sees. docs/bad-input.md is generated from this table.

// stopKind is where a bad input is stopped.
type stopKind string

const (
	// atAdmission: the apiserver refuses the create or update.
	atAdmission stopKind = "admission"
	// isStalled: Account Stalled=True with the reason; no retry until something changes.
	isStalled stopKind = "stalled"
	// isRetrying: Account Synced=False, Reconciling=True, Stalled=False: a
	// transient failure retried with controller-runtime's backoff.
	isRetrying stopKind = "retrying"
	// isNotReady: Account Ready=False, Reconciling=True: the upstream account is
	// not usable; looked at again at the poll interval or soon when pending.
	isNotReady stopKind = "notReady"
	// isProviderDown: the provider's Ready=False; its Accounts wait for it.
	isProviderDown stopKind = "providerNotReady"
	// notStopped: nothing stops the input (a gap; such cases carry a TODO).
	notStopped stopKind = "notStopped"
)

// expect is where a case must be stopped.
type expect struct {
	where  stopKind
	reason string // exact condition reason; "" for admission
	// message is a substring of what the user sees, naming the field or object.
	message string
}

// badCase is one row of the catalogue.
type badCase struct {
	name   string // unique; also the stem of the objects' names
	object string // what is wrong, for the doc
	want   expect
	// todo, when set, names a bug the case found: the case pins today's
	// behaviour so the fix shows up as a failing row.
	todo string
	// admit runs an admission case in ns: it makes the refused request and
	// returns its error.
	admit func(ns string) error
	// setup creates a runtime case's objects.
	setup func(e *caseEnv)
	// upstreamBad: the upstream's answer is the bad part, so creates are
	// bounded by the backoff; otherwise the input is local and no create may
	// reach the upstream.
	upstreamBad bool
	// foundAfterCreate: a local input the operator sees only when it writes
	// the connection Secret, which for CCM and SCP follows the create (the
	// Secret is not read first): one create, then the stop.
	foundAfterCreate bool
	// retryAfter is the Retry-After the case's upstream sends, if any: it
	// replaces the exponential backoff in the bound.
	retryAfter int
	// ready, when set, must hold for the Account's Ready condition too.
	ready func(c *metav1.Condition) bool
}

// seen is what a case produced.
type seen struct {
	where   stopKind
	reason  string
	message string // normalised: no namespace, URL or random id
}

// badInputCases is the catalogue: one table, kept in several files by area.
func badInputCases() []badCase {
	return slices.Concat(accountAdmissionCases(), providerAdmissionCases(), refAdmissionCases(),
		providerRuntimeCases(), accountRuntimeCases(), ccmRuntimeCases(), scpRuntimeCases(),
		vcRuntimeCases(), upstreamAnswerCases(), connectionCases(), policyCases())
}

var _ = Describe("Bad input", Ordered, func() {
	cases := badInputCases()
	results := map[string]seen{}

	It("has a catalogue of at least 50 uniquely named cases", func() {
		names := map[string]bool{}
		for _, c := range cases {
			Expect(names[c.name]).To(BeFalse(), "duplicate case %s", c.name)
			names[c.name] = true
			Expect(c.admit == nil).NotTo(Equal(c.setup == nil), "%s: exactly one of admit or setup", c.name)
		}
		Expect(len(cases)).To(BeNumerically(">=", 50))
	})

	It("refuses each admission case with a message naming the field", func() {
		var problems []string
		for _, c := range cases {
			if c.admit == nil {
				continue
			}
			s, problem := runAdmission(c)
			results[c.name] = s
			if problem != "" {
				problems = append(problems, c.name+": "+problem)
			}
		}
		Expect(problems).To(BeEmpty(), strings.Join(problems, "\n"))
	})

	It("stops each runtime case where documented, without hot loops, repeated writes or panics", func() {
		var runtime []badCase
		for _, c := range cases {
			if c.setup != nil {
				runtime = append(runtime, c)
			}
		}
		got, problems := runRuntime(runtime)
		for k, v := range got {
			results[k] = v
		}
		Expect(problems).To(BeEmpty(), strings.Join(problems, "\n"))
		Expect(strings.ToLower(logs.String())).NotTo(ContainSubstring("panic"), "the manager recovered a panic")
	})

	It("matches docs/bad-input.md", func() {
		Expect(results).To(HaveLen(len(cases)), "run the whole 'Bad input' container")
		checkBadInputDoc(cases, results)
	})
})
