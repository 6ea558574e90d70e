package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

func TestVectorChartsVariantFlags(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if *c.vcVariants != (vcsandbox.Variants{DeleteJobType: "ACCOUNT_CLEANUP",
		RepeatDelete: vcsandbox.RepeatDeleteNewJob, DeleteJobNames: vcsandbox.JobNamesAccountID,
		DeletedAccounts: vcsandbox.DeletedAccountsGone}) {
		t.Fatalf("defaults = %+v", *c.vcVariants)
	}
	c, err = parseFlags([]string{"-vectorcharts-delete-job-type", "purge", "-vectorcharts-repeat-delete", "404",
		"-vectorcharts-delete-job-names", "none", "-vectorcharts-deleted-accounts", "readable"}, io.Discard)
	if err != nil || *c.vcVariants != (vcsandbox.Variants{DeleteJobType: "purge",
		RepeatDelete: vcsandbox.RepeatDelete404, DeleteJobNames: vcsandbox.JobNamesNone,
		DeletedAccounts: vcsandbox.DeletedAccountsReadable}) {
		t.Fatalf("parsed = %+v, %v", c.vcVariants, err)
	}
	for _, bad := range [][]string{{"-vectorcharts-repeat-delete", "409"}, {"-vectorcharts-delete-job-names", "both"},
		{"-vectorcharts-deleted-accounts", "soft"}} {
		if _, err := parseFlags(bad, io.Discard); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: err = %v, want one naming the flag", bad, err)
		}
	}
}

// TestVectorChartsVariantsReachTheSimulator: the flags set the running
// simulator's switches, which its admin endpoint reports.
func TestVectorChartsVariantsReachTheSimulator(t *testing.T) {
	r := start(t, "-vectorcharts-repeat-delete", "same", "-vectorcharts-delete-job-type", "job-7f3a")
	var got vcsandbox.Variants
	getJSON(t, r.urls["admin"]+"/vectorcharts/variants", &got)
	if got.RepeatDelete != vcsandbox.RepeatDeleteSameJob || got.DeleteJobType != "job-7f3a" ||
		got.DeleteJobNames != vcsandbox.JobNamesAccountID {
		t.Fatalf("variants = %+v", got)
	}
	if code, body := call(t, http.MethodPost, r.urls["admin"]+"/vectorcharts/variants", `{"repeatDelete":"400"}`); code != 204 {
		t.Fatalf("POST variants = %d %s", code, body)
	}
}
