// Command kubectl-accounts is the kubectl plugin of account-operator
// (`kubectl accounts ...`): the chain of an Account in one view, a list of
// Accounts, and the requests the operator understands (reconcile, pause,
// resume, token rotation, the provider's conformance probe), and Account YAML
// to import a provider's unmanaged upstream accounts. It uses the user's
// kubeconfig only.
package main

import (
	"os"

	"github.com/account-operator/account-operator/cmd/kubectl-accounts/internal/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:], cli.DefaultOptions()))
}
