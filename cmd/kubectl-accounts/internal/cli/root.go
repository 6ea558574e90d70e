// Package cli implements the commands of kubectl-accounts, the kubectl plugin
// of account-operator. It talks to the cluster of the user's kubeconfig only
// (the usual kubectl flags: --kubeconfig, --context, -n, ...), through the
// typed API of api/v1alpha1.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// Exit codes.
const (
	// ExitError: the command could not do what was asked (a missing Account,
	// provider or CRD, a refused request, a timeout, a bad flag).
	ExitError = 1
	// ExitNotReady: the command ran, and its answer is no: the Account is not
	// Ready (status, reconcile --wait) or the probe did not pass (probe --wait).
	ExitNotReady = 2
)

// Options are what the commands take from their surroundings; tests replace
// the clock, the streams and the polling interval.
type Options struct {
	IO genericiooptions.IOStreams
	// Now is the clock: request values and ages are taken from it.
	Now func() time.Time
	// PollInterval is how often --wait reads the object.
	PollInterval time.Duration
}

// DefaultOptions are the plugin's: the process's streams, the wall clock.
func DefaultOptions() Options {
	return Options{
		IO:           genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr},
		Now:          time.Now,
		PollInterval: time.Second,
	}
}

// errNo is returned by a command that printed its answer and whose answer is
// "no" (not Ready, probe failed): the exit code is ExitNotReady and nothing
// more is printed.
var errNo = errors.New("answer is no")

// Execute runs the plugin with args and returns the process's exit code.
func Execute(args []string, o Options) int {
	cmd := NewRootCommand(o)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errNo):
		return ExitNotReady
	}
	fmt.Fprintf(o.IO.ErrOut, "Error: %v\n", err)
	return ExitError
}

// env is what every command shares: the options and the kubeconfig flags.
type env struct {
	Options
	flags *genericclioptions.ConfigFlags
}

// NewRootCommand builds `kubectl accounts` and its commands.
func NewRootCommand(o Options) *cobra.Command {
	e := &env{Options: o, flags: genericclioptions.NewConfigFlags(true)}
	// No discovery cache on disk: the client discovers the three kinds of
	// this operator lazily, so --cache-dir would be a flag that does nothing.
	e.flags.CacheDir = nil
	root := &cobra.Command{
		Use: "accounts",
		// kubectl runs the plugin as `kubectl accounts`: usage lines say so.
		Annotations: map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl accounts"},
		Short:       "Inspect and operate account-operator Accounts",
		Long: `kubectl accounts inspects account-operator Accounts and asks the operator for the
things it supports through annotations, with the user's kubeconfig only.

Exit codes: 0 success; 1 an error (missing Account, provider or CRD, refused
request, timeout); 2 the answer is no (the Account is not Ready, the probe
did not pass).`,
		SilenceErrors: true,
		SilenceUsage:  true,
		// A bare `kubectl accounts` shows the help.
		Args: cobra.NoArgs,
	}
	root.SetIn(o.IO.In)
	root.SetOut(o.IO.Out)
	root.SetErr(o.IO.ErrOut)
	e.flags.AddFlags(root.PersistentFlags())
	root.AddCommand(e.statusCommand(), e.listCommand(), e.reconcileCommand(), e.pauseCommand(true),
		e.pauseCommand(false), e.rotateCommand(), e.probeCommand(), e.importCommand())
	root.CompletionOptions.DisableDefaultCmd = true
	return root
}
