package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/account-operator/account-operator/internal/localenv"
)

// secretKeysTemplate prints a Secret's keys, never its values.
const secretKeysTemplate = `go-template={{range $k, $v := .data}}{{$k}}{{"\n"}}{{end}}`

// showcase applies the demo YAML, waits for Ready, and shows the result
// with the kubectl commands a user would type, each echoed before its output.
func showcase(ctx context.Context, env *localenv.Env, w io.Writer, timeout time.Duration) error {
	providers, accounts, err := demoFiles(env)
	if err != nil {
		return err
	}
	wait := "--timeout=" + timeout.String()
	steps := [][]string{
		{"apply", "-f", providers},
		{"wait", "--for=condition=Ready", wait, "clusteraccountprovider/ccm", "clusteraccountprovider/scp"},
		{"wait", "--for=condition=Ready", wait, "-n", "team-a", "accountprovider/vectorcharts"},
		{"apply", "-f", accounts},
		{"wait", "--for=condition=Ready", wait, "-n", "team-a", "account", "--all"},
		{"get", "accounts,accountproviders,clusteraccountproviders", "-A"},
		{"get", "account", "team-a-charts", "-n", "team-a", "-o", "yaml"},
		{"get", "secret", "team-a-charts-account", "-n", "team-a", "-o", secretKeysTemplate},
	}
	for _, args := range steps {
		if err := show(ctx, env, w, args...); err != nil {
			return err
		}
	}
	return nil
}

// show echoes a kubectl command as a user would type it, then its output.
func show(ctx context.Context, env *localenv.Env, w io.Writer, args ...string) error {
	fmt.Fprintf(w, "\n$ kubectl %s\n", shellJoin(args))
	out, _, err := env.Kubectl(ctx, args...)
	fmt.Fprint(w, out)
	return err
}

// shellJoin quotes the arguments that need it, so the echoed command can be
// pasted into a shell.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \"'{}$\\\n*") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// printNextSteps tells the user how to reach the running cluster and what
// to try.
func printNextSteps(w io.Writer, env *localenv.Env, assets string) {
	fmt.Fprintf(w, `
==> The operator is running. In another terminal:

  export KUBECONFIG=%[1]s
  export PATH=%[2]s:$PATH   # the toolchain's kubectl

  # Watch what the operator does (Created, Updated, Deleted events):
  kubectl get events -n team-a --watch
  kubectl get accounts -A --watch

  # Edit a field; the upstream account follows:
  kubectl patch account team-a-ccm -n team-a --type=merge -p '{"spec":{"displayName":"Team A renamed"}}'
  curl -s %[3]s/ccm/accounts
  kubectl edit account team-a-charts -n team-a

  # Delete an Account; the upstream account goes first:
  kubectl delete account team-a-scp -n team-a
  curl -s %[3]s/scp/accounts

  # Read the API and the metrics (plain HTTP on loopback: the demo runs the manager with --metrics-secure=false):
  kubectl explain account.spec.ccm
  curl -s http://%[4]s/metrics | grep '^account_operator_'

  Demo YAML:  %[5]s
  Logs:       %[6]s/{manager,sandbox,kube-apiserver,etcd}.log
  Sandbox:    CCM %[7]s  SCP %[8]s  VectorCharts %[9]s  admin %[3]s

`, env.Kubeconfig, assets, env.URLs.Admin, env.MetricsAddr,
		filepath.Join(env.StateDir, "yaml"), filepath.Join(env.StateDir, "logs"),
		env.URLs.CCM, env.URLs.SCP, env.URLs.VectorCharts)
}
