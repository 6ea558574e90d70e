package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/printers"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

func (e *env) statusCommand() *cobra.Command {
	events := 10
	cmd := &cobra.Command{
		Use:   "status NAME",
		Short: "Show an Account's whole chain in one view; exit 2 when it is not Ready",
		Long: `Show an Account's whole chain in one view: its upstream account (id, state), the
requests pending on it, its provider and the provider's Ready state, the
provider's credentials Secret (its keys, never the values), each condition with
its reason and message, the connection Secret's keys (never the values), and
the Account's latest events.

Exit code 0 when the Account is Ready, 2 when it is not (so scripts can test it),
1 on an error such as a missing Account.`,
		Example: `  kubectl accounts status team-a-charts -n team-a
  kubectl accounts status team-a-charts -n team-a --events=0 || echo "not Ready"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.status(cmd.Context(), args[0], events)
		},
	}
	cmd.Flags().IntVar(&events, "events", events, "How many of the Account's latest events to show (0: none).")
	return cmd
}

func (e *env) status(ctx context.Context, name string, events int) error {
	c, a, err := e.getAccount(ctx, name)
	if err != nil {
		return err
	}
	w := printers.GetNewTabWriter(e.IO.Out)
	fmt.Fprintf(w, "Account:\t%s/%s\n", a.Namespace, a.Name)
	fmt.Fprintf(w, "Upstream:\t%s\n", upstreamLine(a))
	fmt.Fprintf(w, "Policy:\tmanagement %s, deletion %s\n", orDefault(string(a.Spec.ManagementPolicy), "Full"),
		orDefault(string(a.Spec.DeletionPolicy), "Delete"))
	if r := requestsLine(a); r != "" {
		fmt.Fprintf(w, "Requests:\t%s\n", r)
	}
	ref := accountProviderRef(a)
	p, err := getProvider(ctx, c, ref)
	fmt.Fprintf(w, "Provider:\t%s: %s\n", ref, providerLine(p, err))
	fmt.Fprintf(w, "Credentials:\t%s\n", e.credentialsLine(ctx, c, p))
	cs := a.Status.ConnectionSecretName
	if cs == "" {
		cs = a.ConnectionSecretName()
	}
	fmt.Fprintf(w, "Connection:\tSecret %s/%s: %s\n", a.Namespace, cs, secretKeys(ctx, c, a.Namespace, cs, nil))
	if err := w.Flush(); err != nil {
		return err
	}
	e.printConditions(a.Status.Conditions)
	if events > 0 {
		e.printEvents(ctx, c, a, events)
	}
	if ready := meta.FindStatusCondition(a.Status.Conditions, v1alpha1.ConditionReady); ready == nil ||
		ready.Status != metav1.ConditionTrue {
		fmt.Fprintf(e.IO.ErrOut, "Account %s/%s is not Ready\n", a.Namespace, a.Name)
		return errNo
	}
	return nil
}

// upstreamLine is the upstream account: its kind, id, state and job.
func upstreamLine(a *v1alpha1.Account) string {
	if a.Status.AccountID == "" {
		return accountUpstream(a) + ", no upstream account recorded yet"
	}
	s := fmt.Sprintf("%s account %s, state %s", accountUpstream(a), a.Status.AccountID, orNone(a.Status.State))
	if a.Status.JobID != "" {
		s += ", job " + a.Status.JobID
	}
	return s
}

// requestsLine lists the operator annotations set on the Account, each
// request with whether the operator has handled it.
func requestsLine(a *v1alpha1.Account) string {
	var r []string
	if a.Annotations[v1alpha1.AnnotationPaused] == "true" {
		r = append(r, "paused (no upstream calls)")
	}
	handled := func(ann, done string) {
		if v, ok := a.Annotations[ann]; ok {
			state := "pending"
			if v == done {
				state = "handled"
			}
			r = append(r, fmt.Sprintf("%s=%s (%s)", strings.TrimPrefix(ann, "accounts.operator.dev/"), v, state))
		}
	}
	handled(v1alpha1.AnnotationReconcileRequestedAt, a.Status.LastHandledReconcileAt)
	rotated := ""
	if a.Status.VectorCharts != nil {
		rotated = a.Status.VectorCharts.LastHandledRotateRequestedAt
	}
	handled(v1alpha1.AnnotationRotateRequestedAt, rotated)
	return strings.Join(r, ", ")
}

// providerLine is the provider's Ready state, or why it is unknown.
func providerLine(p v1alpha1.ProviderObject, err error) string {
	if err != nil {
		if isNotFound(err) {
			return "not found"
		}
		return err.Error()
	}
	ready := meta.FindStatusCondition(p.ProviderStatus().Conditions, v1alpha1.ConditionReady)
	if ready == nil {
		return "not verified yet (no Ready condition)"
	}
	s := fmt.Sprintf("Ready=%s %s", ready.Status, ready.Reason)
	if ready.Status != metav1.ConditionTrue && ready.Message != "" {
		s += ": " + oneLine(ready.Message)
	}
	return s
}

// credentialsLine is the provider's credentials Secret: present, its keys,
// and the keys its upstream needs that it lacks.
func (e *env) credentialsLine(ctx context.Context, c client.Client, p v1alpha1.ProviderObject) string {
	if p == nil {
		return "unknown (no provider)"
	}
	upstream, ref := providerUpstream(p.ProviderSpec())
	ns := p.SecretNamespace(ref.Namespace)
	return fmt.Sprintf("Secret %s/%s: %s", ns, ref.Name, secretKeys(ctx, c, ns, string(ref.Name), credentialKeys[upstream]))
}

// secretKeys reads a Secret and tells its keys, never its values, and which
// of the needed keys it lacks.
func secretKeys(ctx context.Context, c client.Client, ns, name string, needed []string) string {
	s := &corev1.Secret{}
	err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, s)
	switch {
	case apierrors.IsNotFound(err):
		return "missing"
	case apierrors.IsForbidden(err):
		return "not readable with your credentials (forbidden)"
	case err != nil:
		return err.Error()
	}
	keys := sortedKeys(s.Data)
	line := "present, keys " + orNone(strings.Join(keys, ", "))
	var lacks []string
	for _, k := range needed {
		if _, ok := s.Data[k]; !ok {
			lacks = append(lacks, k)
		}
	}
	if len(lacks) > 0 {
		line += " (missing " + strings.Join(lacks, ", ") + ")"
	}
	return line
}

func (e *env) printConditions(conds []metav1.Condition) {
	fmt.Fprintln(e.IO.Out, "\nConditions:")
	if len(conds) == 0 {
		fmt.Fprintln(e.IO.Out, "  <none>: the operator has not written a status yet")
		return
	}
	rows := [][]string{{"  TYPE", "STATUS", "REASON", "AGE", "MESSAGE"}}
	for _, c := range conds {
		rows = append(rows, []string{"  " + c.Type, string(c.Status), orNone(c.Reason),
			e.age(c.LastTransitionTime.Time), oneLine(c.Message)})
	}
	_ = writeTable(e.IO.Out, rows)
}

// writeTable writes rows aligned in columns, as kubectl does, without the
// padding an empty last column leaves at the end of a line.
func writeTable(out io.Writer, rows [][]string) error {
	var b bytes.Buffer
	w := printers.GetNewTabWriter(&b)
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line != "" {
			if _, err := fmt.Fprintln(out, strings.TrimRight(line, " \n")); err != nil {
				return err
			}
		}
	}
	return nil
}
