package crd

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// spec.connectionSecret's shape (issue 13); the refusals are rows of the
// bad-input catalogue (controllers), these are the shapes that must pass.
var _ = Describe("Connection Secret and ConfigMap admission", func() {
	It("accepts renamings that keep every published key apart, and the allowed types", func() {
		for _, c := range []struct {
			base func(string) *v1alpha1.Account
			cs   v1alpha1.ConnectionSecretSpec
		}{
			{validVCAccount, v1alpha1.ConnectionSecretSpec{Keys: map[string]v1alpha1.DataKey{"token": "password", "password": "token"}}},
			{validVCAccount, v1alpha1.ConnectionSecretSpec{Keys: map[string]v1alpha1.DataKey{"token": "VC_API_TOKEN", "accountID": "accountID"}}},
			{validVCAccount, v1alpha1.ConnectionSecretSpec{Type: "kubernetes.io/basic-auth", DeletionPolicy: v1alpha1.ConnectionSecretRetain}},
			{validCCMAccount, v1alpha1.ConnectionSecretSpec{Type: "kubernetes.io/basic-auth",
				Keys: map[string]v1alpha1.DataKey{"accountID": "username"}}},
			{validSCPAccount, v1alpha1.ConnectionSecretSpec{Type: "example.com/account", Keys: map[string]v1alpha1.DataKey{"jobID": "JOB"}}},
		} {
			a := c.base(uniqueName("conn"))
			a.Spec.ConnectionSecret = &c.cs
			a.Spec.ConnectionConfigMap = &v1alpha1.ConnectionConfigMapSpec{Labels: map[string]string{"team": "a"}}
			Expect(k8sClient.Create(ctx, a)).To(Succeed(), "%+v", c.cs)
		}
	})

	It("defaults the type to Opaque and lets the keys, not the type, change", func() {
		a := validVCAccount(uniqueName("conn-upd"))
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Keys: map[string]v1alpha1.DataKey{"token": "T"}}
		Expect(k8sClient.Update(ctx, a)).To(Succeed(), "an absent type is Opaque")
		Expect(a.Spec.ConnectionSecret.Type).To(BeEquivalentTo("Opaque"))
		a.Spec.ConnectionSecret.Keys = nil
		a.Spec.ConnectionSecret.DeletionPolicy = v1alpha1.ConnectionSecretRetain
		Expect(k8sClient.Update(ctx, a)).To(Succeed())
		a.Spec.ConnectionSecret.Type = "kubernetes.io/basic-auth"
		expectInvalid(k8sClient.Update(ctx, a), "spec.connectionSecret", "immutable")
	})
})
