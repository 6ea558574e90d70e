package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRunServesSandboxes(t *testing.T) {
	r := start(t, "-scp-registration-delay", "0", "-vectorcharts-job-delay", "0")
	for _, name := range []string{"ccm", "scp", "vectorcharts", "admin"} {
		if !strings.HasPrefix(r.urls[name], "http://127.0.0.1:") {
			t.Fatalf("addr file %s = %q, want a loopback URL", name, r.urls[name])
		}
	}
	ccmURL, admin := r.urls["ccm"], r.urls["admin"]

	if code, body := ccmLogin(t, ccmURL, testUser, testPassword); code != http.StatusOK ||
		!strings.Contains(body, `"access_token"`) {
		t.Fatalf("CCM login as the configured user = %d %s", code, body)
	}
	if code, _ := ccmLogin(t, ccmURL, testUser, "wrong"); code != http.StatusUnauthorized {
		t.Fatalf("CCM login with a wrong password = %d, want 401", code)
	}
	if code, _ := call(t, http.MethodGet, r.urls["scp"]+"/v1/organization-accounts", ""); code != http.StatusUnauthorized {
		t.Fatalf("unsigned SCP call = %d, want 401", code)
	}
	vcList := r.urls["vectorcharts"] + "/api/portal/v1/admin/getAllAccounts"
	if code, _ := call(t, http.MethodGet, vcList, ""); code != http.StatusUnauthorized {
		t.Fatalf("VectorCharts call without a token = %d, want 401", code)
	}
	if code, body := call(t, http.MethodGet, vcList, "", "Authorization", "Bearer "+testToken); code != http.StatusOK {
		t.Fatalf("VectorCharts call with the configured token = %d %s", code, body)
	}

	wantCalls(t, admin+"/ccm/calls", map[string]int{"Login": 2})
	wantCalls(t, admin+"/scp/calls", map[string]int{"ListAccounts": 1})
	wantCalls(t, admin+"/vectorcharts/calls", map[string]int{"GetAllAccounts": 2})

	var ccmAccounts, scpAccounts []json.RawMessage
	getJSON(t, admin+"/ccm/accounts", &ccmAccounts)
	getJSON(t, admin+"/scp/accounts", &scpAccounts)
	var vcAccounts []struct{ Name string }
	getJSON(t, admin+"/vectorcharts/accounts", &vcAccounts)
	if len(ccmAccounts) != 0 || len(scpAccounts) != 0 || len(vcAccounts) != 1 || vcAccounts[0].Name == "" {
		t.Fatalf("accounts: ccm %d, scp %d, vectorcharts %+v; want 0, 0 and the seeded admin account",
			len(ccmAccounts), len(scpAccounts), vcAccounts)
	}
	if code, body := call(t, http.MethodGet, admin+"/healthz", ""); code != http.StatusOK {
		t.Fatalf("healthz = %d %s", code, body)
	}
	if out := r.out.String(); !strings.HasSuffix(out, "READY\n") || !strings.Contains(out, ccmURL) {
		t.Fatalf("stdout does not list the CCM URL and end in READY:\n%s", out)
	}
}

func TestAdminFaultTakesEffect(t *testing.T) {
	r := start(t)
	ccmURL, admin := r.urls["ccm"], r.urls["admin"]
	rule := `{"operation":"Login","count":1,"status":503,"mode":"Fail"}`
	if code, body := call(t, http.MethodPost, admin+"/ccm/faults", rule); code != http.StatusNoContent {
		t.Fatalf("POST faults = %d %s", code, body)
	}
	if code, _ := ccmLogin(t, ccmURL, testUser, testPassword); code != http.StatusServiceUnavailable {
		t.Fatalf("login after the fault = %d, want 503", code)
	}
	if code, _ := ccmLogin(t, ccmURL, testUser, testPassword); code != http.StatusOK {
		t.Fatalf("login after the one-shot fault = %d, want 200", code)
	}
	var codes map[string]map[string]int
	getJSON(t, admin+"/ccm/codes", &codes)
	if codes["Login"]["503"] != 1 || codes["Login"]["200"] != 1 {
		t.Fatalf("codes = %v, want one 503 and one 200 for Login", codes)
	}
	if code, _ := call(t, http.MethodPost, admin+"/ccm/reset", ""); code != http.StatusNoContent {
		t.Fatalf("POST reset = %d", code)
	}
	wantCalls(t, admin+"/ccm/calls", map[string]int{})
}

func TestLatencyFlag(t *testing.T) {
	const latency = 150 * time.Millisecond
	r := start(t, "-latency", latency.String())
	began := time.Now()
	if code, _ := call(t, http.MethodGet, r.urls["ccm"]+"/v1/sys/version", ""); code != http.StatusOK {
		t.Fatalf("CCM version = %d", code)
	}
	if took := time.Since(began); took < latency {
		t.Fatalf("CCM call took %v, want at least the configured %v", took, latency)
	}
	if code, _ := call(t, http.MethodGet, r.urls["vectorcharts"]+"/api/portal/v1/jobs", ""); code != http.StatusUnauthorized {
		t.Fatalf("VectorCharts call = %d, want 401 after the delay", code)
	}
	if time.Since(began) < 2*latency {
		t.Fatal("the VectorCharts call was not delayed too")
	}
}

func TestCancelReturnsNil(t *testing.T) {
	r := start(t)
	r.cancel()
	if err := r.wait(t); err != nil {
		t.Fatalf("run after cancel = %v, want nil", err)
	}
	if resp, err := httpc.Get(r.urls["admin"] + "/healthz"); err == nil {
		_ = resp.Body.Close()
		t.Fatal("admin endpoint still answers after run returned")
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	for _, tc := range []struct{ flag, addr string }{
		{"-ccm-addr", "0.0.0.0:0"},
		{"-scp-addr", ":0"},
		{"-vectorcharts-addr", "192.0.2.10:18445"},
		{"-admin-addr", "[::]:0"},
		{"-ccm-addr", "example.com:443"},
	} {
		args := append(loopbackArgs(t.TempDir()+"/addrs.json"), tc.flag, tc.addr)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := run(ctx, args, &lockedBuffer{})
		cancel()
		if err == nil || !strings.Contains(err.Error(), tc.flag) || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%s %s: run = %v, want a loopback error naming the flag", tc.flag, tc.addr, err)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:0": true, "127.1.2.3:80": true, "[::1]:0": true, "localhost:18443": true,
		"0.0.0.0:1": false, ":80": false, "10.0.0.1:80": false, "127.0.0.1": false,
		"127.0.0.1:http": false, "127.0.0.1:70000": false, "localhost.example.com:1": false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}

func TestSplitJobDelay(t *testing.T) {
	if p, r := splitJobDelay(2 * time.Second); p != 500*time.Millisecond || r != 1500*time.Millisecond {
		t.Fatalf("split 2s = %v + %v, want 500ms + 1.5s", p, r)
	}
	// Zero must not fall back to the simulator's defaults.
	if p, r := splitJobDelay(0); p <= 0 || r <= 0 || p+r > time.Microsecond {
		t.Fatalf("split 0 = %v + %v, want both tiny and positive", p, r)
	}
}

// wantCalls compares an admin /calls answer with want exactly.
func wantCalls(t *testing.T, url string, want map[string]int) {
	t.Helper()
	var got map[string]int
	getJSON(t, url, &got)
	if len(got) != len(want) {
		t.Fatalf("%s = %v, want %v", url, got, want)
	}
	for op, n := range want {
		if got[op] != n {
			t.Fatalf("%s = %v, want %v", url, got, want)
		}
	}
}
