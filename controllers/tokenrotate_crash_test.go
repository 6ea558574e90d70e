package controllers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// A rotation crashes at each point where the upstream and the cluster
// disagree: after the new token is minted (stored nowhere), after the Secret
// holds it (status not written), after the previous one is revoked (Secret
// and status not told). The crash is the manager stopping while the next
// write to the API server is held, so that write never happens and the
// restarted manager knows only what was stored; the lost answer of the mint
// is the sandbox committing it and dropping the response. Each spec then
// lets the passes converge and checks what a consumer and an auditor see:
// the Secret's token works, it is the one token of the upstream account,
// made by the operator for this Account, token.previous is gone, status
// fingerprints it, and every token the operator made before gets 401.
var _ = Describe("Token rotation interrupted", func() {
	const rotateValue = "crash"

	// rotating makes a ready VectorCharts Account, arms the crash gate with
	// the write the manager is to crash before, and asks for a rotation.
	rotating := func(name string, point func(*v1alpha1.Account) requestMatch) (*v1alpha1.Account, *rotationStart) {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		a := waitReady(createVC(upstreams["vectorCharts"], ns, name))
		start := startOf(a)
		var held <-chan struct{}
		if point != nil {
			held = crash.arm(point(a))
			DeferCleanup(crash.disarm)
		}
		requestRotation(a, rotateValue)
		if held != nil {
			Eventually(held).Should(BeClosed(), "the manager reached the crash point")
		}
		return a, start
	}

	It("after mint: the restarted manager mints again and revokes the token it never stored", func() {
		a, start := rotating("crash-mint", func(a *v1alpha1.Account) requestMatch {
			return connectionWrite(a, true)
		})
		var orphan string
		whileStopped(func() {
			s := connectionSecret(a)
			Expect(fp(s.Data["token"])).To(Equal(fp(start.token)), "the Secret was not written")
			Expect(keysOf(s.Data)).NotTo(ContainElement("token.previous"))
			minted := vcSandbox.TokensFor(start.id)
			Expect(fps(minted)).To(HaveLen(2), "the new token was minted upstream")
			Expect(fps(minted)).To(ContainElement(fp(start.token)))
			orphan = otherThan(minted, string(start.token))
		})
		tok := convergedRotation(a, start)
		Expect(fp(tok)).NotTo(Equal(fp(orphan)))
		Expect(selfTokens(orphan)).To(Equal(http.StatusUnauthorized), "the token minted before the crash is revoked")
		Expect(start.mints()).To(Equal(2), "one mint lost in the crash, one stored")
		Eventually(func() []string { return reasons(eventsFor(a)) }).Should(ContainElements("TokenRotated", "TokenRevoked"))
	})

	It("after mint, its answer lost: the next pass mints again and revokes the token it never got", func() {
		vcSandbox.Faults().Add(fault.Rule{Operation: vcsandbox.OpCreateApiToken, Count: 1, Mode: fault.CommitThenDrop})
		DeferCleanup(vcSandbox.Faults().Reset) // in case the rule was not used
		a, start := rotating("crash-mint-lost", nil)
		convergedRotation(a, start)
		Expect(start.mints()).To(Equal(2), "one mint whose answer was lost, one stored")
		Eventually(func() []string { return reasons(eventsFor(a)) }).Should(ContainElements("TokenRotated", "TokenRevoked"))
	})

	It("after the Secret write: the restarted manager records the rotation from the Secret, revokes the previous token, and answers the request once more", func() {
		a, start := rotating("crash-secret", func(a *v1alpha1.Account) requestMatch {
			return after(connectionWrite(a, true), statusWrite(a))
		})
		var stored []byte
		whileStopped(func() {
			s := connectionSecret(a)
			stored = s.Data["token"]
			Expect(fp(stored)).NotTo(Equal(fp(start.token)), "the Secret holds the new token")
			Expect(fp(s.Data["token.previous"])).To(Equal(fp(start.token)), "and the previous one")
			Expect(fps(vcSandbox.TokensFor(start.id))).To(ConsistOf(fp(start.token), fp(stored)))
		})
		// Which request the stored token answers is unknown after the crash
		// (the annotation may have changed since its mint), so the request
		// stays open and is answered by one more rotation, never by a token
		// that may be older than it.
		final := convergedRotation(a, start)
		Expect(fp(final)).NotTo(Equal(fp(stored)), "one more rotation")
		Expect(start.mints()).To(Equal(2))
		Expect(fps(vcSandbox.TokensFor(start.id))).To(ConsistOf(fp(final)), "the stored token is revoked too")
		Eventually(func() []string { return reasons(eventsFor(a)) }).Should(ContainElement("TokenRevoked"))
	})

	It("after revoke: the restarted manager drops token.previous and records the new token", func() {
		a, start := rotating("crash-revoke", func(a *v1alpha1.Account) requestMatch {
			return after(connectionWrite(a, true), connectionWrite(a, false))
		})
		var stored []byte
		whileStopped(func() {
			s := connectionSecret(a)
			stored = s.Data["token"]
			Expect(fp(s.Data["token.previous"])).To(Equal(fp(start.token)), "the Secret was not told")
			Expect(fps(vcSandbox.TokensFor(start.id))).To(ConsistOf(fp(stored)), "the previous token is revoked")
		})
		Expect(fp(convergedRotation(a, start))).To(Equal(fp(stored)), "the stored token stays: no second rotation")
		Expect(start.mints()).To(Equal(1))
	})
})

// rotationStart is what a spec knows of an Account before it asks for a
// rotation: its upstream account, its token, and the upstream's count of
// writes to that account (other specs share the sandbox).
type rotationStart struct {
	id     int64
	token  []byte
	writes int
}

func startOf(a *v1alpha1.Account) *rotationStart {
	id := mustInt(a.Status.AccountID)
	return &rotationStart{id: id, token: connectionSecret(a).Data["token"], writes: vcWrites(id)}
}

// mints is the number of tokens issued for the account since the start: the
// only writes to it a rotation makes (revocations are self-scoped calls).
func (s *rotationStart) mints() int { return vcWrites(s.id) - s.writes }

func vcWrites(id int64) int { return accountWrites(ops["vectorCharts"], strconv.FormatInt(id, 10)) }

// convergedRotation waits until the rotation is finished, checks that it
// left exactly one valid token, the Secret's, made by the operator for this
// Account, that the token before the rotation is revoked, and that a full
// check changes nothing (the rotation is not done again). It returns the
// token. Assertions show fingerprints, never tokens.
func convergedRotation(a *v1alpha1.Account, start *rotationStart) []byte {
	var tok []byte
	Eventually(func(g Gomega) {
		s := &corev1.Secret{}
		g.Expect(k8sClient.Get(rootCtx, keyOfSecret(a), s)).To(Succeed())
		tok = s.Data["token"]
		g.Expect(tok).NotTo(BeEmpty(), "no lost token")
		g.Expect(keysOf(s.Data)).NotTo(ContainElement("token.previous"))
		g.Expect(fps(vcSandbox.TokensFor(start.id))).To(ConsistOf(fp(tok)), "the Secret's token is the only valid one")
		got := getAccount(a)
		g.Expect(got.Status.VectorCharts).NotTo(BeNil())
		g.Expect(got.Status.VectorCharts.TokenFingerprint).To(Equal(fp(tok)))
		g.Expect(got.Status.VectorCharts.LastHandledRotateRequestedAt).
			To(Equal(got.Annotations[v1alpha1.AnnotationRotateRequestedAt]), "the request is answered")
	}).Should(Succeed())
	Expect(fp(tok)).NotTo(Equal(fp(start.token)), "rotated")
	Expect(ownTokens(string(tok))).To(ConsistOf(ownToken{Fingerprint: fp(tok), Name: "account-operator-" + string(a.UID)}),
		"one valid token on the upstream account, the Secret's, made by the operator for this Account")
	Expect(selfTokens(string(start.token))).To(Equal(http.StatusUnauthorized), "the token before the rotation is revoked")

	requestCheck(a)
	Expect(fp(connectionSecret(a).Data["token"])).To(Equal(fp(tok)), "a full check keeps the token")
	Expect(fps(vcSandbox.TokensFor(start.id))).To(ConsistOf(fp(tok)))
	return tok
}

// fp is a token's fingerprint: specs compare and print these, not tokens.
func fp[T ~string | ~[]byte](tok T) string { return tokenFingerprint([]byte(tok)) }

func fps(tokens []string) []string {
	out := make([]string, 0, len(tokens))
	for _, t := range tokens {
		out = append(out, fp(t))
	}
	return out
}

func keysOf(data map[string][]byte) []string { return slices.Sorted(maps.Keys(data)) }

// whileStopped stops the manager, which fails the held request, runs check on
// what the crash left stored, and starts the manager again, even if check
// fails.
func whileStopped(check func()) {
	stopManager()
	defer startManager()
	check()
}

func keyOfSecret(a *v1alpha1.Account) client.ObjectKey {
	return client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}
}

func otherThan(tokens []string, known string) string {
	for _, t := range tokens {
		if t != known {
			return t
		}
	}
	return ""
}

// ownToken is an element of the sandbox's self-scoped token list, the
// bearer replaced by its fingerprint.
type ownToken struct{ Fingerprint, Name string }

// selfTokens lists the API tokens of the bearer's own account, as a consumer
// of the Secret would call the upstream with it, and answers the status.
func selfTokens(bearer string) int {
	code, _ := listOwnTokens(bearer)
	return code
}

// ownTokens is the token list a working bearer gets.
func ownTokens(bearer string) []ownToken {
	code, list := listOwnTokens(bearer)
	Expect(code).To(Equal(http.StatusOK), "the sandbox answers the Secret's token")
	return list
}

func listOwnTokens(bearer string) (int, []ownToken) {
	req, err := http.NewRequest(http.MethodGet, vcURL+"/api/portal/v1/apiTokens", nil)
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	var list []struct{ ID, Name string }
	Expect(json.NewDecoder(resp.Body).Decode(&list)).To(Succeed())
	out := make([]ownToken, 0, len(list))
	for _, t := range list {
		out = append(out, ownToken{Fingerprint: fp(t.ID), Name: t.Name})
	}
	return resp.StatusCode, out
}

// requestMatch picks a request of the manager to the API server.
type requestMatch func(*http.Request) bool

// crash holds the manager's request the armed match picks until the manager
// stops: then the request fails with the manager's context and never reaches
// the API server, as if the process had been killed just before sending it.
// Nothing else of the manager waits: other Accounts keep being reconciled.
var crash = &crashGate{}

type crashGate struct {
	mu    sync.Mutex
	match requestMatch // nil: disarmed
	held  chan struct{}
}

// arm makes the gate hold the first request match picks; the channel closes
// when it holds it.
func (g *crashGate) arm(match requestMatch) <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.match, g.held = match, make(chan struct{})
	return g.held
}

func (g *crashGate) disarm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.match = nil
}

func (g *crashGate) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		g.mu.Lock()
		hit := g.match != nil && g.match(req)
		if hit {
			g.match = nil
			close(g.held)
		}
		g.mu.Unlock()
		if !hit {
			return next.RoundTrip(req)
		}
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
}

// connectionWrite picks the manager's update of a's connection Secret whose
// data has token.previous (previous) or has not.
func connectionWrite(a *v1alpha1.Account, previous bool) requestMatch {
	path := "/api/v1/namespaces/" + a.Namespace + "/secrets/" + a.ConnectionSecretName()
	return func(req *http.Request) bool {
		if req.Method != http.MethodPut || req.URL.Path != path {
			return false
		}
		s, ok := secretIn(req)
		_, has := s.Data["token.previous"]
		return ok && has == previous
	}
}

// statusWrite picks the manager's write of a's status.
func statusWrite(a *v1alpha1.Account) requestMatch {
	path := "/apis/" + v1alpha1.GroupVersion.String() + "/namespaces/" + a.Namespace + "/accounts/" + a.Name + "/status"
	return func(req *http.Request) bool {
		return req.Method == http.MethodPatch && req.URL.Path == path
	}
}

// after picks what then picks once first has picked a request, which goes
// through.
func after(first, then requestMatch) requestMatch {
	seen := false
	return func(req *http.Request) bool {
		if seen {
			return then(req)
		}
		seen = first(req)
		return false
	}
}

// secretIn decodes the Secret a request sends, leaving its body readable.
func secretIn(req *http.Request) (*corev1.Secret, bool) {
	if req.Body == nil {
		return &corev1.Secret{}, false
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return &corev1.Secret{}, false
	}
	obj, _, err := clientgoscheme.Codecs.UniversalDeserializer().Decode(body, nil, nil)
	s, ok := obj.(*corev1.Secret)
	if err != nil || !ok {
		return &corev1.Secret{}, false
	}
	return s, true
}
