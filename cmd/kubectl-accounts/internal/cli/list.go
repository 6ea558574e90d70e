package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func (e *env) listCommand() *cobra.Command {
	all := false
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List Accounts: upstream, id, Ready, reason, age",
		Long: `List the Accounts of a namespace (or of all namespaces with -A), one line each:
its upstream, the upstream account id, the Ready condition's status and reason,
and its age.`,
		Example: `  kubectl accounts list -n team-a
  kubectl accounts list -A`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.list(cmd.Context(), all)
		},
	}
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "List the Accounts of every namespace.")
	return cmd
}

func (e *env) list(ctx context.Context, all bool) error {
	c, err := e.client()
	if err != nil {
		return err
	}
	var opts []client.ListOption
	ns := ""
	if !all {
		if ns, err = e.namespace(); err != nil {
			return err
		}
		opts = append(opts, client.InNamespace(ns))
	}
	list := &v1alpha1.AccountList{}
	if err := c.List(ctx, list, opts...); err != nil {
		return explain(err, "Account", client.ObjectKey{})
	}
	if len(list.Items) == 0 {
		if all {
			fmt.Fprintln(e.IO.ErrOut, "No Accounts found.")
		} else {
			fmt.Fprintf(e.IO.ErrOut, "No Accounts found in namespace %s.\n", ns)
		}
		return nil
	}
	head := []string{"NAME", "UPSTREAM", "ID", "READY", "REASON", "AGE"}
	if all {
		head = append([]string{"NAMESPACE"}, head...)
	}
	rows := [][]string{head}
	for i := range list.Items {
		a := &list.Items[i]
		ready, reason := "<none>", "<none>"
		if c := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionReady); c != nil {
			ready, reason = string(c.Status), orNone(c.Reason)
		}
		row := []string{a.Name, accountUpstream(a), orNone(a.Status.AccountID), ready, reason,
			e.age(a.CreationTimestamp.Time)}
		if all {
			row = append([]string{a.Namespace}, row...)
		}
		rows = append(rows, row)
	}
	return writeTable(e.IO.Out, rows)
}
