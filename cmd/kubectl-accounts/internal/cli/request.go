package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// defaultTimeout bounds every --wait.
const defaultTimeout = 2 * time.Minute

// waitFlags are --wait and --timeout, shared by the commands that request
// something of the operator.
type waitFlags struct {
	wait    bool
	timeout time.Duration
}

func (f *waitFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().BoolVar(&f.wait, "wait", false, "Wait until the operator has "+what+".")
	cmd.Flags().DurationVar(&f.timeout, "timeout", defaultTimeout, "How long --wait waits at most.")
}

func (f *waitFlags) check() error {
	if f.timeout <= 0 {
		return fmt.Errorf("--timeout must be positive, not %s", f.timeout)
	}
	return nil
}

// requestValue is a new value for a *-requested-at annotation: the time,
// which is new on every call.
func (e *env) requestValue() string {
	return e.Now().UTC().Format(time.RFC3339Nano)
}

// annotate sets annotation key of obj to value (nil removes it) with a merge
// patch of that one key, and reads obj back from the answer.
func annotate(ctx context.Context, c client.Client, obj client.Object, key string, value *string) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]*string{key: value}}})
	if err != nil {
		return err
	}
	return c.Patch(ctx, obj, client.RawPatch(types.MergePatchType, patch))
}

// waitFor re-reads obj (a kind) every PollInterval until done says so, for
// at most f.timeout; what says what is awaited, for the timeout's error.
func (e *env) waitFor(ctx context.Context, c client.Client, obj client.Object, kind string, f waitFlags,
	what string, done func() bool) error {
	key := client.ObjectKeyFromObject(obj)
	// Each read takes the command's context, not the poll's: the client's
	// rate limiter refuses a read that might outlast the poll's deadline, and
	// that refusal must not be mistaken for a failure. The poll itself stops
	// at the timeout.
	err := wait.PollUntilContextTimeout(ctx, e.PollInterval, f.timeout, true, func(context.Context) (bool, error) {
		if err := c.Get(ctx, key, obj); err != nil {
			return false, explain(err, kind, key)
		}
		return done(), nil
	})
	if wait.Interrupted(err) {
		return fmt.Errorf("timed out after %s waiting for %s; is the operator running?", f.timeout, what)
	}
	return err
}
