package controllers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// The connection Secret's retention and shape, and the connection ConfigMap
// (issue 13).
var _ = Describe("Connection Secret retention", func() {
	var ns string
	BeforeEach(func() {
		ns = newNamespace(nil)
		namespacedProvider(upstreams["ccm"], ns)
		namespacedProvider(upstreams["vectorCharts"], ns)
	})

	It("retains the Secret of an Orphan Account by default, and an Account adopting that account takes it back", func() {
		u := upstreams["vectorCharts"]
		first := newAccount(u, ns, "keeper")
		first.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		first.Spec.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{}
		Expect(k8sClient.Create(rootCtx, first)).To(Succeed())
		first = waitReady(first)
		kept := connectionSecret(first).Data
		id := first.Status.AccountID
		deleteAndWait(first)

		s := connectionSecret(first)
		Expect(s.OwnerReferences).To(BeEmpty(), "a retained Secret must not be garbage collected with its Account")
		Expect(s.Annotations).NotTo(HaveKey(v1alpha1.AnnotationAccountUID), "no longer the deleted Account's")
		Expect(s.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationRetainedFrom, "vectorCharts/AccountProvider/vectorcharts/"+id))
		Expect(s.Data).To(Equal(kept))

		By("a new Account adopting the same account through the same provider")
		tokens := len(vcSandbox.TokensFor(mustInt(id)))
		again := newAccount(u, ns, "keeper")
		again.Spec.ExternalID = id
		again.Spec.VectorCharts.Username = first.Spec.VectorCharts.Username
		again.Spec.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{}
		Expect(k8sClient.Create(rootCtx, again)).To(Succeed())
		again = waitReady(again)
		// envtest runs no garbage collector: the first Account's ConfigMap
		// is still there, and is taken over (it holds nothing secret).
		var cm corev1.ConfigMap
		Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: again.ConnectionConfigMapName()}, &cm)).To(Succeed())
		Expect(metav1.IsControlledBy(&cm, again)).To(BeTrue())
		Expect(cm.OwnerReferences).To(HaveLen(1))
		s = connectionSecret(again)
		// Taken back: the adopting Account's by its marks, and owned, since
		// its policy is Delete.
		Expect(s.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationAccountUID, string(again.UID)))
		Expect(metav1.IsControlledBy(s, again)).To(BeTrue(), "taken back: owned by the adopting Account")
		Expect(s.Annotations).NotTo(HaveKey(v1alpha1.AnnotationRetainedFrom))
		Expect(s.Data["token"]).To(Equal(kept["token"]), "the retained token is used, not replaced")
		Expect(s.Data["password"]).To(Equal(kept["password"]))
		Expect(vcSandbox.TokensFor(mustInt(id))).To(HaveLen(tokens), "no token reissued")
		Expect(reasons(eventsFor(again))).NotTo(ContainElement("TokenReissued"))
	})

	It("retains the Secret with connectionSecret.deletionPolicy Retain after deleting the upstream account", func() {
		u, o := upstreams["ccm"], ops["ccm"]
		a := newAccount(u, ns, "explicit")
		a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{DeletionPolicy: v1alpha1.ConnectionSecretRetain}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		deleteAndWait(a)
		_, ok := find(o, a.Status.AccountID)
		Expect(ok).To(BeFalse(), "deletionPolicy Delete still deletes upstream")
		s := connectionSecret(a)
		Expect(s.OwnerReferences).To(BeEmpty())
		Expect(s.Annotations).To(HaveKeyWithValue(v1alpha1.AnnotationRetainedFrom, "ccm/AccountProvider/ccm/"+a.Status.AccountID))
		Expect(s.Data).To(HaveKeyWithValue("accountID", []byte(a.Status.AccountID)))
	})

	It("leaves the Secret owned, for the garbage collector, with deletionPolicy Delete (also under an Orphan Account)", func() {
		u := upstreams["ccm"]
		byDefault := newAccount(u, ns, "default-delete")
		orphan := newAccount(u, ns, "orphan-delete")
		orphan.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		orphan.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{DeletionPolicy: v1alpha1.ConnectionSecretDelete}
		for _, a := range []*v1alpha1.Account{byDefault, orphan} {
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			a = waitReady(a)
			deleteAndWait(a)
			// envtest runs no garbage collector: the owner reference is what
			// makes the cluster's collector delete the Secret.
			s := connectionSecret(a)
			Expect(s.OwnerReferences).To(ContainElement(HaveField("UID", a.UID)), a.Name)
			Expect(s.Annotations).NotTo(HaveKey(v1alpha1.AnnotationRetainedFrom), a.Name)
		}
	})

	It("refuses a retained Secret to an Account of another account (SecretConflict), and one whose Secret goes remains", func() {
		u := upstreams["ccm"]
		first := newAccount(u, ns, "first")
		first.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		Expect(k8sClient.Create(rootCtx, first)).To(Succeed())
		first = waitReady(first)
		other := newAccount(u, ns, "other")
		other.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		other.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{DeletionPolicy: v1alpha1.ConnectionSecretDelete}
		Expect(k8sClient.Create(rootCtx, other)).To(Succeed())
		other = waitReady(other)
		deleteAndWait(first)
		deleteAndWait(other)

		By("adopting a different account under the retained Secret's name")
		thief := newAccount(u, ns, "thief")
		thief.Spec.ExternalID = other.Status.AccountID
		thief.Spec.DisplayName = "other"
		thief.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Name: v1alpha1.ObjectName(first.ConnectionSecretName())}
		Expect(k8sClient.Create(rootCtx, thief)).To(Succeed())
		got := waitCondition(thief, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonSecretConflict)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(And(
			ContainSubstring("spec.connectionSecret"), ContainSubstring("retained from upstream account ccm/AccountProvider/ccm/"+first.Status.AccountID)))
		s := connectionSecret(first)
		Expect(s.OwnerReferences).To(BeEmpty())
		Expect(s.Annotations).To(HaveKey(v1alpha1.AnnotationRetainedFrom))
	})

	It("does not take back a retained Secret of another type, and says how to use it", func() {
		u := upstreams["ccm"]
		first := newAccount(u, ns, "typed")
		first.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		Expect(k8sClient.Create(rootCtx, first)).To(Succeed())
		first = waitReady(first)
		deleteAndWait(first)
		// The same spec (newAccount would make the CCM OAuth Secret again).
		again := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "typed"}, Spec: *first.Spec.DeepCopy()}
		again.Spec.ExternalID = first.Status.AccountID
		again.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Type: "kubernetes.io/basic-auth",
			Keys: map[string]v1alpha1.DataKey{"accountID": corev1.BasicAuthUsernameKey}}
		Expect(k8sClient.Create(rootCtx, again)).To(Succeed())
		got := waitCondition(again, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSpec)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(ContainSubstring(
			`spec.connectionSecret.type: Secret "typed-account" has type Opaque, not kubernetes.io/basic-auth`))
		s := connectionSecret(first)
		Expect(s.OwnerReferences).To(BeEmpty(), "left as retained")
		Expect(s.Annotations).To(HaveKey(v1alpha1.AnnotationRetainedFrom))
	})
})

var _ = Describe("Connection Secret shape", func() {
	var ns string
	u, o := upstreams["vectorCharts"], ops["vectorCharts"]
	BeforeEach(func() {
		ns = newNamespace(nil)
		namespacedProvider(u, ns)
	})

	It("renames keys, keeps the prepared password and the token under the new names through a lost create response and mapping changes", func() {
		a := newAccount(u, ns, "renamed")
		a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Keys: map[string]v1alpha1.DataKey{
			"token": "VC_API_TOKEN", "password": "VC_PASSWORD"}}
		// The create commits upstream and its answer is lost: the next pass
		// finds the account and must log in with the password prepared under
		// the renamed key, not a new one.
		o.faults().Add(fault.Rule{Operation: o.createOp, Count: 1, Status: 500, Mode: fault.CommitThenDrop})
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		Expect(countKey(o, uniqueKey(a))).To(Equal(1))
		s := connectionSecret(a)
		Expect(s.Data).To(HaveKey("VC_API_TOKEN"))
		Expect(s.Data).To(HaveKey("VC_PASSWORD"))
		Expect(s.Data).NotTo(HaveKey("token"))
		Expect(s.Data).NotTo(HaveKey("password"))
		Expect(s.Data).To(HaveKey("accountID"))
		Expect(vcLogin(a.Spec.VectorCharts.Username, string(s.Data["VC_PASSWORD"]))).To(Equal(http.StatusOK),
			"the account was made with the password stored under the renamed key")
		id := mustInt(a.Status.AccountID)
		// The create's first token, never seen, is revoked once the re-issued
		// one, under its renamed key, is stored.
		Eventually(func() []string { return vcSandbox.TokensFor(id) }).Should(ConsistOf(string(s.Data["VC_API_TOKEN"])))
		tokens := len(vcSandbox.TokensFor(id))

		By("a poll reads the token back under its renamed key: nothing reissued")
		forceCheck(a)
		Consistently(func() int { return len(vcSandbox.TokensFor(id)) }, 2*time.Second).Should(Equal(tokens))

		By("a changed mapping moves the values in one write")
		token, password := s.Data["VC_API_TOKEN"], s.Data["VC_PASSWORD"]
		setKeys(a, map[string]v1alpha1.DataKey{"token": "API_TOKEN"})
		Eventually(func(g Gomega) {
			s := connectionSecret(a)
			g.Expect(s.Data).To(HaveKeyWithValue("API_TOKEN", token))
			g.Expect(s.Data).To(HaveKeyWithValue("password", password))
			g.Expect(s.Data).NotTo(HaveKey("VC_API_TOKEN"))
			g.Expect(s.Data).NotTo(HaveKey("VC_PASSWORD"))
		}).Should(Succeed())
		waitReady(a)
		Expect(vcSandbox.TokensFor(id)).To(HaveLen(tokens), "no token reissued by the renaming")

		By("no mapping puts them back under the published names")
		setKeys(a, nil)
		Eventually(func(g Gomega) {
			s := connectionSecret(a)
			g.Expect(s.Data).To(HaveKeyWithValue("token", token))
			g.Expect(s.Annotations).NotTo(HaveKey(v1alpha1.AnnotationConnectionKeys))
		}).Should(Succeed())
		waitReady(a)
		Expect(vcSandbox.TokensFor(id)).To(HaveLen(tokens))
	})

	It("writes the Secret with spec.connectionSecret.type", func() {
		a := newAccount(u, ns, "basic")
		a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Type: "kubernetes.io/basic-auth"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		s := connectionSecret(a)
		Expect(s.Type).To(Equal(corev1.SecretTypeBasicAuth))
		Expect(s.Data).To(HaveKey(corev1.BasicAuthUsernameKey))
		Expect(s.Data).To(HaveKey(corev1.BasicAuthPasswordKey))
	})

	It("writes a CCM Secret of type kubernetes.io/basic-auth with accountID renamed to username", func() {
		ccm := upstreams["ccm"]
		namespacedProvider(ccm, ns)
		a := newAccount(ccm, ns, "basic-ccm")
		a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Type: "kubernetes.io/basic-auth",
			Keys: map[string]v1alpha1.DataKey{"accountID": corev1.BasicAuthUsernameKey}}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		s := connectionSecret(a)
		Expect(s.Type).To(Equal(corev1.SecretTypeBasicAuth))
		Expect(s.Data).To(HaveKeyWithValue(corev1.BasicAuthUsernameKey, []byte(a.Status.AccountID)))
		Expect(s.Data).NotTo(HaveKey("accountID"))
	})
})

var _ = Describe("Connection ConfigMap", func() {
	It("publishes the non-secret outputs, never a secret value, owned by the Account, with no writes at steady state", func() {
		ns := newNamespace(nil)
		u := upstreams["vectorCharts"]
		namespacedProvider(u, ns)
		a := newAccount(u, ns, "public")
		a.Spec.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{Name: "public-outputs",
			Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"note": "outputs"}}
		a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Keys: map[string]v1alpha1.DataKey{"userID": "USER"}}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		a = waitReady(a)
		var cm corev1.ConfigMap
		Eventually(func() error {
			return k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: "public-outputs"}, &cm)
		}).Should(Succeed())
		Expect(cm.Data).To(Equal(map[string]string{
			"accountID": a.Status.AccountID, "userID": a.Status.VectorCharts.UserID,
			"username": a.Spec.VectorCharts.Username, "state": a.Status.State}))
		Expect(metav1.IsControlledBy(&cm, a)).To(BeTrue())
		Expect(cm.Labels).To(HaveKeyWithValue("team", "a"))
		Expect(cm.Annotations).To(HaveKeyWithValue("note", "outputs"))
		s := connectionSecret(a)
		for _, secret := range []string{string(s.Data["token"]), string(s.Data["password"]), vcAdminToken} {
			Expect(secret).NotTo(BeEmpty())
			for k, v := range cm.Data {
				Expect(v).NotTo(ContainSubstring(secret), "ConfigMap key %s holds a secret value", k)
			}
		}

		By("steady state: a requested check writes nothing but its echo in the status")
		time.Sleep(time.Second) // let follow-up reconciles of the create settle
		before := writes.in(ns)
		requestCheck(a) // the pass writes the status once: lastHandledReconcileAt
		Consistently(func() int64 { return writes.in(ns) - before }, 3*time.Second).Should(BeEquivalentTo(1))

		By("an edit by someone else is put right")
		cm.Data["accountID"] = "edited"
		Expect(k8sClient.Update(rootCtx, &cm)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(&cm), &cm)).To(Succeed())
			g.Expect(cm.Data).To(HaveKeyWithValue("accountID", a.Status.AccountID))
		}).Should(Succeed())
	})

	It("refuses to overwrite a ConfigMap it does not own (ConfigMapConflict)", func() {
		ns := newNamespace(nil)
		u := upstreams["ccm"]
		namespacedProvider(u, ns)
		Expect(k8sClient.Create(rootCtx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "taken"},
			Data: map[string]string{"mine": "yes"}})).To(Succeed())
		a := newAccount(u, ns, "cm-conflict")
		a.Spec.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{Name: "taken"}
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		got := waitCondition(a, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonConfigMapConflict)
		Expect(findCond(got.Status.Conditions, v1alpha1.ConditionStalled).Message).To(ContainSubstring("spec.connectionConfigMap"))
		var cm corev1.ConfigMap
		Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: "taken"}, &cm)).To(Succeed())
		Expect(cm.Data).To(Equal(map[string]string{"mine": "yes"}))
	})
})

func mustInt(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	Expect(err).NotTo(HaveOccurred())
	return n
}

// vcLogin logs in to the VectorCharts sandbox as a user would.
func vcLogin(username, password string) int {
	body, err := json.Marshal(map[string]string{"username": username, "password": password})
	Expect(err).NotTo(HaveOccurred())
	resp, err := http.Post(vcURL+"/api/portal/v1/auth/login", "application/json", bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.Body.Close()).To(Succeed())
	return resp.StatusCode
}

// setKeys sets spec.connectionSecret.keys with a merge patch, which the
// operator's status writes cannot conflict with.
func setKeys(a *v1alpha1.Account, keys map[string]v1alpha1.DataKey) {
	cur := getAccount(a)
	patch := client.MergeFrom(cur.DeepCopy())
	cur.Spec.ConnectionSecret.Keys = keys
	Expect(k8sClient.Patch(rootCtx, cur, patch)).To(Succeed())
}
