package controllers_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// A hostile tenant in namespace A names, in each reference field of its
// Account, an object that exists only in namespace B. The operator must
// report it missing in A and never hand B's value to the upstream.
var _ = Describe("Tenancy", func() {
	for _, c := range accountRefCases() {
		It("reads "+c.schemaPath+" only from the Account's own namespace", func() { checkAccountRef(c) })
	}

	It("resolves spec.providerRef (AccountProvider) only in the Account's own namespace", func() {
		s := newSpies()
		other, mine := newNamespace(nil), newNamespace(nil)
		namespacedProvider(s.upstream("vectorCharts"), other)
		a := newAccount(s.upstream("vectorCharts"), mine, "borrower")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderNotFound)
		Expect(got.Status.AccountID).To(BeEmpty())
		Expect(s.vc.Faults().Calls()["CreateAccount"]).To(BeZero(), "B's provider must not be used")
		_, found := s.vc.AccountByUsername(a.Spec.VectorCharts.Username)
		Expect(found).To(BeFalse())

		namespacedProvider(s.upstream("vectorCharts"), mine) // the same Account works with its own
		waitReady(a)
	})

	It("writes spec.connectionSecret only in the Account's own namespace", func() {
		s := newSpies()
		other, mine := newNamespace(nil), newNamespace(nil)
		theirs := createSecret(other, "conn", map[string]string{"accountID": "tenant-b-9040"})
		Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(theirs), theirs)).To(Succeed())
		namespacedProvider(s.upstream("scp"), mine)
		a := newAccount(s.upstream("scp"), mine, "writer")
		a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Name: "conn"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		got := waitReady(a)
		Expect(metav1.IsControlledBy(connectionSecret(got), got)).To(BeTrue())
		after := &corev1.Secret{}
		Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(theirs), after)).To(Succeed())
		Expect(after.ResourceVersion).To(Equal(theirs.ResourceVersion), "B's Secret of the same name is untouched")
		Expect(after.OwnerReferences).To(BeEmpty())
	})

	It("writes spec.connectionConfigMap only in the Account's own namespace", func() {
		s := newSpies()
		other, mine := newNamespace(nil), newNamespace(nil)
		theirs := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: other, Name: "outputs"},
			Data: map[string]string{"accountID": "tenant-b-9041"}}
		Expect(k8sClient.Create(rootCtx, theirs)).To(Succeed())
		namespacedProvider(s.upstream("scp"), mine)
		a := newAccount(s.upstream("scp"), mine, "cm-writer")
		a.Spec.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{Name: "outputs"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		got := waitReady(a)
		Eventually(func(g Gomega) {
			var cm corev1.ConfigMap
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: mine, Name: "outputs"}, &cm)).To(Succeed())
			g.Expect(metav1.IsControlledBy(&cm, got)).To(BeTrue())
		}).Should(Succeed())
		after := &corev1.ConfigMap{}
		Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(theirs), after)).To(Succeed())
		Expect(after.ResourceVersion).To(Equal(theirs.ResourceVersion), "B's ConfigMap of the same name is untouched")
		Expect(after.OwnerReferences).To(BeEmpty())
	})

	for _, name := range []string{"ccm", "scp", "vectorCharts"} {
		It("reads an AccountProvider's spec."+name+".credentialsSecretRef only from its own namespace", func() {
			checkProviderCreds(name)
		})
	}

	It("reads an AccountProvider's spec.caBundleSecretRef only from its own namespace", func() {
		s := newSpies()
		other, mine := newNamespace(nil), newNamespace(nil)
		ca := fmt.Sprintf("ca-%d", nsSeq.Add(1)) // B's Secret is the only one of that name
		createSecret(other, ca, map[string]string{"ca.crt": selfSignedPEM()})
		createSecret(mine, "creds", s.creds("vectorCharts"))
		spec := s.spec("vectorCharts", v1alpha1.SecretReference{Name: "creds"})
		spec.CABundleSecretRef = &v1alpha1.SecretKeyReference{Name: v1alpha1.ObjectName(ca), Key: "ca.crt"}
		p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: mine, Name: "with-ca"}, Spec: spec}
		Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
		got := waitProviderCond(p, metav1.ConditionFalse, v1alpha1.ReasonCredentialsMissing)
		Expect(readyMessage(got)).To(ContainSubstring("Secret %s/%s not found", mine, ca))

		createSecret(mine, ca, map[string]string{"ca.crt": selfSignedPEM()})
		waitProviderCond(p, metav1.ConditionTrue, v1alpha1.ReasonVerified)
	})

	It("refuses, at admission, a namespace on any Secret reference of an AccountProvider", func() {
		s := newSpies()
		ns := newNamespace(nil)
		for field, set := range providerNamespaceFields(s) {
			p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ns-" + strings.ToLower(field[:3])}}
			set(p)
			err := k8sClient.Create(rootCtx, p)
			Expect(err).To(HaveOccurred(), field)
			Expect(err.Error()).To(ContainSubstring(field+".namespace is not allowed on an AccountProvider"), field)
		}
	})

	It("declares every reference field without a namespace in the Account CRD, and tests each", func() {
		checkAccountSchema()
	})

	It("has a namespace only on the provider Secret references, in both provider CRDs", func() {
		checkProviderSchemas()
	})

	It("serves through a ClusterAccountProvider only while the namespace matches its selector", checkSelector)

	It("stalls on a provider of another upstream (ProviderMismatch)", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["ccm"], ns)
		a := newAccount(upstreams["scp"], ns, "mismatch")
		a.Spec.ProviderRef.Name = "ccm"
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderMismatch)
	})

	It("never overwrites a Secret it does not own (SecretConflict)", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["scp"], ns)
		createSecret(ns, "taken-account", map[string]string{"mine": "yes"})
		a := newAccount(upstreams["scp"], ns, "taken")
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonSecretConflict)
		s := &corev1.Secret{}
		Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: "taken-account"}, s)).To(Succeed())
		Expect(s.Data).To(Equal(map[string][]byte{"mine": []byte("yes")}))
	})
})

// checkAccountRef runs one reference field: B's object is refused, then A's
// own object of the same name is used, and B's value never reaches upstream.
func checkAccountRef(c accountRef) {
	s := newSpies()
	other, mine := newNamespace(nil), newNamespace(nil)
	theirs, ours := c.value("B"), c.value("A")
	name := fmt.Sprintf("shared-%d", nsSeq.Add(1)) // B's object is the only one of that name
	extraSentinels.add(theirs, ours)
	c.put(other, name, theirs)
	u := s.upstream(c.upstream)
	namespacedProvider(u, mine)
	a := newAccount(u, mine, "borrower")
	c.point(a, name)
	Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
	got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSpec)
	Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(ContainSubstring(c.field))
	Expect(got.Status.AccountID).To(BeEmpty())
	Expect(s.rec[c.upstream].received(theirs)).To(BeFalse(), "B's value reached the upstream")

	c.put(mine, name, ours)
	waitReady(a)
	Expect(s.rec[c.upstream].received(ours)).To(BeTrue(), "A's value is what the upstream gets")
	Expect(s.rec[c.upstream].received(theirs)).To(BeFalse(), "B's value reached the upstream")
}

// checkProviderCreds: a provider in A naming a credentials Secret that only B
// has is not Ready, and B's (valid) credentials are never sent upstream.
func checkProviderCreds(name string) {
	s := newSpies()
	other, mine := newNamespace(nil), newNamespace(nil)
	secret := fmt.Sprintf("creds-%d", nsSeq.Add(1)) // B's Secret is the only one of that name
	createSecret(other, secret, otherCreds(name))
	p := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: mine, Name: "borrowed"},
		Spec: s.spec(name, v1alpha1.SecretReference{Name: v1alpha1.ObjectName(secret)})}
	Expect(k8sClient.Create(rootCtx, p)).To(Succeed())
	got := waitProviderCond(p, metav1.ConditionFalse, v1alpha1.ReasonCredentialsMissing)
	Expect(readyMessage(got)).To(ContainSubstring("Secret %s/%s not found", mine, secret))
	for _, v := range otherCreds(name) {
		if v != ccmUser {
			Expect(s.rec[name].received(v)).To(BeFalse(), "B's credentials reached the upstream")
		}
	}
	createSecret(mine, secret, s.creds(name))
	waitProviderCond(p, metav1.ConditionTrue, v1alpha1.ReasonVerified)
	for _, v := range otherCreds(name) {
		Expect(s.rec[name].received(v)).To(BeFalse(), "B's credentials reached the upstream")
	}
}

func readyMessage(p *v1alpha1.AccountProvider) string {
	return meta.FindStatusCondition(p.Status.Conditions, v1alpha1.ConditionReady).Message
}

// providerNamespaceFields sets a namespace on each Secret reference of an
// AccountProvider spec, keyed by the field's path.
func providerNamespaceFields(s *spySet) map[string]func(p *v1alpha1.AccountProvider) {
	other := v1alpha1.SecretReference{Name: "creds", Namespace: operatorNS}
	out := map[string]func(p *v1alpha1.AccountProvider){}
	for _, name := range []string{"ccm", "scp", "vectorCharts"} {
		out["spec."+name+".credentialsSecretRef"] = func(p *v1alpha1.AccountProvider) { p.Spec = s.spec(name, other) }
	}
	out["spec.caBundleSecretRef"] = func(p *v1alpha1.AccountProvider) {
		p.Spec = s.spec("scp", v1alpha1.SecretReference{Name: "creds"})
		p.Spec.CABundleSecretRef = &v1alpha1.SecretKeyReference{Name: "ca", Namespace: operatorNS}
	}
	return out
}

// checkSelector: denied on create with no upstream call; allowed once the
// namespace gets the label; cut off, again with no upstream call, when a
// namespace loses it; served again when it gets it back.
func checkSelector() {
	s := newSpies()
	label := fmt.Sprintf("selector-%d", nsSeq.Add(1))
	creds := "scp-" + label
	createSecret(operatorNS, creds, s.creds("scp"))
	cp := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: label},
		Spec: v1alpha1.ClusterAccountProviderSpec{
			AccountProviderSpec: s.spec("scp", v1alpha1.SecretReference{Name: v1alpha1.ObjectName(creds), Namespace: operatorNS}),
			NamespaceSelector:   &metav1.LabelSelector{MatchLabels: map[string]string{label: "allowed"}},
		}}
	Expect(k8sClient.Create(rootCtx, cp)).To(Succeed())
	allowed, denied := newNamespace(map[string]string{label: "allowed"}), newNamespace(nil)
	mk := func(ns string) *v1alpha1.Account {
		a := newAccount(s.upstream("scp"), ns, "tenant")
		a.Spec.DisplayName = "tenant-" + ns // one upstream serves both namespaces
		a.Spec.ProviderRef = v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: v1alpha1.ObjectName(label)}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		return a
	}

	By("refusing an Account in a namespace the selector does not match, on create")
	no := mk(denied)
	expectNotAllowed(no)
	Expect(accountCalls(s)).To(BeZero())
	Expect(s.scp.Accounts()).To(BeEmpty())

	By("serving the Account of a matching namespace")
	ok := waitReady(mk(allowed))

	By("cutting it off when its namespace loses the label")
	setLabel(allowed, label, "")
	expectNotAllowed(ok)
	before := accountCalls(s)
	forceCheck(ok)
	Consistently(func() int { return accountCalls(s) }, 3*time.Second).Should(Equal(before), "no upstream call once cut off")
	expectNotAllowed(ok)

	By("serving both once their namespaces get the label")
	setLabel(denied, label, "allowed")
	waitReady(no)
	setLabel(allowed, label, "allowed")
	waitReady(ok)
}

// expectNotAllowed waits for the Account to be Stalled with
// ProviderNotAllowed and a message naming its namespace.
func expectNotAllowed(a *v1alpha1.Account) {
	got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonProviderNotAllowed)
	Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).
		To(ContainSubstring(fmt.Sprintf("does not allow namespace %q", a.Namespace)))
	Expect(meta.IsStatusConditionFalse(got.Status.Conditions, v1alpha1.ConditionReady)).To(BeTrue())
}

// accountCalls counts the SCP calls made for Accounts: every operation but
// ListAccounts, which the provider's own credential check uses.
func accountCalls(s *spySet) int {
	n := 0
	for op, c := range s.scp.Faults().Calls() {
		if op != "ListAccounts" {
			n += c
		}
	}
	return n
}

// setLabel sets (or with "" removes) a namespace label.
func setLabel(ns, key, value string) {
	var n corev1.Namespace
	Expect(k8sClient.Get(rootCtx, client.ObjectKey{Name: ns}, &n)).To(Succeed())
	patch := client.MergeFrom(n.DeepCopy())
	if value == "" {
		delete(n.Labels, key)
	} else {
		if n.Labels == nil {
			n.Labels = map[string]string{}
		}
		n.Labels[key] = value
	}
	Expect(k8sClient.Patch(rootCtx, &n, patch)).To(Succeed())
}

// checkSecretHygiene runs after every spec (from AfterSuite): each secret value
// the suite used or the operator generated, checked against everything the
// operator wrote where users and log collectors can read it.
func checkSecretHygiene() {
	By("checking that no secret value shows in logs, events, conditions or status")
	sentinels := append(fixedSentinels(), extraSentinels.all()...)
	sentinels = append(sentinels, ccmSandbox.Tokens()...)
	var secrets corev1.SecretList
	Expect(k8sClient.List(rootCtx, &secrets, client.MatchingLabels{"app.kubernetes.io/managed-by": "account-operator"})).To(Succeed())
	for _, s := range secrets.Items {
		for _, k := range []string{"password", "token"} {
			if v := string(s.Data[k]); v != "" {
				sentinels = append(sentinels, v)
			}
		}
	}
	var namespaces corev1.NamespaceList
	Expect(k8sClient.List(rootCtx, &namespaces)).To(Succeed())
	texts := []string{logs.String()}
	for _, n := range namespaces.Items {
		texts = append(texts, exposedText(n.Name))
	}
	all := strings.Join(texts, "\n")
	Expect(len(logs.String())).To(BeNumerically(">", 1000), "the manager's logs were captured")
	// client-go dumps HTTP bodies (Secret data among them) at V(8): never logged.
	Expect(logs.String()).NotTo(ContainSubstring("Response Body"))
	for i, s := range sentinels {
		Expect(containsAnyForm(all, s)).To(BeFalse(), "secret value #%d leaked", i)
	}
}

// accountRef is one reference field of an Account that selects an object by
// name in the Account's own namespace.
type accountRef struct {
	schemaPath string // path in the CRD schema, "[]" for list items
	field      string // how the Stalled message names it
	upstream   string
	configMap  bool
	value      func(tenant string) string
	point      func(a *v1alpha1.Account, name string) // select the object called name
}

// put creates the referenced object, key "value", in ns.
func (c accountRef) put(ns, name, value string) {
	if c.configMap {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string]string{"value": value}}
		Expect(k8sClient.Create(rootCtx, cm)).To(Succeed())
		return
	}
	createSecret(ns, name, map[string]string{"value": value})
}

// accountRefCases are every Secret and ConfigMap reference of an Account;
// checkAccountSchema fails when the CRD gains one that is not listed here.
func accountRefCases() []accountRef {
	sel := func(name string) v1alpha1.SecretKeySelector {
		return v1alpha1.SecretKeySelector{Name: v1alpha1.ObjectName(name), Key: "value"}
	}
	oauth := func(a *v1alpha1.Account) *v1alpha1.CCMOAuthConfig { return a.Spec.CCM.AuthConfigs[1].OAuth }
	// newAccount's CCM block has a Secret <name>-oauth (key clientSecret) in A.
	own := func(a *v1alpha1.Account) *v1alpha1.SecretKeySelector {
		return &v1alpha1.SecretKeySelector{Name: v1alpha1.ObjectName(a.Name + "-oauth"), Key: "clientSecret"}
	}
	tls := "spec.ccm.authConfigs[1].oauth.tls."
	return []accountRef{
		{"spec.ccm.customLogo.configMapKeyRef", "spec.ccm.customLogo.configMapKeyRef", "ccm", true,
			func(t string) string {
				return `<svg xmlns="http://www.w3.org/2000/svg"><title>tenant-` + t + `-logo-9031</title></svg>`
			},
			func(a *v1alpha1.Account, n string) {
				a.Spec.CCM.CustomLogo = &v1alpha1.CCMLogoSource{ConfigMapKeyRef: v1alpha1.ConfigMapKeySelector{Name: v1alpha1.ObjectName(n), Key: "value"}}
			}},
		{"spec.ccm.authConfigs[].oauth.clientSecretRef", "spec.ccm.authConfigs[1].oauth.clientSecretRef", "ccm", false,
			func(t string) string { return "S3ntinel-tenant-" + t + "-oauth-9032" },
			func(a *v1alpha1.Account, n string) { oauth(a).ClientSecretRef = sel(n) }},
		{"spec.ccm.authConfigs[].oauth.tls.pinnedCARefs", tls + "pinnedCARefs[0]", "ccm", false,
			func(t string) string { return "tenant-" + t + "-pinned-ca-9033" },
			func(a *v1alpha1.Account, n string) {
				oauth(a).TLS.CASet, oauth(a).TLS.PinnedCARefs = "", []v1alpha1.SecretKeySelector{sel(n)}
			}},
		{"spec.ccm.authConfigs[].oauth.tls.clientCertRef", tls + "clientCertRef", "ccm", false,
			func(t string) string { return "tenant-" + t + "-client-cert-9034" },
			func(a *v1alpha1.Account, n string) {
				s := sel(n)
				oauth(a).TLS.ClientCertRef, oauth(a).TLS.ClientKeyRef = &s, own(a)
			}},
		{"spec.ccm.authConfigs[].oauth.tls.clientKeyRef", tls + "clientKeyRef", "ccm", false,
			func(t string) string { return "S3ntinel-tenant-" + t + "-client-key-9035" },
			func(a *v1alpha1.Account, n string) {
				s := sel(n)
				oauth(a).TLS.ClientCertRef, oauth(a).TLS.ClientKeyRef = own(a), &s
			}},
		{"spec.vectorCharts.passwordSecretRef", "spec.vectorCharts.passwordSecretRef", "vectorCharts", false,
			func(t string) string { return "S3ntinel-tenant-" + t + "-vc-password-9036" },
			func(a *v1alpha1.Account, n string) { s := sel(n); a.Spec.VectorCharts.PasswordSecretRef = &s }},
	}
}

// crdSchema reads the openAPIV3Schema of a CRD in config/crd/bases.
func crdSchema(plural string) map[string]any {
	raw, err := os.ReadFile(filepath.Join("..", "config", "crd", "bases", "accounts.operator.dev_"+plural+".yaml"))
	Expect(err).NotTo(HaveOccurred())
	var crd struct {
		Spec struct {
			Versions []struct {
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	Expect(yaml.Unmarshal(raw, &crd)).To(Succeed())
	Expect(crd.Spec.Versions).To(HaveLen(1))
	return crd.Spec.Versions[0].Schema.OpenAPIV3Schema
}

// walkSchema calls visit with the properties of every object in the schema;
// list items add "[]" to the path.
func walkSchema(s map[string]any, path string, visit func(path string, props map[string]any)) {
	if props, ok := s["properties"].(map[string]any); ok {
		visit(path, props)
		for name, p := range props {
			walkSchema(p.(map[string]any), strings.TrimPrefix(path+"."+name, "."), visit)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		walkSchema(items, path+"[]", visit)
	}
}

var refLike = regexp.MustCompile(`(?i)(refs?|secret|configmap)$`)

// referencePaths are the spec objects that name another object (a "name"
// property) and the properties named like a reference; namespaced lists the
// objects with a "namespace" property.
func referencePaths(plural string) (refs, namespaced []string) {
	seen := map[string]bool{}
	walkSchema(crdSchema(plural), "", func(path string, props map[string]any) {
		if strings.HasPrefix(path, "status") {
			return // written by the operator, never followed as a reference
		}
		if _, ok := props["namespace"]; ok && path != "" {
			namespaced = append(namespaced, path)
		}
		if _, ok := props["name"]; ok {
			seen[path] = true
		}
		for name := range props {
			if refLike.MatchString(name) {
				seen[strings.TrimPrefix(path+"."+name, ".")] = true
			}
		}
	})
	trimmed := map[string]bool{}
	for p := range seen {
		trimmed[strings.TrimSuffix(p, "[]")] = true
	}
	for p := range trimmed {
		refs = append(refs, p)
	}
	return refs, namespaced
}

// checkAccountSchema: no Account field can name a namespace, and every
// reference field has a tenancy spec above (a new one fails here until it
// gets one).
func checkAccountSchema() {
	refs, namespaced := referencePaths("accounts")
	Expect(namespaced).To(BeEmpty(), "an Account reference must not be able to name a namespace")
	want := []string{
		"spec.providerRef",                      // its own spec above; AccountProvider only in the same namespace
		"spec.connectionSecret",                 // written, never read from elsewhere: its own spec above
		"spec.connectionConfigMap",              // the same, for the connection ConfigMap
		"spec.scp.ssoUser",                      // not a reference: the SSO user's name upstream
		"spec.ccm.authConfigs[].clusterAuthRef", // not a Kubernetes reference: an upstream target id
	}
	for _, c := range accountRefCases() {
		want = append(want, c.schemaPath)
	}
	Expect(refs).To(ConsistOf(want))
	var provider map[string]any
	walkSchema(crdSchema("accounts"), "", func(path string, props map[string]any) {
		if path == "spec.providerRef" {
			provider = props
		}
	})
	Expect(provider).To(HaveLen(2))
	Expect(provider).To(HaveKey("kind"))
	Expect(provider).To(HaveKey("name"))
}

// checkProviderSchemas: only the provider Secret references carry a
// namespace (refused on an AccountProvider, required on a
// ClusterAccountProvider), and a provider has no other reference.
func checkProviderSchemas() {
	want := []string{"spec.ccm.credentialsSecretRef", "spec.scp.credentialsSecretRef",
		"spec.vectorCharts.credentialsSecretRef", "spec.caBundleSecretRef"}
	for _, plural := range []string{"accountproviders", "clusteraccountproviders"} {
		refs, namespaced := referencePaths(plural)
		Expect(namespaced).To(ConsistOf(want), plural)
		Expect(refs).To(ConsistOf(want), plural)
	}
}

// selfSignedPEM is a throwaway CA certificate.
func selfSignedPEM() string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "tenancy-test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	Expect(err).NotTo(HaveOccurred())
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
