package crd

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// A user's Account, applied server-side as kubectl and GitOps tools do. It leaves out the
// CCM flags whose default is false, and spells one out.
const roundTripAccount = `
apiVersion: accounts.operator.dev/v1alpha1
kind: Account
metadata: {name: round-trip, namespace: team-a}
spec:
  providerRef: {name: p}
  ccm:
    authConfigs:
    - password: {require2FA: true}
    - password: {administratorsOnly: false}
    - oauth:
        idpName: Okta
        idpIconURL: https://okta.example.com/icon.png
        authorizationEndpoint: https://okta.example.com/authorize
        tokenEndpoint: https://okta.example.com/token
        clientID: abc
        clientSecretRef: {name: okta, key: clientSecret}
        tls: {mode: Disabled}
`

func userApply(u *unstructured.Unstructured) error {
	return k8sClient.Apply(ctx, client.ApplyConfigurationFromUnstructured(u.DeepCopy()),
		client.FieldOwner("user"))
}

// The operator patches only an Account's metadata (controllers: "Metadata writes of an applied
// Account"), but Go clients of the API (tools, scripts, tests) write it with a typed
// read-modify-write of the whole Account. Every field a user may leave out must survive that
// round trip through the Go types unchanged: a
// `require2FA: false` added by Go would change the user's atomic authConfigs list, bump the
// generation, and take the list over from the user's field manager, so that the user's next
// apply is refused with a conflict.
var _ = Describe("Round trip through the Go types", func() {
	It("leaves an applied spec as the user wrote it, and the user free to apply again", func() {
		u := &unstructured.Unstructured{}
		Expect(yaml.Unmarshal([]byte(roundTripAccount), &u.Object)).To(Succeed())
		Expect(userApply(u)).To(Succeed())
		key := client.ObjectKeyFromObject(u)
		before := &unstructured.Unstructured{}
		before.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("Account"))
		Expect(k8sClient.Get(ctx, key, before)).To(Succeed())

		var a v1alpha1.Account
		Expect(k8sClient.Get(ctx, key, &a)).To(Succeed())
		a.Finalizers = append(a.Finalizers, "accounts.operator.dev/test")
		Expect(k8sClient.Update(ctx, &a, client.FieldOwner("operator"))).To(Succeed())

		after := before.DeepCopy()
		Expect(k8sClient.Get(ctx, key, after)).To(Succeed())
		Expect(after.Object["spec"]).To(Equal(before.Object["spec"]))
		Expect(after.GetGeneration()).To(Equal(before.GetGeneration()))

		configs, _, err := unstructured.NestedSlice(u.Object, "spec", "ccm", "authConfigs")
		Expect(err).NotTo(HaveOccurred())
		configs[0] = map[string]any{"password": map[string]any{"require2FA": false}}
		Expect(unstructured.SetNestedSlice(u.Object, configs, "spec", "ccm", "authConfigs")).To(Succeed())
		Expect(userApply(u)).To(Succeed(), "the user still owns spec.ccm.authConfigs")
	})
})
