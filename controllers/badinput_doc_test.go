package controllers_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/gomega"
)

// docs/bad-input.md is rendered from the catalogue and what the run saw, so
// the documented messages are the real ones.

const (
	badInputDocPath = "../docs/bad-input.md"
	badInputRefresh = "UPDATE_BAD_INPUT_DOC=1 go test -count=1 ./controllers/ -ginkgo.focus='Bad input'"
)

// checkBadInputDoc compares the doc with the run, or rewrites it when
// UPDATE_BAD_INPUT_DOC=1.
func checkBadInputDoc(cases []badCase, results map[string]seen) {
	want := renderBadInputDoc(cases, results)
	if os.Getenv("UPDATE_BAD_INPUT_DOC") == "1" {
		Expect(os.MkdirAll(filepath.Dir(badInputDocPath), 0o755)).To(Succeed())
		Expect(os.WriteFile(badInputDocPath, []byte(want), 0o644)).To(Succeed())
		return
	}
	got, err := os.ReadFile(badInputDocPath)
	Expect(err).NotTo(HaveOccurred(), "docs/bad-input.md is missing; write it with: %s", badInputRefresh)
	Expect(string(got)).To(Equal(want), "docs/bad-input.md differs from what the catalogue saw; "+
		"if the change is intended, refresh it with: %s", badInputRefresh)
}

var whereText = map[stopKind]string{
	atAdmission:    "admission: the apiserver refuses the request",
	isStalled:      "Account `Stalled=True`: not retried until an input changes",
	isRetrying:     "Account `Synced=False`, `Reconciling=True`: retried with backoff",
	isNotReady:     "Account `Ready=False`, `Reconciling=True`: looked at again at the poll interval",
	isProviderDown: "provider `Ready=False`: its Accounts wait for it",
	notStopped:     "**not stopped**",
}

func renderBadInputDoc(cases []badCase, results map[string]seen) string {
	var b strings.Builder
	b.WriteString(badInputIntro)
	b.WriteString("| # | Case | What is wrong | Where it is stopped | Reason | Message a user sees |\n")
	b.WriteString("|---|------|---------------|---------------------|--------|---------------------|\n")
	var todos []string
	for i, c := range cases {
		s := results[c.name]
		where := whereText[s.where]
		if c.todo != "" {
			where += " (TODO, see below)"
			todos = append(todos, fmt.Sprintf("- `%s`: %s.", c.name, c.todo))
		}
		fmt.Fprintf(&b, "| %d | `%s` | %s | %s | %s | %s |\n", i+1, c.name, cell(c.object), where, code(s.reason), code(s.message))
	}
	if len(todos) > 0 {
		b.WriteString("\n## Open findings\n\nCases that pin today's behaviour of a known bug; fixing it changes their row.\n\n")
		b.WriteString(strings.Join(todos, "\n") + "\n")
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// code renders s as a code span, so HTML in upstream bodies stays text.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`` " + cell(s) + " ``"
}

const badInputIntro = `# Bad input catalogue

Generated from the table in ` + "`controllers/badinput_*_test.go`" + ` by the envtest suite (` + "`make test`" + `),
which runs every case against a real kube-apiserver, the manager and the upstream sandboxes, and
fails when this file differs from what it saw. Refresh after an intended change:

    ` + badInputRefresh + `

Each runtime case also proves, for all cases at once:

- no upstream create call for an input that is invalid locally, except exactly one where the input
  shows only when the connection Secret is written (a foreign Secret of that name: for CCM and SCP
  the Secret is created after the upstream account, without a read first); when the upstream's
  answer is the bad part, at most one create per reconcile the backoff allows (controller-runtime waits 5ms·2^k
  before the k-th retry, so elapsed T allows 1 + log2(T/5ms + 1) reconciles, or 1 + T/d with a
  Retry-After of d, plus a few watch-triggered ones);
- no further apiserver write from the manager once the case is stopped (no status rewritten in a loop);
- no panic in the manager's log, and no whole secret value in any message.

Admission messages are the apiserver's. For the CRDs they name the field path; for Secrets and
ConfigMaps (malformed base64, wrong value types, the 1 MiB limit) Kubernetes' own messages do not
name the key.

Messages are shown as the user sees them in ` + "`kubectl describe`" + `, with the test namespace as
` + "`<ns>`" + `, the upstream endpoint as ` + "`<upstream>`" + ` and ids the upstream chose as ` + "`<account-id>`" + `.

`
