package main

import (
	"flag"
	"fmt"
	"strings"

	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// vcFlags registers the VectorCharts simulator's switches for what the vendor
// does not document, and returns the Variants they fill. Bad values fail at
// parse time, naming the flag.
func vcFlags(fs *flag.FlagSet) *vcsandbox.Variants {
	v := &vcsandbox.Variants{DeleteJobType: "ACCOUNT_CLEANUP",
		RepeatDelete: vcsandbox.RepeatDeleteNewJob, DeleteJobNames: vcsandbox.JobNamesAccountID,
		DeletedAccounts: vcsandbox.DeletedAccountsGone}
	fs.StringVar(&v.DeleteJobType, "vectorcharts-delete-job-type", v.DeleteJobType,
		"jobType of the VectorCharts delete job (the vendor's word is not public)")
	fs.Func("vectorcharts-repeat-delete", fmt.Sprintf("what VectorCharts deleteAccount answers while the account's "+
		"delete job runs: %s (default %s)", strings.Join(vcsandbox.RepeatDeleteValues, "|"), v.RepeatDelete),
		oneOf(&v.RepeatDelete, vcsandbox.RepeatDeleteValues))
	fs.Func("vectorcharts-delete-job-names", fmt.Sprintf("how a VectorCharts delete job names its account: %s "+
		"(default %s)", strings.Join(vcsandbox.JobNamesValues, "|"), v.DeleteJobNames),
		oneOf(&v.DeleteJobNames, vcsandbox.JobNamesValues))
	fs.Func("vectorcharts-deleted-accounts", fmt.Sprintf("what VectorCharts getAccount answers once the account's "+
		"delete job completed: %s (default %s)", strings.Join(vcsandbox.DeletedValues, "|"), v.DeletedAccounts),
		oneOf(&v.DeletedAccounts, vcsandbox.DeletedValues))
	return v
}

// oneOf sets *dst to a flag value that is one of values.
func oneOf(dst *string, values []string) func(string) error {
	return func(s string) error {
		for _, v := range values {
			if s == v {
				*dst = s
				return nil
			}
		}
		return fmt.Errorf("want one of %s", strings.Join(values, ", "))
	}
}
