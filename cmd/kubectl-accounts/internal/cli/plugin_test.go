package cli

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// TestKubectlAccounts runs every command as a user would, against the local
// kube-apiserver, and compares its whole output and exit code with
// testdata/*.golden. The subtests run in order: the first before the CRDs
// are installed.
func TestKubectlAccounts(t *testing.T) {
	t.Run("without the CRDs", testWithoutCRDs)
	installCRDs(t)
	seed(t)
	// Each subtest starts at the fixtures' clock, so its ages are the same
	// whether it runs alone or after the others.
	start := clock
	reset := func() { clock = start }
	t.Run("help", testHelp)
	t.Run("status", testStatus)
	t.Run("list", testList)
	t.Run("reconcile", testReconcile)
	reset()
	t.Run("pause and resume", testPauseResume)
	reset()
	t.Run("rotate", testRotate)
	reset()
	t.Run("probe", testProbe)
	reset()
	t.Run("import", testImport)
}

// testWithoutCRDs: the operator is not installed; every command says so.
func testWithoutCRDs(t *testing.T) {
	golden(t, "nocrd-status", run(t, "status", "charts", "-n", "team-a"), ExitError)
	golden(t, "nocrd-list", run(t, "list", "-A"), ExitError)
	golden(t, "nocrd-probe", run(t, "probe", "vectorcharts", "-n", "team-a"), ExitError)
	golden(t, "nocrd-import", run(t, "import", "--provider", "ccm", "--cluster-provider"), ExitError)
}

func testHelp(t *testing.T) {
	golden(t, "help", run(t, "--help"), 0)
	for _, cmd := range []string{"status", "list", "reconcile", "pause", "resume", "rotate", "probe", "import"} {
		golden(t, "help-"+cmd, run(t, cmd, "--help"), 0)
	}
}

func testStatus(t *testing.T) {
	golden(t, "status-ready", run(t, "status", "charts", "-n", "team-a"), 0)
	golden(t, "status-not-ready", run(t, "status", "team-a-ccm", "-n", "team-a"), ExitNotReady)
	golden(t, "status-no-provider", run(t, "status", "lost", "-n", "team-a", "--events=0"), ExitNotReady)
	golden(t, "status-cluster-provider", run(t, "status", "scp-one", "-n", "team-b", "--events=1"), 0)
	golden(t, "status-missing", run(t, "status", "nope", "-n", "team-a"), ExitError)
}

func testList(t *testing.T) {
	golden(t, "list", run(t, "list", "-n", "team-a"), 0)
	golden(t, "list-all", run(t, "list", "-A"), 0)
	golden(t, "list-empty", run(t, "list", "-n", "default"), 0)
}

func testReconcile(t *testing.T) {
	golden(t, "reconcile", run(t, "reconcile", "lost", "-n", "team-a"), 0)
	requested := getAccount(t, "team-a", "lost").Annotations[v1alpha1.AnnotationReconcileRequestedAt]
	if requested != clock.Format(time.RFC3339Nano) {
		t.Errorf("reconcile-requested-at is %q, want the clock's time", requested)
	}
	golden(t, "reconcile-timeout", run(t, "reconcile", "lost", "-n", "team-a", "--wait", "--timeout=200ms"), ExitError)
	golden(t, "status-reconcile-pending", run(t, "status", "lost", "-n", "team-a", "--events=0"), ExitNotReady)

	tick()
	charts := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "charts"}}
	wait := playOperator(t, charts, func() bool { return reconcilePending(charts) }, func() {
		charts.Status.LastHandledReconcileAt = charts.Annotations[v1alpha1.AnnotationReconcileRequestedAt]
	})
	golden(t, "reconcile-wait-ready", run(t, "reconcile", "charts", "-n", "team-a", "--wait"), 0)
	wait()
	golden(t, "status-reconcile-handled", run(t, "status", "charts", "-n", "team-a", "--events=0"), 0)

	ccm := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "team-a-ccm"}}
	wait = playOperator(t, ccm, func() bool { return reconcilePending(ccm) }, func() {
		ccm.Status.LastHandledReconcileAt = ccm.Annotations[v1alpha1.AnnotationReconcileRequestedAt]
	})
	golden(t, "reconcile-wait-not-ready", run(t, "reconcile", "team-a-ccm", "-n", "team-a", "--wait"), ExitNotReady)
	wait()
	golden(t, "reconcile-missing", run(t, "reconcile", "nope", "-n", "team-a"), ExitError)
}

func reconcilePending(a *v1alpha1.Account) bool {
	v, ok := a.Annotations[v1alpha1.AnnotationReconcileRequestedAt]
	return ok && v != a.Status.LastHandledReconcileAt
}

func testPauseResume(t *testing.T) {
	paused := func() (string, bool) {
		v, ok := getAccount(t, "team-b", "scp-one").Annotations[v1alpha1.AnnotationPaused]
		return v, ok
	}
	golden(t, "pause", run(t, "pause", "scp-one", "-n", "team-b"), 0)
	if v, _ := paused(); v != "true" {
		t.Errorf("paused annotation %q after pause, want \"true\"", v)
	}
	golden(t, "pause-again", run(t, "pause", "scp-one", "-n", "team-b"), 0)
	golden(t, "status-paused", run(t, "status", "scp-one", "-n", "team-b", "--events=0"), 0)
	golden(t, "resume", run(t, "resume", "scp-one", "-n", "team-b"), 0)
	if v, ok := paused(); ok {
		t.Errorf("paused annotation %q after resume, want none", v)
	}
	golden(t, "resume-again", run(t, "resume", "scp-one", "-n", "team-b"), 0)
	golden(t, "pause-missing", run(t, "pause", "nope", "-n", "team-b"), ExitError)
}

func testRotate(t *testing.T) {
	golden(t, "rotate-not-vectorcharts", run(t, "rotate", "team-a-ccm", "-n", "team-a"), ExitError)
	if _, ok := getAccount(t, "team-a", "team-a-ccm").Annotations[v1alpha1.AnnotationRotateRequestedAt]; ok {
		t.Error("a refused rotation set the annotation")
	}
	tick()
	charts := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "charts"}}
	wait := playOperator(t, charts, func() bool {
		v, ok := charts.Annotations[v1alpha1.AnnotationRotateRequestedAt]
		return ok && v != charts.Status.VectorCharts.LastHandledRotateRequestedAt
	}, func() {
		st := charts.Status.VectorCharts
		st.PreviousTokenFingerprint, st.TokenFingerprint = st.TokenFingerprint, "5e6f7a8b"
		st.TokenIssuedAt, st.PreviousTokenRevokeAt = &metav1.Time{Time: clock}, &metav1.Time{Time: clock.Add(time.Hour)}
		st.LastHandledRotateRequestedAt = charts.Annotations[v1alpha1.AnnotationRotateRequestedAt]
	})
	golden(t, "rotate-wait", run(t, "rotate", "charts", "-n", "team-a", "--wait"), 0)
	wait()
	tick()
	golden(t, "rotate-during-overlap", run(t, "rotate", "charts", "-n", "team-a"), 0)
	golden(t, "rotate-missing", run(t, "rotate", "nope", "-n", "team-a"), ExitError)
}

func testProbe(t *testing.T) {
	golden(t, "probe", run(t, "probe", "vectorcharts", "-n", "team-a"), 0)
	p := &v1alpha1.AccountProvider{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: "team-a", Name: "vectorcharts"}, p); err != nil {
		t.Fatal(err)
	}
	if p.Annotations[v1alpha1.AnnotationProbeRequestedAt] == "" {
		t.Error("probe did not set the probe-requested-at annotation")
	}

	tick()
	ccm := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: "ccm"}}
	wait := playOperator(t, ccm, func() bool {
		v := ccm.Annotations[v1alpha1.AnnotationProbeRequestedAt]
		return v != "" && (ccm.Status.Probe == nil || ccm.Status.Probe.RequestedAt != v)
	}, func() {
		ccm.Status.Probe = &v1alpha1.ProbeStatus{RequestedAt: ccm.Annotations[v1alpha1.AnnotationProbeRequestedAt],
			Time: &metav1.Time{Time: clock}, Checks: []v1alpha1.ProbeCheck{
				{Name: "Authenticate", Result: v1alpha1.ProbeOK},
				{Name: "ListAccounts", Result: v1alpha1.ProbeDiffers, Message: "unknown field accounts[0].region (string)"},
				{Name: "GetAccount", Result: v1alpha1.ProbeFailed, Message: "403 Forbidden"}}}
	})
	golden(t, "probe-wait-failed", run(t, "probe", "ccm", "--cluster-provider", "--wait"), ExitNotReady)
	wait()

	tick()
	scp := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: "scp"}}
	wait = playOperator(t, scp, func() bool {
		return scp.Annotations[v1alpha1.AnnotationProbeRequestedAt] != "" && scp.Status.Probe == nil
	}, func() {
		scp.Status.Probe = &v1alpha1.ProbeStatus{RequestedAt: scp.Annotations[v1alpha1.AnnotationProbeRequestedAt],
			Passed: true, Checks: []v1alpha1.ProbeCheck{{Name: "ListAccounts", Result: v1alpha1.ProbeOK}}}
	})
	golden(t, "probe-wait-passed", run(t, "probe", "clusteraccountprovider/scp", "--wait"), 0)
	wait()

	golden(t, "probe-missing", run(t, "probe", "nope", "-n", "team-a"), ExitError)
	golden(t, "probe-missing-cluster", run(t, "probe", "clusteraccountprovider/nope"), ExitError)
}

func testImport(t *testing.T) {
	r := run(t, "import", "--provider", "vectorcharts", "-n", "team-a")
	golden(t, "import-vectorcharts", r, 0)
	applies(t, r.stdout, 2)
	r = run(t, "import", "--provider", "ccm", "--cluster-provider", "-n", "team-a")
	golden(t, "import-ccm", r, 0)
	applies(t, r.stdout, 2)
	r = run(t, "import", "--provider", "clusteraccountprovider/scp", "-n", "team-a")
	golden(t, "import-scp", r, 0)
	applies(t, r.stdout, 1)

	golden(t, "import-not-listed", run(t, "import", "--provider", "ccm-quiet", "--cluster-provider"), ExitError)
	golden(t, "import-missing", run(t, "import", "--provider", "nope", "-n", "team-a"), ExitError)
}

// applies checks that the YAML is n Accounts the API server accepts as they
// are (a server-side dry run with strict field validation: every CEL rule
// and schema check runs, nothing is stored).
func applies(t *testing.T, yaml string, n int) {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(yaml), 4096)
	got := 0
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if u.Object == nil {
			continue
		}
		got++
		if err := k8s.Create(context.Background(), u, client.DryRunAll, client.FieldValidation("Strict")); err != nil {
			t.Errorf("the API server refuses imported Account %s: %v", u.GetName(), err)
		}
	}
	if got != n {
		t.Errorf("%d Accounts in the YAML, want %d", got, n)
	}
}

func getAccount(t *testing.T, ns, name string) *v1alpha1.Account {
	t.Helper()
	a := &v1alpha1.Account{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// tick moves the clock a second on, so the next request has a new value.
func tick() { clock = clock.Add(time.Second) }
