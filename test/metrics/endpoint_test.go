package metrics

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	certutil "k8s.io/client-go/util/cert"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
	scpadapter "github.com/account-operator/account-operator/internal/adapter/scp"
	vcadapter "github.com/account-operator/account-operator/internal/adapter/vectorcharts"
	"github.com/account-operator/account-operator/internal/metricsendpoint"
)

// serverOptions are the metrics server options main.go builds from these
// manager flags (its defaults for the rest: HTTPS, authn and authz).
func serverOptions(args ...string) metricsserver.Options {
	GinkgoHelper()
	var o metricsendpoint.Options
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	o.BindFlags(fs)
	Expect(fs.Parse(args)).To(Succeed())
	opts, err := o.ServerOptions()
	Expect(err).NotTo(HaveOccurred())
	Expect(opts.SecureServing).To(BeTrue())
	return opts
}

// startManager runs the controllers as main.go wires them, as the manager's
// user, with the given metrics server, until the spec's container ends.
func startManager(metrics metricsserver.Options) {
	GinkgoHelper()
	mgr, err := ctrl.NewManager(managerCf, ctrl.Options{
		Scheme:                 scheme,
		Cache:                  controllers.CacheOptions(nil),
		Metrics:                metrics,
		HealthProbeBindAddress: "0",
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(controllers.Setup(mgr, controllers.Options{
		Kinds:      adapter.Set{ccmadapter.NewKind(), scpadapter.NewKind(), vcadapter.NewKind()},
		Registerer: crmetrics.Registry,
	})).To(Succeed())
	run(mgr.Start)
}

// run starts a runnable until the spec's container ends, and waits for it then.
func run(start func(context.Context) error) {
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(done)
		Expect(start(rctx)).To(Succeed())
	}()
	DeferCleanup(func() {
		stop()
		Eventually(done).Should(BeClosed())
	})
}

// serviceAccountToken creates a ServiceAccount and a short-lived token for it,
// as the kubelet mounts one into a scraper's pod.
func serviceAccountToken(name string) (rbacv1.Subject, string) {
	GinkgoHelper()
	Expect(admin.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}})).To(Succeed())
	tr, err := clientset.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, name, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](600)}}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	Expect(tr.Status.Token).NotTo(BeEmpty())
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: namespace}, tr.Status.Token
}

// scrape GETs url with the bearer token, if any, and returns the status and body.
func scrape(c *http.Client, url, token string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// statusOf scrapes until the server answers, and returns the status.
func statusOf(c *http.Client, url, token string) int {
	GinkgoHelper()
	var status int
	Eventually(func() error {
		var err error
		status, _, err = scrape(c, url, token)
		return err
	}).Should(Succeed())
	return status
}

// skipVerify trusts any certificate, as the ServiceMonitor does the manager's
// self-signed one.
var skipVerify = &http.Client{Timeout: 10 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}

var _ = Describe("The metrics endpoint, as main.go serves it", Ordered, func() {
	var url string

	BeforeAll(func() {
		addr := freeAddr()
		url = "https://" + addr + "/metrics"
		startManager(serverOptions("--metrics-bind-address=" + addr))
	})

	It("refuses a scrape without a token: 401", func() {
		Expect(statusOf(skipVerify, url, "")).To(Equal(http.StatusUnauthorized))
	})

	It("refuses a token the kube-apiserver does not know", func() {
		// controller-runtime's filter answers 500, not 401: the TokenReview
		// reports the bad token as an error, which the filter cannot tell from
		// a failed review. Refused either way, and no metrics.
		status, body, err := scrape(skipVerify, url, "not-a-token")
		Expect(err).NotTo(HaveOccurred())
		Expect(status).To(BeNumerically(">=", http.StatusBadRequest))
		Expect(body).NotTo(ContainSubstring("account_operator_"))
	})

	It("serves no plain HTTP", func() {
		status, body, err := scrape(skipVerify, "http"+url[len("https"):], "")
		Expect(err).NotTo(HaveOccurred())
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(body).NotTo(ContainSubstring("account_operator_"))
	})

	It("refuses a ServiceAccount that is not bound to metrics-reader: 403", func() {
		_, token := serviceAccountToken("stranger")
		Expect(statusOf(skipVerify, url, token)).To(Equal(http.StatusForbidden))
	})

	It("serves the operator's metrics to a ServiceAccount bound to metrics-reader: 200", func() {
		sa, token := serviceAccountToken("prometheus")
		bind(sa, "metrics-reader")
		// An Account gives the operator's gauge a sample: its provider is
		// missing, so it stalls at once, with no upstream involved.
		Expect(admin.Create(ctx, &v1alpha1.Account{
			ObjectMeta: metav1.ObjectMeta{Name: "team-a", Namespace: namespace},
			Spec: v1alpha1.AccountSpec{
				ProviderRef:  v1alpha1.ProviderReference{Kind: v1alpha1.AccountProviderKind, Name: "missing"},
				VectorCharts: &v1alpha1.VectorChartsAccountSpec{Username: "team-a@example.com"},
			},
		})).To(Succeed())
		Eventually(func(g Gomega) {
			status, body, err := scrape(skipVerify, url, token)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(status).To(Equal(http.StatusOK))
			g.Expect(body).To(MatchRegexp(`(?m)^account_operator_accounts\{.*\} 1$`))
			g.Expect(body).To(ContainSubstring(`controller_runtime_reconcile_total{controller="account"`))
		}).Should(Succeed())
	})
})

var _ = Describe("The metrics endpoint with --metrics-cert-path", func() {
	It("serves the certificate it is given", func() {
		certPEM, keyPEM, err := certutil.GenerateSelfSignedCertKey("localhost", []net.IP{{127, 0, 0, 1}}, nil)
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "tls.crt"), certPEM, 0o600)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "tls.key"), keyPEM, 0o600)).To(Succeed())
		addr := freeAddr()
		srv, err := metricsserver.NewServer(serverOptions("--metrics-bind-address="+addr, "--metrics-cert-path="+dir),
			managerCf, httpClient(managerCf))
		Expect(err).NotTo(HaveOccurred())
		run(srv.Start)

		roots := x509.NewCertPool()
		Expect(roots.AppendCertsFromPEM(certPEM)).To(BeTrue())
		verifying := &http.Client{Timeout: 10 * time.Second,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
		// A verified handshake, then the same checks as with the self-signed default.
		Expect(statusOf(verifying, "https://"+addr+"/metrics", "")).To(Equal(http.StatusUnauthorized))
	})
})

func httpClient(c *rest.Config) *http.Client {
	GinkgoHelper()
	hc, err := rest.HTTPClientFor(c)
	Expect(err).NotTo(HaveOccurred())
	return hc
}
