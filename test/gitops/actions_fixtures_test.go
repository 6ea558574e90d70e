package gitops

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
)

// Annotation keys the actions write, as the operator reads them.
const (
	annPaused    = v1alpha1.AnnotationPaused
	annReconcile = v1alpha1.AnnotationReconcileRequestedAt
	annRotate    = v1alpha1.AnnotationRotateRequestedAt
)

// liveAccount is an Account as Argo CD reads it from the cluster: tracked by
// an Argo CD Application, with managed fields (maps that are empty, {}, which
// a Lua table cannot tell from an empty list), a status written by the
// operator, and the given upstream spec and annotations.
func liveAccount(name string, annotations map[string]string, spec func(*v1alpha1.AccountSpec)) *v1alpha1.Account {
	a := reconciled(withID(newAccount()), controllers.PhaseReady, v1alpha1.ReasonAvailable, msgReady)
	a.Name, a.Annotations = name, annotations
	a.UID, a.ResourceVersion, a.Generation = "6f1c9a52-8d43-4e0b-9a57-3c2d0f1e7b11", "48213", 3
	a.Status.ObservedGeneration = 3
	a.Labels = map[string]string{"app.kubernetes.io/instance": "team-a-accounts"}
	a.Finalizers = []string{"accounts.operator.dev/finalizer"}
	a.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: "argocd-controller", Operation: metav1.ManagedFieldsOperationApply, APIVersion: "accounts.operator.dev/v1alpha1",
		FieldsType: "FieldsV1",
		FieldsV1:   metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{"f:app.kubernetes.io/instance":{}}},"f:spec":{"f:providerRef":{".":{},"f:name":{}}}}`),
	}}
	a.Spec.ProviderRef = v1alpha1.ProviderReference{Kind: v1alpha1.ClusterAccountProviderKind, Name: "upstream"}
	a.Spec.DeletionProtection = ptr.To(true)
	a.Spec.ConnectionSecret = &v1alpha1.ConnectionSecretSpec{Name: v1alpha1.ObjectName(name + "-account"), Labels: map[string]string{"team": "a"}}
	spec(&a.Spec)
	return a
}

func ccm(s *v1alpha1.AccountSpec) {
	s.CCM = &v1alpha1.CCMAccountSpec{
		AuthConfigs:         []v1alpha1.CCMAuthConfig{{Password: &v1alpha1.CCMPasswordAuth{}}},
		AzureCVMPCRPriority: []int32{0, 7, 11},
	}
}

func scp(s *v1alpha1.AccountSpec) {
	s.SCP = &v1alpha1.SCPAccountSpec{LandingZoneID: "lz-1", ParentUnitID: "ou-2", Email: "team-a@example.com"}
}

func vectorCharts(s *v1alpha1.AccountSpec) {
	s.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: "team-a",
		TokenRotation: &v1alpha1.TokenRotation{Interval: &metav1.Duration{Duration: 720 * time.Hour}}}
}

// vectorChartsDefaults is a VectorCharts Account with every setting left to
// its default: spec.vectorCharts is {}.
func vectorChartsDefaults(s *v1alpha1.AccountSpec) {
	s.VectorCharts = &v1alpha1.VectorChartsAccountSpec{}
}

// actionFixture is a live Account and what discovery must offer for it.
type actionFixture struct {
	account *v1alpha1.Account
	offers  map[string]bool // action name: enabled
}

var (
	lastApplied = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": `{"kind":"Account"}`}
	pausedOnly  = map[string]string{annPaused: "true"}
	pausedMore  = map[string]string{annPaused: "true", annReconcile: "1764600000", "team": "a"}
)

func running(extra map[string]bool) map[string]bool {
	m := map[string]bool{"reconcile": true, "pause": true, "resume": false}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func paused(extra map[string]bool) map[string]bool {
	m := map[string]bool{"reconcile": false, "pause": false, "resume": true}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// actionFixtures are the Accounts the actions are run on: each upstream,
// paused or not, with and without other annotations.
func actionFixtures() map[string]actionFixture {
	return map[string]actionFixture{
		"ccm":                       {liveAccount("ccm", nil, ccm), running(nil)},
		"ccm annotated":             {liveAccount("ccm", lastApplied, ccm), running(nil)},
		"ccm paused":                {liveAccount("ccm", pausedOnly, ccm), paused(nil)},
		"ccm paused false":          {liveAccount("ccm", map[string]string{annPaused: "false"}, ccm), running(nil)},
		"scp":                       {liveAccount("scp", lastApplied, scp), running(nil)},
		"scp paused":                {liveAccount("scp", pausedMore, scp), paused(nil)},
		"vectorcharts":              {liveAccount("vc", nil, vectorCharts), running(map[string]bool{"rotate": true})},
		"vectorcharts annotated":    {liveAccount("vc", map[string]string{annRotate: "1"}, vectorCharts), running(map[string]bool{"rotate": true})},
		"vectorcharts paused":       {liveAccount("vc", pausedOnly, vectorCharts), paused(map[string]bool{"rotate": false})},
		"vectorcharts paused more":  {liveAccount("vc", pausedMore, vectorCharts), paused(map[string]bool{"rotate": false})},
		"vectorcharts defaults":     {liveAccount("vc", nil, vectorChartsDefaults), running(map[string]bool{"rotate": true})},
		"vectorcharts defaults off": {liveAccount("vc", pausedOnly, vectorChartsDefaults), paused(map[string]bool{"rotate": false})},
	}
}
