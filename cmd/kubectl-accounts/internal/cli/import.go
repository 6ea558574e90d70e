package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func (e *env) importCommand() *cobra.Command {
	provider, cluster := "", false
	cmd := &cobra.Command{
		Use:   "import --provider PROVIDER",
		Short: "Print Account YAML to observe a provider's unmanaged upstream accounts",
		Long: `Print, for each upstream account a provider lists as unmanaged (no Account refers
to it), an Account that observes it: spec.externalID set to its id,
managementPolicy ObserveOnly (nothing is ever written upstream), the providerRef,
and its upstream name as displayName. Review the YAML, then apply it; once
Synced shows no difference you do not want, set managementPolicy: Full to take
the account under management.

The list is the provider's status.inventory.unmanagedAccounts, which the
operator fills only when the provider sets spec.inventory.listUnmanaged: true
(off by default), at most 100 at a time. What the inventory does not show and
the API requires (SCP: landingZoneID, parentUnitID, email; VectorCharts: the
primary user's username) is written as REPLACE-ME, with a comment: replace it
before applying. The Accounts go to the namespace (-n), where an
AccountProvider is looked up too.`,
		Example: `  kubectl accounts import --provider vectorcharts -n team-a > imported.yaml
  kubectl accounts import --provider ccm-prod --cluster-provider -n team-a | kubectl apply -f -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.importAccounts(cmd.Context(), provider, cluster)
		},
	}
	cmd.Flags().StringVar(&provider, "provider", "", "The provider whose unmanaged accounts to import (NAME, or KIND/NAME).")
	cmd.Flags().BoolVar(&cluster, "cluster-provider", false, clusterFlagHelp)
	_ = cmd.MarkFlagRequired("provider")
	return cmd
}

func (e *env) importAccounts(ctx context.Context, provider string, cluster bool) error {
	np, err := e.getNamedProviderArg(ctx, provider, cluster)
	if err != nil {
		return err
	}
	c, ns, ref, p := np.c, np.ns, np.ref, np.p
	unmanaged, err := e.unmanaged(ref, p)
	if err != nil || len(unmanaged) == 0 {
		return err
	}
	taken, err := accountNames(ctx, c, ns)
	if err != nil {
		return err
	}
	for _, note := range usableFrom(ctx, c, p, ns) {
		fmt.Fprintln(e.IO.ErrOut, "Warning: "+note)
	}
	upstream, _ := providerUpstream(p.ProviderSpec())
	for _, u := range unmanaged {
		doc, err := importDocument(ref, upstream, ns, u, taken)
		if err != nil {
			fmt.Fprintf(e.IO.ErrOut, "Skipped upstream account %q: %v\n", u.ID, err)
			continue
		}
		fmt.Fprint(e.IO.Out, doc)
	}
	if placeholders[upstream] != "" {
		fmt.Fprintf(e.IO.ErrOut, "Replace every %s in the YAML before applying it: %s\n", placeholder, placeholders[upstream])
	}
	return nil
}

// unmanaged is the provider's list of unmanaged accounts, with a clear error
// when there is none to read, and notes when it is empty or cut short.
func (e *env) unmanaged(ref providerRef, p v1alpha1.ProviderObject) ([]v1alpha1.UpstreamAccountRef, error) {
	spec, inv := p.ProviderSpec(), p.ProviderStatus().Inventory
	if spec.Inventory == nil || !ptr.Deref(spec.Inventory.ListUnmanaged, false) {
		return nil, fmt.Errorf("%s does not list its unmanaged accounts: spec.inventory.listUnmanaged is off "+
			"(the default); set it to true on the provider, wait for its next inventory "+
			"(status.inventory.observedTime), and run this again", ref)
	}
	if inv == nil {
		return nil, fmt.Errorf("%s has no inventory yet (status.inventory is empty): the operator takes it "+
			"once the provider is Ready", ref)
	}
	unmanaged := ptr.Deref(inv.Unmanaged, 0)
	switch {
	case len(inv.UnmanagedAccounts) == 0 && unmanaged > 0:
		return nil, fmt.Errorf("%s counts %d unmanaged accounts but lists none yet: listUnmanaged was turned on "+
			"after its last inventory; run this again after the next one", ref, unmanaged)
	case len(inv.UnmanagedAccounts) == 0:
		fmt.Fprintf(e.IO.ErrOut, "%s has no unmanaged accounts: Accounts manage all %d upstream accounts its "+
			"credentials can see.\n", ref, ptr.Deref(inv.Total, 0))
	case ptr.Deref(inv.UnmanagedTruncated, false):
		fmt.Fprintf(e.IO.ErrOut, "Note: %s lists the first %d of its %d unmanaged accounts "+
			"(status.inventory.unmanagedTruncated); once these are applied, run this again for the rest.\n",
			ref, len(inv.UnmanagedAccounts), unmanaged)
	}
	return inv.UnmanagedAccounts, nil
}

// accountNames are the names of the namespace's Accounts, which imported
// Accounts must not take.
func accountNames(ctx context.Context, c client.Client, ns string) (map[string]bool, error) {
	list := &v1alpha1.AccountList{}
	if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
		return nil, explain(err, "Account", client.ObjectKey{})
	}
	taken := make(map[string]bool, len(list.Items))
	for _, a := range list.Items {
		taken[a.Name] = true
	}
	return taken, nil
}

// errNoExternalID: an upstream id spec.externalID cannot hold.
var errNoExternalID = errors.New("its id does not fit spec.externalID (at most 128 of a-z, A-Z, 0-9, '-', '_', '.')")
