package controllers_test

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// caseEnv is one runtime case's world: its namespace, its own upstream
// endpoint in front of the shared sandbox, and the objects it made.
type caseEnv struct {
	c         badCase
	ns        string
	up        *fakeUpstream
	providers []v1alpha1.ProviderObject // waited for before the Accounts are created
	target    v1alpha1.ProviderObject   // the provider an isProviderDown case checks
	accounts  []*v1alpha1.Account       // created once the providers are verified; [0] is checked
	made      int                       // how many of accounts setup created itself
	secrets   []string                  // values that must never show in a message
	replace   map[string]string         // random values in messages → placeholders
	start     time.Time                 // when the Accounts were created
}

// sandboxHandler is the API of the named sandbox.
func sandboxHandler(kind string) http.Handler {
	switch kind {
	case "ccm":
		return ccmSandbox.Handler()
	case "scp":
		return scpSandbox.Handler()
	}
	return vcSandbox.Handler()
}

// serve gives the case its own endpoint for the kind's sandbox.
func (e *caseEnv) serve(kind string, answers ...answer) {
	e.up = newFakeUpstream(sandboxHandler(kind), answers...)
}

func (e *caseEnv) secret(name string, data map[string]string) {
	for k, v := range data {
		if k != "username" && len(strings.TrimSpace(v)) >= 4 {
			e.secrets = append(e.secrets, v)
		}
	}
	createSecret(e.ns, name, data)
}

func (e *caseEnv) configMap(name string, data map[string]string, binary map[string][]byte) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: name}, Data: data, BinaryData: binary}
	Expect(k8sClient.Create(rootCtx, cm)).To(Succeed())
}

// providerName is the AccountProvider a case's Accounts use for a kind.
func providerName(kind string) string { return strings.ToLower(kind) }

// endpointSpec points a provider of the kind at url.
func endpointSpec(kind, url string, ref v1alpha1.SecretReference) v1alpha1.AccountProviderSpec {
	switch kind {
	case "ccm":
		return v1alpha1.AccountProviderSpec{CCM: &v1alpha1.CCMProviderSpec{URL: v1alpha1.HTTPSURL(url), CredentialsSecretRef: ref}}
	case "scp":
		return v1alpha1.AccountProviderSpec{SCP: &v1alpha1.SCPProviderSpec{CloudControlURL: v1alpha1.HTTPSURL(url),
			OrganizationURL: v1alpha1.HTTPSURL(url), CredentialsSecretRef: ref}}
	}
	return v1alpha1.AccountProviderSpec{VectorCharts: &v1alpha1.VectorChartsProviderSpec{URL: v1alpha1.HTTPSURL(url), CredentialsSecretRef: ref}}
}

// provider creates the kind's AccountProvider on the case's endpoint, with a
// credentials Secret "creds" holding creds (none when nil).
func (e *caseEnv) provider(kind string, creds map[string]string, mutate func(*v1alpha1.AccountProviderSpec)) {
	if e.up == nil {
		e.serve(kind)
	}
	if creds != nil {
		e.secret("creds", creds)
	}
	p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: providerName(kind)},
		Spec: endpointSpec(kind, e.up.URL(), v1alpha1.SecretReference{Name: "creds"})}
	if mutate != nil {
		mutate(&p.Spec)
	}
	Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
	e.providers = append(e.providers, p)
	e.target = p
	if e.made > 0 && e.start.IsZero() {
		e.start = time.Now() // an Account made earlier may call the upstream from now on
	}
}

// good is a working provider of the kind whose endpoint gives the answers.
func (e *caseEnv) good(kind string, answers ...answer) {
	e.serve(kind, answers...)
	e.provider(kind, upstreams[kind].creds, nil)
}

// clusterProvider creates a ClusterAccountProvider on the case's endpoint
// with its credentials in credsNS.
func (e *caseEnv) clusterProvider(kind, credsNS string, mutate func(*v1alpha1.ClusterAccountProvider)) {
	if e.up == nil {
		e.serve(kind)
	}
	p := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: "bi-" + e.c.name}}
	p.Spec.AccountProviderSpec = endpointSpec(kind, e.up.URL(),
		v1alpha1.SecretReference{Name: "creds", Namespace: v1alpha1.NamespaceName(credsNS)})
	if mutate != nil {
		mutate(p)
	}
	Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
	e.providers = append(e.providers, p)
	e.target = p
}

// account declares the case's Account of the kind, named after the case:
// minimal valid spec, deletionPolicy Orphan (nothing upstream is ever
// deleted by the catalogue), then mutate.
func (e *caseEnv) account(kind string, mutate func(a *v1alpha1.Account)) {
	a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: e.c.name},
		Spec: v1alpha1.AccountSpec{DeletionPolicy: v1alpha1.DeletionOrphan, ProviderRef: v1alpha1.ProviderReference{
			Kind: v1alpha1.AccountProviderKind, Name: v1alpha1.ObjectName(providerName(kind))}}}
	switch kind {
	case "ccm":
		a.Spec.CCM = &v1alpha1.CCMAccountSpec{}
	case "scp":
		a.Spec.SCP = &v1alpha1.SCPAccountSpec{LandingZoneID: "lz-1", ParentUnitID: "ou-one", Email: e.c.name + "@badinput.example"}
	default:
		a.Spec.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: e.c.name + "@badinput.example"}
	}
	if mutate != nil {
		mutate(a)
	}
	e.accounts = append(e.accounts, a)
}

// accountNow creates the case's Account at once, before its provider, and
// waits until it has stopped on the missing provider.
func (e *caseEnv) accountNow(kind string, mutate func(a *v1alpha1.Account)) {
	e.account(kind, mutate)
	a := e.accounts[len(e.accounts)-1]
	Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
	e.made = len(e.accounts)
	waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderNotFound)
}

// normalise makes a message deterministic: the case's namespace, endpoint and
// any random ids it registered become placeholders.
func normalise(msg, ns string, replace map[string]string) string {
	keys := make([]string, 0, len(replace))
	for k := range replace {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	if ns != "" {
		keys = append(keys, ns)
		replace = maps.Clone(replace)
		if replace == nil {
			replace = map[string]string{}
		}
		replace[ns] = "<ns>"
	}
	for _, k := range keys {
		// Whole words only: an id like 3 must not eat the 3 of "HTTP 301".
		msg = regexp.MustCompile(`(^|[^A-Za-z0-9])`+regexp.QuoteMeta(k)+`($|[^A-Za-z0-9])`).
			ReplaceAllString(msg, "${1}"+replace[k]+"${2}")
	}
	return strings.Join(strings.Fields(msg), " ")
}

// replacements are e.replace plus the endpoint's address.
func (e *caseEnv) replacements() map[string]string {
	out := map[string]string{}
	for k, v := range e.replace {
		out[k] = v
	}
	if e.up != nil {
		out[e.up.URL()] = "<upstream>"
		if u, err := url.Parse(e.up.URL()); err == nil {
			out[u.Host] = "<upstream>"
		}
	}
	return out
}
