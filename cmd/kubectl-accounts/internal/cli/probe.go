package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// clusterFlagHelp documents --cluster-provider wherever a provider is named.
const clusterFlagHelp = "The provider is a ClusterAccountProvider (default: an AccountProvider in the namespace)."

func (e *env) probeCommand() *cobra.Command {
	var f waitFlags
	cluster := false
	cmd := &cobra.Command{
		Use:   "probe PROVIDER",
		Short: "Run a provider's read-only conformance probe of its upstream",
		Long: `Ask the operator to run a provider's read-only conformance probe (it checks that
the upstream instance answers as the operator models it, with the provider's
own credentials) by setting the annotation accounts.operator.dev/probe-requested-at
to the current time. The result goes to the provider's status.probe.

PROVIDER is an AccountProvider in the namespace (-n), or a ClusterAccountProvider
with --cluster-provider; clusteraccountprovider/NAME and accountprovider/NAME
name the kind too. With --wait, wait (at most --timeout) for the result and
print each check; the exit code is then 2 when the probe did not pass.`,
		Example: `  kubectl accounts probe vectorcharts -n team-a --wait
  kubectl accounts probe ccm-prod --cluster-provider --wait
  kubectl accounts probe clusteraccountprovider/ccm-prod`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.probe(cmd.Context(), args[0], cluster, f)
		},
	}
	cmd.Flags().BoolVar(&cluster, "cluster-provider", false, clusterFlagHelp)
	f.add(cmd, "run the probe (status.probe.requestedAt)")
	return cmd
}

func (e *env) probe(ctx context.Context, arg string, cluster bool, f waitFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	np, err := e.getNamedProviderArg(ctx, arg, cluster)
	if err != nil {
		return err
	}
	c, ref, p := np.c, np.ref, np.p
	v := e.requestValue()
	if err := annotate(ctx, c, p, v1alpha1.AnnotationProbeRequestedAt, &v); err != nil {
		return explain(err, string(ref.kind), ref.key())
	}
	fmt.Fprintf(e.IO.Out, "%s: probe requested (%s=%s)\n", ref, v1alpha1.AnnotationProbeRequestedAt, v)
	if !f.wait {
		fmt.Fprintln(e.IO.Out, "Its result goes to status.probe; --wait waits for it and prints it.")
		return nil
	}
	err = e.waitFor(ctx, c, p, string(ref.kind), f, "status.probe.requestedAt to be "+v, func() bool {
		st := p.ProviderStatus().Probe
		return st != nil && st.RequestedAt == v
	})
	if err != nil {
		return err
	}
	return e.printProbe(ref, p.ProviderStatus().Probe)
}

// printProbe shows a probe's checks; a probe that did not pass is a "no".
func (e *env) printProbe(ref providerRef, st *v1alpha1.ProbeStatus) error {
	verdict := "passed"
	if !st.Passed {
		verdict = "did not pass"
	}
	checks := "checks"
	if len(st.Checks) == 1 {
		checks = "check"
	}
	fmt.Fprintf(e.IO.Out, "%s: probe %s (%d %s)\n", ref, verdict, len(st.Checks), checks)
	rows := [][]string{{"  CHECK", "RESULT", "MESSAGE"}}
	for _, ch := range st.Checks {
		rows = append(rows, []string{"  " + ch.Name, ch.Result, oneLine(ch.Message)})
	}
	if err := writeTable(e.IO.Out, rows); err != nil {
		return err
	}
	if !st.Passed {
		return errNo
	}
	return nil
}
