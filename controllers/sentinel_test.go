package controllers_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// Sentinels of the spy sandboxes and of the Sentinel spec: distinctive values
// that must never show anywhere but in Secrets and upstream requests.
const (
	spyCCMPassword   = "S3ntinel-spy-ccm-password-7141"
	spySCPAccess     = "sentinel-spy-access-7252"
	spySCPSecret     = "S3ntinel-spy-scp-secret-7253"
	spyVCToken       = "S3ntinel-spy-vc-admin-token-7363"
	otherCCMUser     = "tenant-b@example.com"
	otherCCMPassword = "S3ntinel-tenant-b-ccm-password-7474"
	otherSCPAccess   = "sentinel-tenant-b-access-7585"
	otherSCPSecret   = "S3ntinel-tenant-b-scp-secret-7586"
	otherVCToken     = "S3ntinel-tenant-b-vc-token-7696"
	wrongCCMPassword = "S3ntinel-wrong-ccm-password-8101"
	wrongSCPSecret   = "S3ntinel-wrong-scp-secret-8202"
	wrongVCToken     = "S3ntinel-wrong-vc-token-8303"
	sentOAuth1       = "S3ntinel-oauth-client-secret-first-9011"
	sentOAuth2       = "S3ntinel-oauth-client-secret-rotated-9012"
	sentClientKey    = "S3ntinel-mtls-client-key-9013"
	sentVCUserPW     = "S3ntinel-vc-own-password-9014"
)

// fixedSentinels are every secret value the suite hands the operator.
func fixedSentinels() []string {
	return []string{ccmPassword, scpSecretKey, vcAdminToken, oauthSecret, vcUserPasswd,
		spyCCMPassword, spySCPSecret, spyVCToken, otherCCMPassword, otherSCPSecret, otherVCToken,
		wrongCCMPassword, wrongSCPSecret, wrongVCToken, sentOAuth1, sentOAuth2, sentClientKey, sentVCUserPW}
}

// spyRecorder keeps every request an upstream received, so a spec can prove
// which values reached it and which never did. Its echo rules make it answer
// like a careless upstream whose error message quotes the secrets it got.
type spyRecorder struct {
	mu   sync.Mutex
	reqs []string
	echo []*echoRule
}

// echoRule answers matching requests with status and a message quoting
// every secret value in the request; times < 0 means always.
type echoRule struct {
	match  func(r *http.Request, body []byte) bool
	status int
	times  int
}

func (r *spyRecorder) echoOn(times, status int, match func(r *http.Request, body []byte) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.echo = append(r.echo, &echoRule{match: match, status: status, times: times})
}

func (r *spyRecorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		line := fmt.Sprintf("%s %s\n%v\n%s", req.Method, req.URL, req.Header, body)
		if u, p, ok := req.BasicAuth(); ok {
			line += "\n" + u + ":" + p
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, line)
		rule := r.takeEcho(req, body)
		r.mu.Unlock()
		if rule != nil {
			http.Error(w, "rejected: "+strings.Join(quotedSecrets(req, body), " "), rule.status)
			return
		}
		h.ServeHTTP(w, req)
	})
}

// takeEcho returns the first rule matching req, using one of its times.
func (r *spyRecorder) takeEcho(req *http.Request, body []byte) *echoRule {
	for _, e := range r.echo {
		if e.times != 0 && e.match(req, body) {
			if e.times > 0 {
				e.times--
			}
			return e
		}
	}
	return nil
}

// quotedSecrets are the request's secret values as they went over the wire:
// the Basic auth password, the bearer token and every JSON string that holds
// a sentinel, plainly or base64-encoded.
func quotedSecrets(req *http.Request, body []byte) []string {
	var out []string
	if _, p, ok := req.BasicAuth(); ok {
		out = append(out, p)
	}
	if t, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		out = append(out, t)
	}
	var doc any
	_ = json.Unmarshal(body, &doc)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			dec, _ := base64.StdEncoding.DecodeString(v)
			if strings.Contains(v, "S3ntinel") || strings.Contains(string(dec), "S3ntinel") {
				out = append(out, v)
			}
		}
	}
	walk(doc)
	return out
}

// received reports whether any request carried v, plainly or base64-encoded.
func (r *spyRecorder) received(v string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.reqs {
		if containsAnyForm(q, v) {
			return true
		}
	}
	return false
}

// leakForms are the forms a leaked value could take: as is, and base64
// (unpadded, which is a prefix of the padded form).
func leakForms(v string) []string {
	return []string{v, base64.RawStdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v))}
}

func containsAnyForm(text, v string) bool {
	for _, f := range leakForms(v) {
		if strings.Contains(text, f) {
			return true
		}
	}
	return false
}

// spySet is a private sandbox of every upstream behind a recorder. Each
// sandbox accepts two credentials: the spy's own and tenant B's.
type spySet struct {
	ccm *ccmsandbox.Server
	scp *scpsandbox.Server
	vc  *vcsandbox.Server
	rec map[string]*spyRecorder
	url map[string]string
}

// newSpies starts fresh sandboxes; they live until the process ends, so the
// Accounts a spec leaves behind keep a working upstream.
func newSpies() *spySet {
	s := &spySet{
		ccm: ccmsandbox.New(ccmsandbox.Options{Users: []ccmsandbox.User{{Email: ccmUser, Password: spyCCMPassword},
			{Email: otherCCMUser, Password: otherCCMPassword}}}),
		scp: scpsandbox.New(scpsandbox.Options{Credentials: []scpsandbox.Credential{{AccessKey: spySCPAccess, SecretKey: spySCPSecret},
			{AccessKey: otherSCPAccess, SecretKey: otherSCPSecret}}}),
		vc:  vcsandbox.New(vcsandbox.Options{AdminTokens: []string{spyVCToken, otherVCToken}}),
		rec: map[string]*spyRecorder{}, url: map[string]string{},
	}
	for name, h := range map[string]http.Handler{"ccm": s.ccm.Handler(), "scp": s.scp.Handler(), "vectorCharts": s.vc.Handler()} {
		s.rec[name] = &spyRecorder{}
		s.url[name] = httptest.NewServer(s.rec[name].wrap(h)).URL
	}
	return s
}

// creds are the spy's own credentials; otherCreds tenant B's; wrongCreds
// are refused.
func (s *spySet) creds(name string) map[string]string {
	return map[string]map[string]string{
		"ccm":          {"username": ccmUser, "password": spyCCMPassword},
		"scp":          {"accessKey": spySCPAccess, "secretKey": spySCPSecret},
		"vectorCharts": {"token": spyVCToken},
	}[name]
}

func otherCreds(name string) map[string]string {
	return map[string]map[string]string{
		"ccm":          {"username": otherCCMUser, "password": otherCCMPassword},
		"scp":          {"accessKey": otherSCPAccess, "secretKey": otherSCPSecret},
		"vectorCharts": {"token": otherVCToken},
	}[name]
}

func wrongCreds(name string) map[string]string {
	return map[string]map[string]string{
		"ccm":          {"username": ccmUser, "password": wrongCCMPassword},
		"scp":          {"accessKey": spySCPAccess, "secretKey": wrongSCPSecret},
		"vectorCharts": {"token": wrongVCToken},
	}[name]
}

// spec is the provider spec of the spy sandbox for the upstream.
func (s *spySet) spec(name string, ref v1alpha1.SecretReference) v1alpha1.AccountProviderSpec {
	u := v1alpha1.HTTPSURL(s.url[name])
	switch name {
	case "ccm":
		return v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{URL: u, CredentialsSecretRef: ref}}
	case "scp":
		return v1alpha1.AccountProviderSpec{SCP: &v1alpha1.SCPProviderSpec{CloudControlURL: u, OrganizationURL: u, CredentialsSecretRef: ref}}
	}
	return v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{URL: u, CredentialsSecretRef: ref}}
}

// upstream describes the spy sandbox the way the shared helpers expect, so
// namespacedProvider and newAccount work with it.
func (s *spySet) upstream(name string) upstream {
	return upstream{name: name, creds: s.creds(name), block: upstreams[name].block,
		spec: func(ref v1alpha1.SecretReference) v1alpha1.AccountProviderSpec { return s.spec(name, ref) }}
}

// failingProvider is a provider whose credentials the upstream refuses; it
// waits until the provider reports that.
func (s *spySet) failingProvider(name, ns string) *v1alpha1.AccountProvider {
	pname := strings.ToLower(name) + "-wrong"
	createSecret(ns, pname, wrongCreds(name))
	p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: pname},
		Spec: s.spec(name, v1alpha1.SecretReference{Name: v1alpha1.ObjectName(pname)})}
	Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
	return waitProviderCond(p, metav1.ConditionFalse, v1alpha1.ReasonUnauthorized)
}

// waitProviderCond waits for the provider's Ready condition of its generation.
func waitProviderCond(p *v1alpha1.AccountProvider, status metav1.ConditionStatus, reason string) *v1alpha1.AccountProvider {
	got := &v1alpha1.AccountProvider{}
	Eventually(func(g Gomega) {
		g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(p), got)).To(Succeed())
		c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.ObservedGeneration).To(Equal(got.Generation))
		g.Expect(c.Status).To(Equal(status), "%s: %s", c.Reason, c.Message)
		g.Expect(c.Reason).To(Equal(reason), c.Message)
	}).Should(Succeed())
	return got
}

// sentinelCCM is a CCM Account whose OAuth sign-in uses a client secret and a
// mutual-TLS client key, both sentinels.
func sentinelCCM(ns string) *v1alpha1.Account {
	createSecret(ns, "oauth", map[string]string{"clientSecret": sentOAuth1})
	createSecret(ns, "mtls", map[string]string{"tls.crt": "client-certificate-9020", "tls.key": sentClientKey})
	createSecret(ns, "pinned", map[string]string{"ca.crt": "pinned-ca-9021"})
	a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ccm-sentinel"},
		Spec: v1alpha1.AccountSpec{ProviderRef: v1alpha1.ProviderReference{Kind: v1alpha1.AccountProviderKind, Name: "ccm"}}}
	a.Spec.CCM = &v1alpha1.CCMAccountSpec{AuthConfigs: []v1alpha1.CCMAuthConfig{
		{Password: &v1alpha1.CCMPasswordAuth{}},
		{OAuth: &v1alpha1.CCMOAuthConfig{IDPName: "Okta", IDPIconURL: "https://idp.example.com/i.png",
			AuthorizationEndpoint: "https://idp.example.com/auth", TokenEndpoint: "https://idp.example.com/token",
			ClientID: "cid", ClientSecretRef: v1alpha1.SecretKeySelector{Name: "oauth", Key: "clientSecret"},
			TLS: v1alpha1.CCMTLSConfig{Mode: v1alpha1.TLSRequired,
				PinnedCARefs:  []v1alpha1.SecretKeySelector{{Name: "pinned", Key: "ca.crt"}},
				ClientCertRef: &v1alpha1.SecretKeySelector{Name: "mtls", Key: "tls.crt"},
				ClientKeyRef:  &v1alpha1.SecretKeySelector{Name: "mtls", Key: "tls.key"}}}},
	}}
	return a
}

// sentinelAccounts are one Account per upstream, plus a VectorCharts Account
// with its own password and one with a generated password.
func sentinelAccounts(s *spySet, ns string) []*v1alpha1.Account {
	scp := newAccount(s.upstream("scp"), ns, "scp-sentinel")
	own := newAccount(s.upstream("vectorCharts"), ns, "vc-own")
	createSecret(ns, "vc-pw", map[string]string{"password": sentVCUserPW})
	own.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "vc-pw", Key: "password"}
	gen := newAccount(s.upstream("vectorCharts"), ns, "vc-generated")
	return []*v1alpha1.Account{sentinelCCM(ns), scp, own, gen}
}

// exposedText is everything the operator wrote where users and log collectors
// read it, in one namespace: whole Accounts (status and conditions
// included), providers and events.
func exposedText(ns string) string {
	var b strings.Builder
	add := func(v any) {
		out, err := json.Marshal(v)
		Expect(err).NotTo(HaveOccurred())
		b.Write(out)
		b.WriteByte('\n')
	}
	var accounts v1alpha1.AccountList
	Expect(k8sClient.List(rootCtx, &accounts, client.InNamespace(ns))).To(Succeed())
	add(accounts)
	var providers v1alpha1.AccountProviderList
	Expect(k8sClient.List(rootCtx, &providers, client.InNamespace(ns))).To(Succeed())
	add(providers)
	var cluster v1alpha1.ClusterAccountProviderList
	Expect(k8sClient.List(rootCtx, &cluster)).To(Succeed())
	add(cluster)
	var events eventsv1.EventList
	Expect(k8sClient.List(rootCtx, &events, client.InNamespace(ns))).To(Succeed())
	add(events)
	var core corev1.EventList
	Expect(k8sClient.List(rootCtx, &core, client.InNamespace(ns))).To(Succeed())
	add(core)
	return b.String()
}

// generatedSecrets are the secret values the operator and the upstreams made:
// passwords and tokens in the connection Secrets, and the operator's own
// session tokens.
func generatedSecrets(s *spySet, accounts []*v1alpha1.Account) []string {
	out := append([]string{}, s.ccm.Tokens()...)
	for _, a := range accounts {
		data := connectionSecret(a).Data
		for _, k := range []string{"password", "token"} {
			if v := string(data[k]); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

var _ = Describe("Sentinel", func() {
	It("shows no secret value in logs, events, conditions, status or errors through a full lifecycle", func() {
		s := newSpies()
		logStart := len(logs.String())
		ns := newNamespace(nil)
		var texts []string
		s.echoWrongCredentials()
		for _, name := range []string{"ccm", "scp", "vectorCharts"} {
			namespacedProvider(s.upstream(name), ns)
			s.failingProvider(name, ns) // a failed login, answered with the password quoted
		}

		By("creating, through a refusal that quotes the secrets and a failure returned as a reconcile error")
		s.echoCreates()
		s.ccm.Faults().FailNext("CreateAccount", 1, 500, 0)
		accounts := sentinelAccounts(s, ns)
		for _, a := range accounts {
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		}
		for _, a := range []*v1alpha1.Account{accounts[0], accounts[2]} {
			waitStalled(a)
			texts = append(texts, exposedText(ns))
			forceCheck(a)
		}
		for i, a := range accounts {
			accounts[i] = waitReady(a)
		}
		texts = append(texts, exposedText(ns))

		By("updating, with the OAuth client secret rotated and one failed update")
		sentinelUpdate(s, ns, accounts)
		texts = append(texts, exposedText(ns))

		By("correcting drift")
		sentinelDrift(s, accounts)
		texts = append(texts, exposedText(ns))
		generated := generatedSecrets(s, accounts)
		Expect(len(generated)).To(BeNumerically(">=", 5), "CCM session, two VectorCharts passwords and tokens")

		By("deleting")
		for _, a := range accounts {
			Expect(k8sClient.Delete(rootCtx, a)).To(Succeed())
		}
		for _, a := range accounts {
			Eventually(func() error {
				return k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), &v1alpha1.Account{})
			}).Should(MatchError(ContainSubstring("not found")))
		}
		texts = append(texts, exposedText(ns), logs.String())

		By("proving the checks are not vacuous")
		newLogs := logs.String()[logStart:]
		Expect(newLogs).To(ContainSubstring("Reconciler error"), "a returned reconcile error was logged")
		Expect(newLogs).To(ContainSubstring("Provider not ready"), "a failed login was logged")
		Expect(newLogs).To(ContainSubstring("ccm-sentinel"), "the Account's reconciles were logged")
		for _, v := range []string{spyCCMPassword, spyVCToken, wrongCCMPassword, wrongVCToken,
			sentOAuth1, sentOAuth2, sentClientKey, sentVCUserPW} {
			Expect(s.rec["ccm"].received(v) || s.rec["vectorCharts"].received(v)).To(BeTrue(),
				"a sentinel the upstream never received proves nothing")
		}

		By("finding no sentinel in any of it")
		all := strings.Join(texts, "\n")
		sentinels := append(fixedSentinels(), generated...)
		for i, v := range sentinels {
			Expect(len(v)).To(BeNumerically(">=", 8))
			Expect(containsAnyForm(all, v)).To(BeFalse(), "sentinel #%d leaked", i)
		}
		extraSentinels.add(generated...)
	})
})

// echoWrongCredentials makes every upstream answer a refused login with the
// refused password or token quoted in its message.
func (s *spySet) echoWrongCredentials() {
	s.rec["ccm"].echoOn(-1, http.StatusUnauthorized, func(r *http.Request, _ []byte) bool {
		_, p, ok := r.BasicAuth()
		return ok && p == wrongCCMPassword
	})
	s.rec["vectorCharts"].echoOn(-1, http.StatusUnauthorized, func(r *http.Request, _ []byte) bool {
		return r.Header.Get("Authorization") == "Bearer "+wrongVCToken
	})
}

// echoCreates makes the first CCM create and the create of the VectorCharts
// Account with its own password fail with the request's secrets quoted.
func (s *spySet) echoCreates() {
	s.rec["ccm"].echoOn(1, http.StatusBadRequest, func(r *http.Request, _ []byte) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/accounts")
	})
	s.rec["vectorCharts"].echoOn(1, http.StatusBadRequest, func(r *http.Request, body []byte) bool {
		return strings.HasSuffix(r.URL.Path, "/createAccount") && bytes.Contains(body, []byte(sentVCUserPW))
	})
}

// waitStalled waits for Stalled=True, whatever the reason.
func waitStalled(a *v1alpha1.Account) {
	Eventually(func(g Gomega) {
		got := getAccount(a)
		g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, v1alpha1.ConditionStalled)).To(BeTrue(), "%v", got.Status.Conditions)
	}).Should(Succeed())
}

// sentinelUpdate renames the CCM and VectorCharts accounts, moves the SCP one
// and rotates the OAuth client secret; the first update CCM gets fails.
func sentinelUpdate(s *spySet, ns string, accounts []*v1alpha1.Account) {
	s.ccm.Faults().FailNext("UpdateAccount", 1, 500, 0)
	var oauth corev1.Secret
	Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: "oauth"}, &oauth)).To(Succeed())
	oauth.Data["clientSecret"] = []byte(sentOAuth2)
	Expect(k8sClient.Update(rootCtx, &oauth)).To(Succeed())
	for _, a := range accounts {
		cur := getAccount(a)
		if cur.Spec.SCP != nil {
			cur.Spec.SCP.ParentUnitID = "ou-two"
		} else {
			cur.Spec.DisplayName = "renamed-" + cur.Name
		}
		Expect(k8sClient.Update(rootCtx, cur)).To(Succeed())
	}
	Eventually(func() bool { return s.rec["ccm"].received(sentOAuth2) }).Should(BeTrue())
	for i, a := range accounts {
		accounts[i] = waitReady(a)
	}
}

// sentinelDrift changes every account upstream and waits for the correction.
func sentinelDrift(s *spySet, accounts []*v1alpha1.Account) {
	for _, a := range accounts {
		want := s.upstreamState(a)
		id := a.Status.AccountID
		switch {
		case a.Spec.CCM != nil:
			Expect(s.ccm.SetAccountName(id, "drifted")).To(BeTrue())
		case a.Spec.SCP != nil:
			Expect(s.scp.SetParentUnit(id, "ou-drifted")).To(Succeed())
		default:
			Expect(s.vc.SetAccountName(spyVCID(id), "drifted")).To(BeTrue())
		}
		Expect(s.upstreamState(a)).NotTo(Equal(want))
		forceCheck(a)
		Eventually(func() string { return s.upstreamState(a) }).Should(Equal(want))
	}
}

// upstreamState is the mutable upstream field of the Account: the name, or
// for SCP the parent unit.
func (s *spySet) upstreamState(a *v1alpha1.Account) string {
	id := a.Status.AccountID
	switch {
	case a.Spec.CCM != nil:
		for _, r := range s.ccm.Accounts() {
			if r.ID == id {
				return r.Name
			}
		}
	case a.Spec.SCP != nil:
		for _, r := range s.scp.Accounts() {
			if r.ID == id {
				return r.ParentUnitID
			}
		}
	default:
		for _, r := range s.vc.Accounts() {
			if r.ID == spyVCID(id) {
				return r.Name
			}
		}
	}
	return ""
}

func spyVCID(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	Expect(err).NotTo(HaveOccurred())
	return n
}

// extraSentinels are values only known at run time (generated passwords and
// tokens); checkSecretHygiene checks them too.
var extraSentinels sentinelList

type sentinelList struct {
	mu   sync.Mutex
	vals []string
}

func (l *sentinelList) add(v ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.vals = append(l.vals, v...)
}

func (l *sentinelList) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string{}, l.vals...)
}
