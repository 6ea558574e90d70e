package controllers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// vcAdminPost calls an admin route of the VectorCharts sandbox as an
// administrator working in the portal would, decoding the answer into out.
func vcAdminPost(route string, body, out any) {
	raw, err := json.Marshal(body)
	Expect(err).NotTo(HaveOccurred())
	req, err := http.NewRequest(http.MethodPost, vcURL+"/api/portal/v1/admin/"+route, bytes.NewReader(raw))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "Bearer "+vcAdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer func() { Expect(resp.Body.Close()).To(Succeed()) }()
	Expect(resp.StatusCode).To(Equal(http.StatusOK), route)
	Expect(json.NewDecoder(resp.Body).Decode(out)).To(Succeed())
}

// waitOnlyToken waits until the Account's upstream account has exactly the
// valid tokens want plus the connection Secret's, and status names the
// Secret's as held; it returns the Secret's token.
func waitOnlyToken(a *v1alpha1.Account, id int64, want ...string) string {
	var tok string
	Eventually(func(g Gomega) {
		got := &v1alpha1.Account{}
		g.Expect(k8sClient.Get(rootCtx, client.ObjectKeyFromObject(a), got)).To(Succeed())
		s := &corev1.Secret{}
		g.Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: a.Namespace, Name: a.ConnectionSecretName()}, s)).To(Succeed())
		tok = string(s.Data["token"])
		g.Expect(tok).NotTo(BeEmpty())
		g.Expect(vcSandbox.TokensFor(id)).To(ConsistOf(append([]string{tok}, want...)))
		g.Expect(got.Status.VectorCharts).NotTo(BeNil())
		g.Expect(got.Status.VectorCharts.TokenFingerprint).To(Equal(tokenFingerprint([]byte(tok))))
	}).Should(Succeed())
	return tok
}

var _ = Describe("Initial VectorCharts token", func() {
	It("leaves one valid token, the Secret's, when a create commits but its response is lost", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		for _, mode := range []fault.Mode{fault.CommitThenFail, fault.CommitThenDrop} {
			a := newAccount(upstreams["vectorCharts"], ns, strings.ToLower("first-"+string(mode)))
			vcSandbox.Faults().Add(fault.Rule{Operation: "CreateAccount", Count: 1, Status: 500, Mode: mode})
			Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
			got := waitReady(a)
			Expect(countKey(ops["vectorCharts"], uniqueKey(a))).To(Equal(1))
			waitOnlyToken(a, mustInt(got.Status.AccountID))
			Expect(reasons(eventsFor(a))).To(ContainElements("TokenReissued", "TokenRevoked"), string(mode))
		}
	})

	It("never revokes tokens an Account adopting through spec.externalID did not make", func() {
		ns := newNamespace(nil)
		namespacedProvider(upstreams["vectorCharts"], ns)
		username := fmt.Sprintf("adopted-%s@x.io", ns)
		var made struct {
			Account      struct{ ID int64 }
			User         struct{ ID int64 }
			InitialToken struct{ ID string }
		}
		vcAdminPost("createAccount", map[string]string{"name": "made in the portal", "username": username,
			"password": "portal-pass"}, &made)
		id := made.Account.ID
		foreign := []string{made.InitialToken.ID}
		for _, name := range []string{"ci", "account-operator", "account-operator-some-other-uid"} {
			var t struct{ ID string }
			vcAdminPost("createApiToken", map[string]any{"userId": made.User.ID, "accountId": id, "name": name}, &t)
			foreign = append(foreign, t.ID)
		}

		a := newAccount(upstreams["vectorCharts"], ns, "adopter")
		a.Spec.ExternalID, a.Spec.VectorCharts.Username = fmt.Sprint(id), username
		Expect(k8sClient.Create(rootCtx, a)).To(Succeed())
		waitReady(a)
		first := waitOnlyToken(a, id, foreign...)

		By("a lost Secret: the token is re-issued and only the one the operator made is revoked")
		Expect(k8sClient.Delete(rootCtx, connectionSecret(a))).To(Succeed())
		Eventually(func(g Gomega) {
			s := &corev1.Secret{}
			g.Expect(k8sClient.Get(rootCtx, client.ObjectKey{Namespace: ns, Name: a.ConnectionSecretName()}, s)).To(Succeed())
			g.Expect(string(s.Data["token"])).NotTo(Or(BeEmpty(), Equal(first)))
		}).Should(Succeed())
		waitOnlyToken(a, id, foreign...)
		Expect(reasons(eventsFor(a))).To(ContainElement("TokenRevoked"))
	})
})
