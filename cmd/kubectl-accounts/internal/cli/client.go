package cli

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// scheme holds the kinds the plugin reads: the operator's three, Secrets and
// Events.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := corev1.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}()

// client builds a client for the cluster the kubeconfig flags select. The
// REST mapper discovers the operator's kinds on first use, so a missing CRD
// shows as a no-match error on the first request (see notInstalled).
func (e *env) client() (client.Client, error) {
	cfg, err := e.flags.ToRESTConfig()
	if err != nil {
		return nil, err
	}
	return client.New(cfg, client.Options{Scheme: scheme})
}

// namespace is -n, or the kubeconfig context's namespace, or "default".
func (e *env) namespace() (string, error) {
	ns, _, err := e.flags.ToRawKubeConfigLoader().Namespace()
	return ns, err
}

// notInstalled is the error for a kind the API server does not serve.
func notInstalled(kind string) error {
	return fmt.Errorf("the %s CRD is not installed; is account-operator installed?", kind)
}

// get reads one object, turning the two errors a user can act on into
// sentences: the kind is not served (operator not installed), and the object
// does not exist.
func get(ctx context.Context, c client.Client, key client.ObjectKey, obj client.Object, kind string) error {
	err := c.Get(ctx, key, obj)
	return explain(err, kind, key)
}

// explain words err of a request for kind (key: the object, when one).
func explain(err error, kind string, key client.ObjectKey) error {
	switch {
	case err == nil:
		return nil
	case meta.IsNoMatchError(err):
		return notInstalled(kind)
	case apierrors.IsNotFound(err):
		return &notFoundError{kind: kind, key: key}
	}
	return err
}

// notFoundError is an object that does not exist.
type notFoundError struct {
	kind string
	key  client.ObjectKey
}

func (e *notFoundError) Error() string {
	if e.key.Namespace != "" {
		return fmt.Sprintf("%s %q not found in namespace %q", e.kind, e.key.Name, e.key.Namespace)
	}
	return fmt.Sprintf("%s %q not found", e.kind, e.key.Name)
}

// isNotFound reports whether err is, or wraps, a notFoundError.
func isNotFound(err error) bool {
	var nf *notFoundError
	return errors.As(err, &nf)
}

// getAccount reads the Account name in the namespace of the flags.
func (e *env) getAccount(ctx context.Context, name string) (client.Client, *v1alpha1.Account, error) {
	c, err := e.client()
	if err != nil {
		return nil, nil, err
	}
	ns, err := e.namespace()
	if err != nil {
		return nil, nil, err
	}
	a := &v1alpha1.Account{}
	if err := get(ctx, c, client.ObjectKey{Namespace: ns, Name: name}, a, "Account"); err != nil {
		return nil, nil, err
	}
	return c, a, nil
}

// namedProvider is a provider the command line named, read, with the client
// and the namespace of the flags (where an AccountProvider is looked up).
type namedProvider struct {
	c   client.Client
	ns  string
	ref providerRef
	p   v1alpha1.ProviderObject
}

// getNamedProviderArg reads the provider arg names (NAME or KIND/NAME;
// cluster: a ClusterAccountProvider).
func (e *env) getNamedProviderArg(ctx context.Context, arg string, cluster bool) (namedProvider, error) {
	var np namedProvider
	var err error
	if np.ns, err = e.namespace(); err != nil {
		return np, err
	}
	if np.ref, err = parseProvider(arg, cluster, np.ns); err != nil {
		return np, err
	}
	if np.c, err = e.client(); err != nil {
		return np, err
	}
	np.p, err = getNamedProvider(ctx, np.c, np.ref)
	return np, err
}
