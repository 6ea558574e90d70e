package crd

import (
	"fmt"
	"strings"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

var seq atomic.Int64

func uniqueName(prefix string) string { return fmt.Sprintf("%s-%d", prefix, seq.Add(1)) }

// expectInvalid asserts an admission rejection whose message contains every part.
func expectInvalid(err error, parts ...string) {
	Expect(err).To(HaveOccurred())
	Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want Invalid, got %v", err)
	for _, p := range parts {
		Expect(err.Error()).To(ContainSubstring(p))
	}
}

type accountCase struct {
	base   func(string) *v1alpha1.Account
	mutate func(*v1alpha1.Account)
	want   []string
}

func tlsOf(a *v1alpha1.Account) *v1alpha1.CCMTLSConfig { return &a.Spec.CCM.AuthConfigs[1].OAuth.TLS }

var _ = Describe("Account admission on create", func() {
	DescribeTable("rejects with a message naming the field",
		func(c accountCase) {
			a := c.base(uniqueName("bad"))
			c.mutate(a)
			expectInvalid(k8sClient.Create(ctx, a), c.want...)
		},
		Entry("no upstream block", accountCase{validCCMAccount, func(a *v1alpha1.Account) { a.Spec.CCM = nil },
			[]string{"exactly one of spec.ccm, spec.scp or spec.vectorCharts"}}),
		Entry("two upstream blocks", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: "x@example.com"}
		}, []string{"exactly one of spec.ccm, spec.scp or spec.vectorCharts"}}),
		Entry("auth config with no variant", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AuthConfigs[0] = v1alpha1.CCMAuthConfig{}
		}, []string{"spec.ccm.authConfigs[0]", "exactly one of password, oauth or clusterAuthRef"}}),
		Entry("auth config with two variants", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AuthConfigs[0].ClusterAuthRef = &v1alpha1.CCMClusterAuthRef{TargetID: "t"}
		}, []string{"spec.ccm.authConfigs[0]", "exactly one of password, oauth or clusterAuthRef"}}),
		Entry("TLS Required without a CA", accountCase{validCCMAccount, func(a *v1alpha1.Account) { tlsOf(a).CASet = "" },
			[]string{"spec.ccm.authConfigs[1].oauth.tls", "needs exactly one of tls.caSet or tls.pinnedCARefs"}}),
		Entry("TLS Required with both CA choices", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			tlsOf(a).PinnedCARefs = []v1alpha1.SecretKeySelector{{Name: "ca", Key: "ca.crt"}}
		}, []string{"spec.ccm.authConfigs[1].oauth.tls", "needs exactly one of tls.caSet or tls.pinnedCARefs"}}),
		Entry("TLS Disabled with Required-only fields", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			tlsOf(a).Mode = v1alpha1.TLSDisabled
		}, []string{"spec.ccm.authConfigs[1].oauth.tls", "only allowed when tls.mode is Required"}}),
		Entry("TLS client cert without key", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			tlsOf(a).ClientCertRef = &v1alpha1.SecretKeySelector{Name: "mtls", Key: "tls.crt"}
		}, []string{"spec.ccm.authConfigs[1].oauth.tls", "clientCertRef and tls.clientKeyRef must be set together"}}),
		Entry("unknown TLS mode", accountCase{validCCMAccount, func(a *v1alpha1.Account) { tlsOf(a).Mode = "Sometimes" },
			[]string{"spec.ccm.authConfigs[1].oauth.tls.mode", "Unsupported value"}}),
		Entry("unknown CA set", accountCase{validCCMAccount, func(a *v1alpha1.Account) { tlsOf(a).CASet = "Mozilla" },
			[]string{"spec.ccm.authConfigs[1].oauth.tls.caSet", "Unsupported value"}}),
		Entry("http URL for a remote host", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AuthConfigs[1].OAuth.IDPIconURL = "http://okta.example.com/icon.png"
		}, []string{"spec.ccm.authConfigs[1].oauth.idpIconURL", "must be an absolute https URL"}}),
		Entry("not a URL", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AuthConfigs[1].OAuth.TokenEndpoint = "okta token endpoint"
		}, []string{"spec.ccm.authConfigs[1].oauth.tokenEndpoint", "must be an absolute https URL"}}),
		Entry("empty OAuth client id", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AuthConfigs[1].OAuth.ClientID = ""
		}, []string{"spec.ccm.authConfigs[1].oauth.clientID"}}),
		Entry("invalid Secret name", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AuthConfigs[1].OAuth.ClientSecretRef.Name = "Okta_Secret"
		}, []string{"spec.ccm.authConfigs[1].oauth.clientSecretRef.name"}}),
		Entry("invalid Secret key", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AuthConfigs[1].OAuth.ClientSecretRef.Key = "client/secret"
		}, []string{"spec.ccm.authConfigs[1].oauth.clientSecretRef.key"}}),
		Entry("invalid ConfigMap name", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.CustomLogo.ConfigMapKeyRef.Name = "-logos"
		}, []string{"spec.ccm.customLogo.configMapKeyRef.name"}}),
		Entry("PCR priority with a duplicate", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AzureCVMPCRPriority[22] = 0
		}, []string{"spec.ccm.azureCVMPCRPriority", "permutation of 0..22"}}),
		Entry("PCR priority too short", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AzureCVMPCRPriority = a.Spec.CCM.AzureCVMPCRPriority[:22]
		}, []string{"spec.ccm.azureCVMPCRPriority"}}),
		Entry("PCR priority out of range", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			a.Spec.CCM.AzureCVMPCRPriority[22] = 23
		}, []string{"spec.ccm.azureCVMPCRPriority[22]"}}),
		Entry("unknown component", accountCase{validCCMAccount, func(a *v1alpha1.Account) { a.Spec.CCM.Component = "GPU" },
			[]string{"spec.ccm.component", "Unsupported value"}}),
		Entry("too many auth configs", accountCase{validCCMAccount, func(a *v1alpha1.Account) {
			for range 16 {
				a.Spec.CCM.AuthConfigs = append(a.Spec.CCM.AuthConfigs, a.Spec.CCM.AuthConfigs[0])
			}
		}, []string{"spec.ccm.authConfigs", "must have at most 16 items"}}),
		Entry("unknown deletionPolicy", accountCase{validVCAccount, func(a *v1alpha1.Account) { a.Spec.DeletionPolicy = "Keep" },
			[]string{"spec.deletionPolicy", "Unsupported value"}}),
		Entry("unknown provider kind", accountCase{validVCAccount, func(a *v1alpha1.Account) { a.Spec.ProviderRef.Kind = "Issuer" },
			[]string{"spec.providerRef.kind", "Unsupported value"}}),
		Entry("empty provider name", accountCase{validVCAccount, func(a *v1alpha1.Account) { a.Spec.ProviderRef.Name = "" },
			[]string{"spec.providerRef.name"}}),
		Entry("over-long displayName", accountCase{validVCAccount, func(a *v1alpha1.Account) {
			a.Spec.DisplayName = strings.Repeat("n", 129)
		}, []string{"spec.displayName", "128"}}),
		Entry("invalid connection Secret name", accountCase{validVCAccount, func(a *v1alpha1.Account) {
			a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Name: "Not A Name"}
		}, []string{"spec.connectionSecret.name"}}),
		Entry("externalID with a slash", accountCase{validVCAccount, func(a *v1alpha1.Account) { a.Spec.ExternalID = "../42" },
			[]string{"spec.externalID"}}),
		Entry("VectorCharts username not an email", accountCase{validVCAccount, func(a *v1alpha1.Account) {
			a.Spec.VectorCharts.Username = "owner"
		}, []string{"spec.vectorCharts.username"}}),
		Entry("over-long VectorCharts username", accountCase{validVCAccount, func(a *v1alpha1.Account) {
			a.Spec.VectorCharts.Username = strings.Repeat("o", 250) + "@example.com"
		}, []string{"spec.vectorCharts.username", "254"}}),
		Entry("VectorCharts password key invalid", accountCase{validVCAccount, func(a *v1alpha1.Account) {
			a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "pw", Key: ""}
		}, []string{"spec.vectorCharts.passwordSecretRef.key"}}),
		Entry("empty SCP landingZoneID", accountCase{validSCPAccount, func(a *v1alpha1.Account) { a.Spec.SCP.LandingZoneID = "" },
			[]string{"spec.scp.landingZoneID"}}),
		Entry("missing SCP email", accountCase{validSCPAccount, func(a *v1alpha1.Account) { a.Spec.SCP.Email = "" },
			[]string{"spec.scp.email", "Required value", "spec.scp.email is required"}}),
		Entry("invalid SCP email", accountCase{validSCPAccount, func(a *v1alpha1.Account) { a.Spec.SCP.Email = "not-an-email" },
			[]string{"spec.scp.email"}}),
		Entry("over-long SCP email", accountCase{validSCPAccount, func(a *v1alpha1.Account) {
			a.Spec.SCP.Email = strings.Repeat("e", 60) + "@example.com"
		}, []string{"spec.scp.email", "60"}}),
		Entry("SCP SSO user without a name", accountCase{validSCPAccount, func(a *v1alpha1.Account) { a.Spec.SCP.SSOUser.Name = "" },
			[]string{"spec.scp.ssoUser.name"}}),
	)

	It("accepts http URLs for loopback hosts only", func() {
		for i, u := range []v1alpha1.HTTPSURL{"http://127.0.0.1:8443/icon", "http://localhost/icon", "http://[::1]:9000/x"} {
			a := validCCMAccount(fmt.Sprintf("loopback-%d", i))
			a.Spec.CCM.AuthConfigs[1].OAuth.IDPIconURL = u
			Expect(k8sClient.Create(ctx, a)).To(Succeed(), string(u))
		}
	})
})

type updateCase struct {
	base   func(string) *v1alpha1.Account
	setup  func(*v1alpha1.Account) // before create
	mutate func(*v1alpha1.Account) // the update
	want   []string
}

var _ = Describe("Account admission on update", func() {
	DescribeTable("rejects changes to immutable fields",
		func(c updateCase) {
			a := c.base(uniqueName("upd"))
			if c.setup != nil {
				c.setup(a)
			}
			Expect(k8sClient.Create(ctx, a)).To(Succeed())
			c.mutate(a)
			expectInvalid(k8sClient.Update(ctx, a), c.want...)
		},
		Entry("providerRef", updateCase{validVCAccount, nil, func(a *v1alpha1.Account) { a.Spec.ProviderRef.Name = "other" },
			[]string{"spec.providerRef", "immutable"}}),
		Entry("externalID once set", updateCase{validVCAccount, func(a *v1alpha1.Account) { a.Spec.ExternalID = "42" },
			func(a *v1alpha1.Account) { a.Spec.ExternalID = "43" }, []string{"spec.externalID", "cannot be changed once set"}}),
		Entry("externalID removed once set", updateCase{validVCAccount, func(a *v1alpha1.Account) { a.Spec.ExternalID = "42" },
			func(a *v1alpha1.Account) { a.Spec.ExternalID = "" }, []string{"spec.externalID", "cannot be changed once set"}}),
		Entry("upstream block", updateCase{validVCAccount, nil, func(a *v1alpha1.Account) {
			a.Spec.VectorCharts = nil
			a.Spec.SCP = validSCPAccount("x").Spec.SCP
		}, []string{"spec.ccm, spec.scp or spec.vectorCharts", "cannot be changed"}}),
		Entry("SCP email", updateCase{validSCPAccount, nil, func(a *v1alpha1.Account) { a.Spec.SCP.Email = "b@example.com" },
			[]string{"spec.scp.email", "immutable"}}),
		Entry("SCP email removed", updateCase{validSCPAccount, nil, func(a *v1alpha1.Account) { a.Spec.SCP.Email = "" },
			[]string{"spec.scp.email", "immutable"}}),
		Entry("SCP landingZoneID", updateCase{validSCPAccount, nil, func(a *v1alpha1.Account) { a.Spec.SCP.LandingZoneID = "lz-2" },
			[]string{"spec.scp.landingZoneID", "immutable"}}),
		Entry("SCP ssoUser", updateCase{validSCPAccount, nil, func(a *v1alpha1.Account) { a.Spec.SCP.SSOUser.RealName = "New" },
			[]string{"spec.scp.ssoUser", "immutable"}}),
		Entry("VectorCharts username", updateCase{validVCAccount, nil, func(a *v1alpha1.Account) {
			a.Spec.VectorCharts.Username = "new@example.com"
		}, []string{"spec.vectorCharts.username", "immutable"}}),
		Entry("CCM component", updateCase{validCCMAccount, nil, func(a *v1alpha1.Account) { a.Spec.CCM.Component = "CONFIDENTIAL_AI" },
			[]string{"spec.ccm.component", "immutable"}}),
		Entry("CCM nodeEnrollment", updateCase{validCCMAccount, nil, func(a *v1alpha1.Account) {
			a.Spec.CCM.NodeEnrollment.AttestationEnforcementDisabledInsecure = true
		}, []string{"spec.ccm.nodeEnrollment", "immutable"}}),
	)

	It("allows the mutable fields to change", func() {
		a := validSCPAccount(uniqueName("ok"))
		Expect(k8sClient.Create(ctx, a)).To(Succeed())
		a.Spec.SCP.ParentUnitID = "ou-2"
		a.Spec.DisplayName = "renamed"
		a.Spec.ExternalID = "set-once"
		a.Spec.DeletionPolicy = v1alpha1.DeletionOrphan
		Expect(k8sClient.Update(ctx, a)).To(Succeed())

		c := validCCMAccount(uniqueName("ok"))
		Expect(k8sClient.Create(ctx, c)).To(Succeed())
		c.Spec.CCM.AuthConfigs = c.Spec.CCM.AuthConfigs[:1]
		c.Spec.CCM.AzureCVMPCRPriority[0], c.Spec.CCM.AzureCVMPCRPriority[1] = 1, 0
		c.Spec.CCM.CustomLogo = nil
		Expect(k8sClient.Update(ctx, c)).To(Succeed())
	})
})

var _ = Describe("Provider admission", func() {
	DescribeTable("rejects bad AccountProviders",
		func(mutate func(*v1alpha1.AccountProvider), want ...string) {
			p := validAccountProvider(uniqueName("ap"))
			mutate(p)
			expectInvalid(k8sClient.Create(ctx, p), want...)
		},
		Entry("no upstream", func(p *v1alpha1.AccountProvider) { p.Spec.VectorCharts = nil },
			"exactly one of spec.ccm, spec.scp or spec.vectorCharts"),
		Entry("two upstreams", func(p *v1alpha1.AccountProvider) {
			p.Spec.CCM = &v1alpha1.CCMProviderSpec{URL: "https://ccm.example.com", CredentialsSecretRef: v1alpha1.SecretReference{Name: "c"}}
		}, "exactly one of spec.ccm, spec.scp or spec.vectorCharts"),
		Entry("a Secret in another namespace", func(p *v1alpha1.AccountProvider) {
			p.Spec.VectorCharts.CredentialsSecretRef.Namespace = "kube-system"
		}, "spec.vectorCharts.credentialsSecretRef.namespace", "not allowed on an AccountProvider"),
		Entry("a CA bundle in another namespace", func(p *v1alpha1.AccountProvider) {
			p.Spec.CABundleSecretRef = &v1alpha1.SecretKeyReference{Name: "ca", Namespace: "kube-system"}
		}, "spec.caBundleSecretRef.namespace", "not allowed on an AccountProvider"),
		Entry("a non-https URL", func(p *v1alpha1.AccountProvider) { p.Spec.VectorCharts.URL = "ftp://charts.example.com" },
			"spec.vectorCharts.url", "must be an absolute https URL"),
		Entry("SCP with a plain-http organization URL", func(p *v1alpha1.AccountProvider) {
			p.Spec.VectorCharts = nil
			p.Spec.SCP = &v1alpha1.SCPProviderSpec{CloudControlURL: "https://cc.example.com",
				OrganizationURL: "http://org.example.com", CredentialsSecretRef: v1alpha1.SecretReference{Name: "s"}}
		}, "spec.scp.organizationURL", "must be an absolute https URL"),
		Entry("a poll interval too short", func(p *v1alpha1.AccountProvider) {
			p.Spec.PollInterval = &metav1.Duration{Duration: 1e9}
		}, "spec.pollInterval", "between 30s and 24h"),
		Entry("a zero rate limit", func(p *v1alpha1.AccountProvider) {
			p.Spec.RateLimit = &v1alpha1.RateLimit{RequestsPerSecond: 0}
		}, "spec.rateLimit.requestsPerSecond"),
		Entry("an invalid credentials Secret name", func(p *v1alpha1.AccountProvider) {
			p.Spec.VectorCharts.CredentialsSecretRef.Name = "UPPER"
		}, "spec.vectorCharts.credentialsSecretRef.name"),
	)

	DescribeTable("rejects bad ClusterAccountProviders",
		func(mutate func(*v1alpha1.ClusterAccountProvider), want ...string) {
			p := validClusterProvider(uniqueName("cap"))
			mutate(p)
			expectInvalid(k8sClient.Create(ctx, p), want...)
		},
		Entry("a credentials Secret without a namespace", func(p *v1alpha1.ClusterAccountProvider) {
			p.Spec.VectorCharts.CredentialsSecretRef.Namespace = ""
		}, "spec.vectorCharts.credentialsSecretRef", "namespace is required on a ClusterAccountProvider"),
		Entry("a CA bundle without a namespace", func(p *v1alpha1.ClusterAccountProvider) {
			p.Spec.CABundleSecretRef = &v1alpha1.SecretKeyReference{Name: "ca"}
		}, "spec.caBundleSecretRef", "namespace is required on a ClusterAccountProvider"),
		Entry("a bad namespaceSelector operator", func(p *v1alpha1.ClusterAccountProvider) {
			p.Spec.NamespaceSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "team", Operator: "Maybe"}}}
		}, "spec.namespaceSelector"),
	)

	It("rejects changing a provider's upstream kind", func() {
		p := validClusterProvider(uniqueName("cap"))
		Expect(k8sClient.Create(ctx, p)).To(Succeed())
		p.Spec.VectorCharts = nil
		p.Spec.CCM = &v1alpha1.CCMProviderSpec{URL: "https://ccm.example.com",
			CredentialsSecretRef: v1alpha1.SecretReference{Name: "c", Namespace: "account-operator"}}
		expectInvalid(k8sClient.Update(ctx, p), "upstream kind", "cannot be changed")
	})

	It("accepts a loopback http provider, as the sandbox uses", func() {
		p := validAccountProvider(uniqueName("ap"))
		p.Spec.VectorCharts.URL = "http://127.0.0.1:9909"
		p.Spec.RateLimit = &v1alpha1.RateLimit{RequestsPerSecond: 5, Burst: 10}
		p.Spec.CABundleSecretRef = &v1alpha1.SecretKeyReference{Name: "ca"}
		Expect(k8sClient.Create(ctx, p, client.FieldValidation("Strict"))).To(Succeed())
		Expect(p.Spec.CABundleSecretRef.Key).To(Equal(v1alpha1.DataKey("ca.crt")))
		// No default in the schema: an unset interval is the manager's --default-poll-interval.
		Expect(p.Spec.PollInterval).To(BeNil())
	})
})
