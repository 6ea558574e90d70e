package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func (e *env) rotateCommand() *cobra.Command {
	var f waitFlags
	cmd := &cobra.Command{
		Use:   "rotate NAME",
		Short: "Rotate a VectorCharts Account's API token once",
		Long: `Rotate the API token the operator issued for a VectorCharts Account, once, by
setting the annotation accounts.operator.dev/rotate-requested-at to the current
time: a new token goes to the connection Secret's token key, and the previous
one is kept as token.previous until spec.vectorCharts.tokenRotation.overlap
ends, then revoked upstream. The operator records the value it handled in
status.vectorCharts.lastHandledRotateRequestedAt.

Only VectorCharts Accounts have a token the operator issues; an ObserveOnly
Account has none. A rotation requested during an overlap starts when the
overlap ends.`,
		Example: `  kubectl accounts rotate team-a-charts -n team-a
  kubectl accounts rotate team-a-charts -n team-a --wait`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.rotate(cmd.Context(), args[0], f)
		},
	}
	f.add(cmd, "rotated the token (status.vectorCharts.lastHandledRotateRequestedAt)")
	return cmd
}

func (e *env) rotate(ctx context.Context, name string, f waitFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	c, a, err := e.getAccount(ctx, name)
	if err != nil {
		return err
	}
	if err := rotatable(a, f.wait); err != nil {
		return err
	}
	v := e.requestValue()
	if err := annotate(ctx, c, a, v1alpha1.AnnotationRotateRequestedAt, &v); err != nil {
		return explain(err, "Account", client.ObjectKeyFromObject(a))
	}
	fmt.Fprintf(e.IO.Out, "Account %s/%s: token rotation requested (%s=%s)\n", a.Namespace, a.Name,
		v1alpha1.AnnotationRotateRequestedAt, v)
	if st := a.Status.VectorCharts; st != nil && st.PreviousTokenRevokeAt != nil && st.PreviousTokenRevokeAt.After(e.Now()) {
		fmt.Fprintf(e.IO.ErrOut, "Note: the previous rotation's overlap lasts until %s: this rotation starts then\n",
			st.PreviousTokenRevokeAt.UTC().Format(time.RFC3339))
	}
	if !f.wait {
		return nil
	}
	err = e.waitFor(ctx, c, a, "Account", f, "status.vectorCharts.lastHandledRotateRequestedAt to be "+v,
		func() bool {
			return a.Status.VectorCharts != nil && a.Status.VectorCharts.LastHandledRotateRequestedAt == v
		})
	if err != nil {
		return err
	}
	st := a.Status.VectorCharts
	fmt.Fprintf(e.IO.Out, "Account %s/%s: token rotated; the connection Secret's token is now the one of fingerprint %s\n",
		a.Namespace, a.Name, orNone(st.TokenFingerprint))
	if st.PreviousTokenFingerprint != "" && st.PreviousTokenRevokeAt != nil {
		fmt.Fprintf(e.IO.Out, "The previous token (fingerprint %s) stays as token.previous until %s, then is revoked\n",
			st.PreviousTokenFingerprint, st.PreviousTokenRevokeAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// rotatable refuses a rotation the operator would never do.
func rotatable(a *v1alpha1.Account, wait bool) error {
	id := a.Namespace + "/" + a.Name
	switch {
	case a.Spec.VectorCharts == nil:
		return fmt.Errorf("cannot rotate a token of Account %s: it is a %s Account, and the operator issues "+
			"API tokens for VectorCharts Accounts only", id, accountUpstream(a))
	case a.ObserveOnly():
		return fmt.Errorf("cannot rotate a token of Account %s: it is ObserveOnly, and the operator issues no "+
			"token for it", id)
	case wait && a.Annotations[v1alpha1.AnnotationPaused] == "true":
		return fmt.Errorf("not waiting for a rotation of Account %s: it is paused, and a rotation waits until "+
			"it is resumed; resume it first, or request the rotation without --wait", id)
	}
	return nil
}
