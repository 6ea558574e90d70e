package main

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
)

// Each SCP switch flag sets its simulator option; the defaults are the
// simulator's defaults.
func TestSCPFlags(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.scp.with(scpsandbox.Options{}); !reflect.DeepEqual(got, scpsandbox.Options{ClosedAccounts: scpsandbox.ClosureGone,
		DuplicateStatus: http.StatusConflict}) {
		t.Errorf("defaults = %+v", got)
	}
	c, err = parseFlags([]string{"-scp-visibility-delay", "20s", "-scp-assignment-delay", "30s",
		"-scp-closed-accounts", "suspended", "-scp-provisioning-state", "RUNNING", "-scp-duplicate-status", "400",
		"-scp-throttle-every", "5", "-scp-throttle-retry-after", "2"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := scpsandbox.Options{VisibilityDelay: 20 * time.Second, AssignmentDelay: 30 * time.Second,
		ClosedAccounts: scpsandbox.ClosureSuspended, ProvisioningState: scpsandbox.StateRunning,
		DuplicateStatus: http.StatusBadRequest, Throttle: scpsandbox.Throttle{Every: 5, RetryAfter: 2}}
	if got := c.scp.with(scpsandbox.Options{}); !reflect.DeepEqual(got, want) {
		t.Errorf("options = %+v, want %+v", got, want)
	}
	for _, bad := range [][]string{
		{"-scp-closed-accounts", "vanished"}, {"-scp-provisioning-state", "ACTIVE"},
		{"-scp-duplicate-status", "422"}, {"-scp-throttle-every", "-1"}, {"-scp-visibility-delay", "-1s"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: err = %v, want one naming the flag", bad, err)
		}
	}
}

// The served simulator gets the switches: every call throttled, with the
// Retry-After given.
func TestSCPThrottleFlagServed(t *testing.T) {
	r := start(t, "-scp-throttle-every", "1", "-scp-throttle-retry-after", "3")
	req, err := http.NewRequest(http.MethodGet, r.urls["scp"]+"/v1/organization-accounts", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := httpc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3" {
		t.Fatalf("throttled call = %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
