package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func (e *env) reconcileCommand() *cobra.Command {
	var f waitFlags
	cmd := &cobra.Command{
		Use:   "reconcile NAME",
		Short: "Ask the operator for a full check of an Account now",
		Long: `Ask the operator for a full check of an Account now, by setting the annotation
accounts.operator.dev/reconcile-requested-at to the current time. The operator
echoes the value it handled in status.lastHandledReconcileAt.

With --wait, wait (at most --timeout) until it has, then show the Ready
condition; the exit code is then 2 when the Account is not Ready.`,
		Example: `  kubectl accounts reconcile team-a-charts -n team-a
  kubectl accounts reconcile team-a-charts -n team-a --wait --timeout=1m`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.reconcile(cmd.Context(), args[0], f)
		},
	}
	f.add(cmd, "handled the request (status.lastHandledReconcileAt)")
	return cmd
}

func (e *env) reconcile(ctx context.Context, name string, f waitFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	c, a, err := e.getAccount(ctx, name)
	if err != nil {
		return err
	}
	v := e.requestValue()
	if err := annotate(ctx, c, a, v1alpha1.AnnotationReconcileRequestedAt, &v); err != nil {
		return explain(err, "Account", client.ObjectKeyFromObject(a))
	}
	fmt.Fprintf(e.IO.Out, "Account %s/%s: reconcile requested (%s=%s)\n", a.Namespace, a.Name,
		v1alpha1.AnnotationReconcileRequestedAt, v)
	if a.Annotations[v1alpha1.AnnotationPaused] == "true" {
		fmt.Fprintln(e.IO.ErrOut, "Note: the Account is paused: the operator handles the request without any upstream call")
	}
	if !f.wait {
		return nil
	}
	err = e.waitFor(ctx, c, a, "Account", f, "status.lastHandledReconcileAt to be "+v,
		func() bool { return a.Status.LastHandledReconcileAt == v })
	if err != nil {
		return err
	}
	ready := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionReady)
	if ready == nil {
		fmt.Fprintf(e.IO.Out, "Account %s/%s: handled; no Ready condition\n", a.Namespace, a.Name)
		return errNo
	}
	fmt.Fprintf(e.IO.Out, "Account %s/%s: handled; Ready=%s %s: %s\n", a.Namespace, a.Name, ready.Status,
		ready.Reason, oneLine(ready.Message))
	if ready.Status != metav1.ConditionTrue {
		return errNo
	}
	return nil
}

// pauseCommand is `pause` (pause true) or `resume`.
func (e *env) pauseCommand(pause bool) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pause NAME",
		Short: "Stop every upstream call for an Account (annotation accounts.operator.dev/paused)",
		Long: `Stop every upstream call for an Account by setting the annotation
accounts.operator.dev/paused: "true". The operator keeps the Account's status
(Synced=False, reason Paused) but neither creates, corrects nor deletes
anything upstream until the Account is resumed.`,
		Example: `  kubectl accounts pause team-a-charts -n team-a`,
	}
	if !pause {
		cmd.Use = "resume NAME"
		cmd.Short = "Resume a paused Account (remove accounts.operator.dev/paused)"
		cmd.Long = `Resume a paused Account by removing the annotation accounts.operator.dev/paused;
the operator checks it at once.`
		cmd.Example = `  kubectl accounts resume team-a-charts -n team-a`
	}
	cmd.Args = cobra.ExactArgs(1)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return e.pause(cmd.Context(), args[0], pause)
	}
	return cmd
}

func (e *env) pause(ctx context.Context, name string, pause bool) error {
	c, a, err := e.getAccount(ctx, name)
	if err != nil {
		return err
	}
	v, set := a.Annotations[v1alpha1.AnnotationPaused]
	switch {
	case pause && v == "true":
		fmt.Fprintf(e.IO.Out, "Account %s/%s is already paused\n", a.Namespace, a.Name)
		return nil
	case !pause && !set:
		fmt.Fprintf(e.IO.Out, "Account %s/%s is not paused\n", a.Namespace, a.Name)
		return nil
	}
	value, done := ptr.To("true"), "paused"
	if !pause {
		value, done = nil, "resumed"
	}
	if err := annotate(ctx, c, a, v1alpha1.AnnotationPaused, value); err != nil {
		return explain(err, "Account", client.ObjectKeyFromObject(a))
	}
	fmt.Fprintf(e.IO.Out, "Account %s/%s %s\n", a.Namespace, a.Name, done)
	return nil
}
