package cli

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// The fixtures: what a cluster with the operator running looks like.
//
//	team-a/charts        VectorCharts, AccountProvider team-a/vectorcharts (Ready), Ready, events
//	team-a/team-a-ccm    CCM, ClusterAccountProvider ccm (credentials refused), not Ready
//	team-a/lost          CCM, ClusterAccountProvider gone (not found), no status yet
//	team-b/scp-one       SCP, ClusterAccountProvider scp, Ready
//
// ClusterAccountProvider ccm-quiet does not list its unmanaged accounts.
func seed(t *testing.T) {
	t.Helper()
	for _, ns := range []string{"team-a", "team-b", "account-operator"} {
		create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	}
	secret(t, "team-a", "vectorcharts-admin", map[string]string{"token": "vc-admin-token-value"})
	secret(t, "account-operator", "ccm-admin", map[string]string{"username": "admin@example.com"})
	secret(t, "team-a", "charts-account", map[string]string{"accountID": "42", "userID": "7",
		"username": "owner@team-a.example.com", "password": "generated-password-value", "token": "issued-token-value"})
	seedProviders(t)

	charts := account(t, "team-a", "charts", v1alpha1.AccountProviderKind, "vectorcharts", func(s *v1alpha1.AccountSpec) {
		s.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: "owner@team-a.example.com"}
	})
	charts.Status = v1alpha1.AccountStatus{AccountID: "42", State: "ACTIVE", ConnectionSecretName: "charts-account",
		Conditions: conditions(
			cond(v1alpha1.ConditionReady, true, v1alpha1.ReasonAvailable, "The upstream account is ready"),
			cond(v1alpha1.ConditionSynced, true, v1alpha1.ReasonReconcileSuccess, "The upstream account matches the spec"),
			cond(v1alpha1.ConditionReconciling, false, v1alpha1.ReasonReconcileSuccess, ""),
			cond(v1alpha1.ConditionStalled, false, v1alpha1.ReasonReconcileSuccess, ""),
			cond(v1alpha1.ConditionCredentialsValid, true, v1alpha1.ReasonTokenValid, "The issued API token answered its check")),
		VectorCharts: &v1alpha1.VectorChartsAccountStatus{UserID: "7", TokenFingerprint: "1a2b3c4d"}}
	updateStatus(t, charts)
	event(t, charts, "1", "Created", "Created upstream account 42", time.Minute*9, 0)
	event(t, charts, "2", "TokenIssued", "Issued an API token into Secret charts-account", time.Minute*8, 0)
	event(t, charts, "3", "Updated", "Updated spec.displayName upstream", time.Minute*2, 3)

	ccm := account(t, "team-a", "team-a-ccm", v1alpha1.ClusterAccountProviderKind, "ccm", func(s *v1alpha1.AccountSpec) {
		s.CCM = &v1alpha1.CCMAccountSpec{}
	})
	ccm.Status.Conditions = conditions(
		cond(v1alpha1.ConditionReady, false, v1alpha1.ReasonProviderNotReady,
			"ClusterAccountProvider ccm is not Ready: its credentials were refused (401)"),
		cond(v1alpha1.ConditionSynced, false, v1alpha1.ReasonProviderNotReady,
			"ClusterAccountProvider ccm is not Ready: its credentials were refused (401)"),
		cond(v1alpha1.ConditionReconciling, true, v1alpha1.ReasonProviderNotReady, "Waiting for the provider"),
		cond(v1alpha1.ConditionStalled, false, v1alpha1.ReasonProviderNotReady, ""))
	updateStatus(t, ccm)

	account(t, "team-a", "lost", v1alpha1.ClusterAccountProviderKind, "gone", func(s *v1alpha1.AccountSpec) {
		s.CCM = &v1alpha1.CCMAccountSpec{}
	})
	scp := account(t, "team-b", "scp-one", v1alpha1.ClusterAccountProviderKind, "scp", func(s *v1alpha1.AccountSpec) {
		s.SCP = &v1alpha1.SCPAccountSpec{LandingZoneID: "lz-1", ParentUnitID: "ou-1", Email: "one@team-b.example.com"}
	})
	scp.Status = v1alpha1.AccountStatus{AccountID: "acc-1", State: "ACTIVE", Conditions: conditions(
		cond(v1alpha1.ConditionReady, true, v1alpha1.ReasonAvailable, "The upstream account is ready"))}
	updateStatus(t, scp)
}

func seedProviders(t *testing.T) {
	t.Helper()
	vc := &v1alpha1.AccountProvider{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "vectorcharts"},
		Spec: v1alpha1.AccountProviderSpec{
			VectorCharts: &v1alpha1.VectorChartsProviderSpec{URL: "https://charts.example.com:9909",
				CredentialsSecretRef: v1alpha1.SecretReference{Name: "vectorcharts-admin"}},
			Inventory: &v1alpha1.InventorySpec{ListUnmanaged: ptr.To(true)}}}
	create(t, vc)
	vc.Status = v1alpha1.AccountProviderStatus{Upstream: "vectorCharts", Conditions: conditions(
		cond(v1alpha1.ConditionReady, true, v1alpha1.ReasonVerified, "Credentials verified")),
		Inventory: inventory(150, true, v1alpha1.UpstreamAccountRef{ID: "101", Name: "Made In The Console"},
			v1alpha1.UpstreamAccountRef{ID: "102"})}
	updateStatus(t, vc)

	ccm := clusterProvider(t, "ccm", v1alpha1.AccountProviderSpec{
		CCM: &v1alpha1.CCMProviderSpec{URL: "https://ccm.example.com",
			CredentialsSecretRef: v1alpha1.SecretReference{Namespace: "account-operator", Name: "ccm-admin"}},
		Inventory: &v1alpha1.InventorySpec{ListUnmanaged: ptr.To(true)}}, &metav1.LabelSelector{})
	ccm.Status = v1alpha1.AccountProviderStatus{Upstream: "ccm", Conditions: conditions(
		cond(v1alpha1.ConditionReady, false, v1alpha1.ReasonUnauthorized, "CCM refused the credentials (401)")),
		Inventory: inventory(3, false, v1alpha1.UpstreamAccountRef{ID: "7f6c0e1a-11", Name: "Team X"},
			v1alpha1.UpstreamAccountRef{ID: "8a", Name: "charts"},
			v1alpha1.UpstreamAccountRef{ID: "id with spaces", Name: "weird"})}
	updateStatus(t, ccm)

	scp := clusterProvider(t, "scp", v1alpha1.AccountProviderSpec{
		SCP: &v1alpha1.SCPProviderSpec{CloudControlURL: "https://cloudcontrol.example.com",
			OrganizationURL:      "https://organization.example.com",
			CredentialsSecretRef: v1alpha1.SecretReference{Namespace: "account-operator", Name: "scp-admin"}},
		Inventory: &v1alpha1.InventorySpec{ListUnmanaged: ptr.To(true)}},
		&metav1.LabelSelector{MatchLabels: map[string]string{"accounts.operator.dev/import": "allowed"}})
	scp.Status = v1alpha1.AccountProviderStatus{Upstream: "scp", Conditions: conditions(
		cond(v1alpha1.ConditionReady, true, v1alpha1.ReasonVerified, "Credentials verified")),
		Inventory: inventory(2, false, v1alpha1.UpstreamAccountRef{ID: "acc-7f1", Name: "legacy-team"})}
	updateStatus(t, scp)

	clusterProvider(t, "ccm-quiet", v1alpha1.AccountProviderSpec{
		CCM: &v1alpha1.CCMProviderSpec{URL: "https://ccm.example.com",
			CredentialsSecretRef: v1alpha1.SecretReference{Namespace: "account-operator", Name: "ccm-admin"}}}, nil)
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8s.Create(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
}

func updateStatus(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8s.Status().Update(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
}

func secret(t *testing.T, ns, name string, data map[string]string) {
	t.Helper()
	for k, v := range data {
		if k != "accountID" && k != "userID" { // ids are published in status too
			secretValues = append(secretValues, v)
		}
	}
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, StringData: data})
}

func account(t *testing.T, ns, name string, kind v1alpha1.ProviderKind, provider string,
	upstream func(*v1alpha1.AccountSpec)) *v1alpha1.Account {
	t.Helper()
	a := &v1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.AccountSpec{ProviderRef: v1alpha1.ProviderReference{Kind: kind, Name: v1alpha1.ObjectName(provider)}}}
	upstream(&a.Spec)
	create(t, a)
	return a
}

func clusterProvider(t *testing.T, name string, spec v1alpha1.AccountProviderSpec,
	adoption *metav1.LabelSelector) *v1alpha1.ClusterAccountProvider {
	t.Helper()
	p := &v1alpha1.ClusterAccountProvider{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.ClusterAccountProviderSpec{AccountProviderSpec: spec, AdoptionNamespaceSelector: adoption}}
	create(t, p)
	return p
}

// cond is a condition that changed five minutes before the clock.
func cond(typ string, status bool, reason, msg string) metav1.Condition {
	s := metav1.ConditionFalse
	if status {
		s = metav1.ConditionTrue
	}
	return metav1.Condition{Type: typ, Status: s, Reason: reason, Message: msg,
		LastTransitionTime: metav1.NewTime(clock.Add(-5 * time.Minute))}
}

func conditions(c ...metav1.Condition) []metav1.Condition { return c }

func inventory(unmanaged int32, truncated bool, listed ...v1alpha1.UpstreamAccountRef) *v1alpha1.InventoryStatus {
	return &v1alpha1.InventoryStatus{ObservedTime: metav1.NewTime(clock.Add(-time.Minute)), Total: ptr.To(unmanaged + 10),
		Managed: ptr.To(int32(10)), Unmanaged: ptr.To(unmanaged), UnmanagedAccounts: listed,
		UnmanagedTruncated: ptr.To(truncated)}
}

// event records an event about a as the operator does (events.k8s.io/v1),
// ago before the clock; count > 1 makes it a series.
func event(t *testing.T, a *v1alpha1.Account, suffix, reason, note string, ago time.Duration, count int32) {
	t.Helper()
	at := metav1.NewMicroTime(clock.Add(-ago))
	ev := &eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: a.Namespace, Name: a.Name + "." + suffix},
		EventTime: at, ReportingController: "account-operator", ReportingInstance: "account-operator-0",
		Action: reason, Reason: reason, Type: corev1.EventTypeNormal, Note: note,
		Regarding: corev1.ObjectReference{APIVersion: v1alpha1.GroupVersion.String(), Kind: "Account",
			Namespace: a.Namespace, Name: a.Name, UID: a.UID}}
	if count > 1 {
		ev.EventTime = metav1.NewMicroTime(clock.Add(-ago - 10*time.Minute))
		ev.Series = &eventsv1.EventSeries{Count: count, LastObservedTime: at}
	}
	create(t, ev)
}
