package cli

import (
	"context"
	"fmt"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// providerRef names a provider: an AccountProvider in a namespace, or a
// ClusterAccountProvider.
type providerRef struct {
	kind      v1alpha1.ProviderKind
	namespace string // AccountProvider only
	name      string
}

func (r providerRef) String() string {
	if r.kind == v1alpha1.AccountProviderKind {
		return fmt.Sprintf("%s %s/%s", r.kind, r.namespace, r.name)
	}
	return fmt.Sprintf("%s %s", r.kind, r.name)
}

func (r providerRef) key() client.ObjectKey {
	return client.ObjectKey{Namespace: r.namespace, Name: r.name}
}

// accountProviderRef is the provider an Account refers to.
func accountProviderRef(a *v1alpha1.Account) providerRef {
	r := providerRef{kind: a.Spec.ProviderRef.Kind, name: string(a.Spec.ProviderRef.Name)}
	if r.kind == "" { // the schema's default
		r.kind = v1alpha1.ClusterAccountProviderKind
	}
	if r.kind == v1alpha1.AccountProviderKind {
		r.namespace = a.Namespace
	}
	return r
}

// parseProvider reads a provider argument: NAME (an AccountProvider in ns,
// or a ClusterAccountProvider with cluster), or KIND/NAME with KIND one of
// accountprovider or clusteraccountprovider, as kubectl writes them.
func parseProvider(arg string, cluster bool, ns string) (providerRef, error) {
	kind, name, prefixed := strings.Cut(arg, "/")
	if !prefixed {
		kind, name = "", arg
	}
	r := providerRef{name: name}
	switch strings.ToLower(kind) {
	case "":
		r.kind = v1alpha1.AccountProviderKind
		if cluster {
			r.kind = v1alpha1.ClusterAccountProviderKind
		}
	case "accountprovider", "accountproviders":
		r.kind = v1alpha1.AccountProviderKind
	case "clusteraccountprovider", "clusteraccountproviders":
		r.kind = v1alpha1.ClusterAccountProviderKind
	default:
		return r, fmt.Errorf("%q: a provider is NAME, accountprovider/NAME or clusteraccountprovider/NAME", arg)
	}
	switch {
	case name == "":
		return r, fmt.Errorf("%q: the provider name is empty", arg)
	case prefixed && cluster && r.kind == v1alpha1.AccountProviderKind:
		return r, fmt.Errorf("%q: --cluster-provider names a ClusterAccountProvider, not an AccountProvider", arg)
	case r.kind == v1alpha1.AccountProviderKind:
		r.namespace = ns
	}
	return r, nil
}

// getProvider reads the provider r names.
func getProvider(ctx context.Context, c client.Client, r providerRef) (v1alpha1.ProviderObject, error) {
	var p v1alpha1.ProviderObject = &v1alpha1.ClusterAccountProvider{}
	if r.kind == v1alpha1.AccountProviderKind {
		p = &v1alpha1.AccountProvider{}
	}
	if err := get(ctx, c, r.key(), p, string(r.kind)); err != nil {
		return nil, err
	}
	return p, nil
}

// getNamedProvider reads the provider a command line names; a missing
// AccountProvider's error points at --cluster-provider, the likelier meaning.
func getNamedProvider(ctx context.Context, c client.Client, r providerRef) (v1alpha1.ProviderObject, error) {
	p, err := getProvider(ctx, c, r)
	if isNotFound(err) && r.kind == v1alpha1.AccountProviderKind {
		return nil, fmt.Errorf("%w (for a ClusterAccountProvider, add --cluster-provider)", err)
	}
	return p, err
}

// Upstream keys, as the API names the blocks.
const (
	upstreamCCM          = "ccm"
	upstreamSCP          = "scp"
	upstreamVectorCharts = "vectorCharts"
)

// accountUpstream is the upstream block the Account sets.
func accountUpstream(a *v1alpha1.Account) string {
	switch {
	case a.Spec.CCM != nil:
		return upstreamCCM
	case a.Spec.SCP != nil:
		return upstreamSCP
	case a.Spec.VectorCharts != nil:
		return upstreamVectorCharts
	}
	return ""
}

// providerUpstream is the provider's upstream block and its credentials
// Secret reference.
func providerUpstream(s *v1alpha1.AccountProviderSpec) (string, v1alpha1.SecretReference) {
	switch {
	case s.CCM != nil:
		return upstreamCCM, s.CCM.CredentialsSecretRef
	case s.SCP != nil:
		return upstreamSCP, s.SCP.CredentialsSecretRef
	case s.VectorCharts != nil:
		return upstreamVectorCharts, s.VectorCharts.CredentialsSecretRef
	}
	return "", v1alpha1.SecretReference{}
}

// credentialKeys are the keys each upstream's credentials Secret needs, as
// the API documents them.
var credentialKeys = map[string][]string{
	upstreamCCM:          {"username", "password"},
	upstreamSCP:          {"accessKey", "secretKey"},
	upstreamVectorCharts: {"token"},
}
