package controllers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmadapter "github.com/account-operator/account-operator/internal/adapter/ccm"
	scpadapter "github.com/account-operator/account-operator/internal/adapter/scp"
	vcadapter "github.com/account-operator/account-operator/internal/adapter/vectorcharts"
	"github.com/account-operator/account-operator/internal/localenv"
	"github.com/account-operator/account-operator/internal/logging"
	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// Sentinel secret values: none may ever appear in logs, events or status.
const (
	ccmUser         = "operator@example.com"
	ccmPassword     = "S3ntinel-ccm-password-4417"
	scpAccessKey    = "sentinel-access-key-8812"
	scpSecretKey    = "S3ntinel-scp-secret-key-9923"
	vcAdminToken    = "S3ntinel-vc-admin-token-3301"
	oauthSecret     = "S3ntinel-oauth-client-secret-5520"
	vcUserPasswd    = "S3ntinel-vc-user-password-6634"
	operatorNS      = "account-operator"
	pollInterval    = 2 * time.Second
	minPollInterval = 30 * time.Second
	eventuallyMax   = 30 * time.Second
)

var (
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
	scheme    = runtime.NewScheme()
	rootCtx   context.Context
	rootStop  context.CancelFunc

	ccmSandbox *ccmsandbox.Server
	scpSandbox *scpsandbox.Server
	vcSandbox  *vcsandbox.Server
	ccmURL     string
	scpURL     string
	vcURL      string

	logs   = &syncBuffer{}
	writes writeCounter // apiserver writes made by the manager's client, by namespace
	// providerStatusWrites are the writes of AccountProviders' status among
	// them: a provider's inventory follows its upstream, which on a shared
	// sandbox other specs change.
	providerStatusWrites writeCounter

	registry *prometheus.Registry // the manager's metrics, fresh for each start

	mgrMu   sync.Mutex
	mgrStop context.CancelFunc
	mgrDone chan struct{}
)

func TestControllers(t *testing.T) {
	if err := localenv.UseCachedTools(false); err != nil {
		t.Fatal(err)
	}
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(eventuallyMax)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	RunSpecs(t, "Controller suite")
}

var _ = BeforeSuite(func() {
	// The highest verbosity, through the same cap main.go applies.
	ctrl.SetLogger(logging.Capped(zap.New(zap.WriteTo(logs), zap.UseDevMode(true), zap.Level(zapcore.Level(-10)))))
	rootCtx, rootStop = context.WithCancel(context.Background())
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(v1alpha1.AddToScheme(scheme)).To(Succeed())

	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())
	k8sClient, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	Expect(k8sClient.Create(rootCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNS}})).To(Succeed())
	installDeletionProtection()

	startSandboxes()
	startManager()
})

var _ = AfterSuite(func() {
	checkSecretHygiene()
	stopManager()
	rootStop()
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

func startSandboxes() {
	ccmSandbox = ccmsandbox.New(ccmsandbox.Options{Users: []ccmsandbox.User{{Email: ccmUser, Password: ccmPassword}}})
	scpSandbox = scpsandbox.New(scpsandbox.Options{
		Credentials:       []scpsandbox.Credential{{AccessKey: scpAccessKey, SecretKey: scpSecretKey}},
		RegistrationDelay: 1500 * time.Millisecond, ClosureDelay: 1500 * time.Millisecond,
	})
	vcSandbox = vcsandbox.New(vcsandbox.Options{AdminTokens: []string{vcAdminToken},
		JobPendingFor: 300 * time.Millisecond, JobRunningFor: 700 * time.Millisecond})
	for _, s := range []struct {
		url *string
		srv interface{ Handler() http.Handler }
	}{{&ccmURL, ccmSandbox}, {&scpURL, scpSandbox}, {&vcURL, vcSandbox}} {
		ts := httptest.NewServer(s.srv.Handler())
		DeferCleanup(ts.Close)
		*s.url = ts.URL
	}
}

func kinds() adapter.Set {
	return adapter.Set{ccmadapter.NewKind(), scpadapter.NewKind(), vcadapter.NewKind()}
}

// startManager runs the operator's controllers as main.go wires them, with a
// client that counts every write it makes to the apiserver.
func startManager() {
	mgrMu.Lock()
	defer mgrMu.Unlock()
	registry = prometheus.NewRegistry()
	mgrCfg := rest.CopyConfig(cfg)
	mgrCfg.Wrap(expiry.wrap)
	mgrCfg.Wrap(requests.wrap)
	mgrCfg.Wrap(crash.wrap)
	mgr, err := ctrl.NewManager(mgrCfg, ctrl.Options{
		Scheme:                 scheme,
		Cache:                  controllers.CacheOptions(nil),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
		NewClient:              countingClient,
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(controllers.Setup(mgr, controllers.Options{Kinds: kinds(), MaxConcurrentReconciles: 4,
		DefaultPollInterval: pollInterval, Registerer: registry})).To(Succeed())
	ctx, cancel := context.WithCancel(rootCtx)
	done := make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(done)
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	mgrStop, mgrDone = cancel, done
}

func stopManager() {
	mgrMu.Lock()
	defer mgrMu.Unlock()
	if mgrStop != nil {
		mgrStop()
		Eventually(mgrDone).Should(BeClosed())
		mgrStop = nil
	}
}

func countingClient(c *rest.Config, o client.Options) (client.Client, error) {
	base, err := client.NewWithWatch(c, o)
	if err != nil {
		return nil, err
	}
	count := func(obj client.Object) { writes.add(obj.GetNamespace()) }
	countStatus := func(obj client.Object) {
		count(obj)
		if _, ok := obj.(*v1alpha1.AccountProvider); ok {
			providerStatusWrites.add(obj.GetNamespace())
		}
	}
	return interceptor.NewClient(base, interceptor.Funcs{
		Get: func(ctx context.Context, cl client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if stale.read(key, obj) {
				return nil
			}
			return cl.Get(ctx, key, obj, opts...)
		},
		Create: func(ctx context.Context, cl client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			count(obj)
			return cl.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, cl client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			count(obj)
			return cl.Update(ctx, obj, opts...)
		},
		// A patch that stores nothing is no write: the claim of a pass
		// that retries a create changes nothing and answers with the same
		// resourceVersion; it only proves the cache current.
		Patch: func(ctx context.Context, cl client.WithWatch, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
			rv := obj.GetResourceVersion()
			err := cl.Patch(ctx, obj, p, opts...)
			if err == nil && obj.GetResourceVersion() != rv {
				count(obj)
			}
			stale.updated(obj, err)
			return err
		},
		Delete: func(ctx context.Context, cl client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			count(obj)
			return cl.Delete(ctx, obj, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, cl client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			countStatus(obj)
			return cl.SubResource(sub).Update(ctx, obj, opts...)
		},
		SubResourcePatch: func(ctx context.Context, cl client.Client, sub string, obj client.Object, p client.Patch, opts ...client.SubResourcePatchOption) error {
			countStatus(obj)
			return cl.SubResource(sub).Patch(ctx, obj, p, opts...)
		},
	}), nil
}

// writeCounter counts writes per namespace, so a spec sees only its own.
type writeCounter struct{ m sync.Map }

func (w *writeCounter) add(ns string) {
	v, _ := w.m.LoadOrStore(ns, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (w *writeCounter) in(ns string) int64 {
	if v, ok := w.m.Load(ns); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

// syncBuffer collects the manager's log lines for the secret-leak check.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, _ = GinkgoWriter.Write(p)
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
