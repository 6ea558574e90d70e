package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/controllers"
)

// writeCostResult is the API server's CPU for each kind of write, measured one
// kind at a time (bulkWorkers in flight, no manager running, each kind over
// two sets of N Accounts): the floor's
// three writes against the writes the operator makes for one Account, with
// the statuses and connection Secrets of the main run's Ready Accounts as
// templates. It tells how far the ratio to the floor can come down at best:
// the operator's writes alone, at the floor's throughput, before the
// manager's own CPU.
type writeCostResult struct {
	N              int                `json:"accountsPerSet"`
	MillisPerWrite map[string]float64 `json:"apiServerCPUMillisPerWrite"`
	FloorMillis    float64            `json:"floorAPIServerCPUMillisPerAccount"`
	OperatorMillis float64            `json:"operatorAPIServerCPUMillisPerAccount"`
	Ratio          float64            `json:"operatorToFloor"`
}

// The kinds of write, in the order they are measured.
const (
	wcCreate      = "create Account (the user's)"
	wcFloorSecret = "floor: create Secret"
	wcFloorStatus = "floor: status patch (Ready only)"
	wcClaim       = "claim: metadata patch (finalizer, marker)"
	wcSecret      = "create connection Secret"
	wcEvent       = "create Event (Created)"
	wcStatus      = "status patch (a Ready Account's status)"
	wcSecretPut   = "update connection Secret (VectorCharts' token)"
)

// writeCostOrder is the order of the table.
var writeCostOrder = []string{wcCreate, wcFloorSecret, wcFloorStatus, wcClaim, wcSecret, wcEvent, wcStatus, wcSecretPut}

// template is what a Ready Account of one upstream carries, from the main run.
type template struct {
	status *v1alpha1.AccountStatus
	secret *corev1.Secret
}

// measureWriteCosts stops the manager, measures m Accounts' writes of each
// kind in fresh namespaces, and deletes them again.
func (s *session) measureWriteCosts(ctx context.Context, from string, m int) (writeCostResult, error) {
	r := writeCostResult{N: m, MillisPerWrite: map[string]float64{}}
	tpl, err := s.templates(ctx, from)
	if err != nil {
		return r, err
	}
	cpu, err := apiServerCPU(s.env.Kubeconfig)
	if err != nil {
		return r, err
	}
	if err := s.env.KillManager(); err != nil {
		return r, err
	}
	w := &writeCoster{s: s, cpu: cpu, m: m, out: r.MillisPerWrite, sets: map[string]int{}}
	// Each set twice, in the order floor, operator, operator, floor: a drift
	// of the API server's cost per write over the phase (its heap and store
	// grow) weighs on both sides alike. Each figure is the mean over the sets
	// that make that write (the user's create: all four).
	sets := []struct {
		ns       string
		operator bool
	}{{"bench-cost-floor-1", false}, {"bench-cost-operator-1", true}, {"bench-cost-operator-2", true}, {"bench-cost-floor-2", false}}
	for _, set := range sets {
		if set.operator {
			err = w.operatorSet(ctx, set.ns, tpl)
		} else {
			err = w.floorSet(ctx, set.ns)
		}
		if err != nil {
			return r, err
		}
	}
	r.perAccount()
	for _, set := range sets {
		if err := s.deleteCostSet(ctx, set.ns); err != nil {
			return r, err
		}
	}
	return r, s.env.StartManager(ctx)
}

// deleteCostSet deletes a set's objects. The claim's finalizer goes first:
// no manager may ever act on these Accounts, whose statuses carry the ids of
// the main run's upstream accounts.
func (s *session) deleteCostSet(ctx context.Context, ns string) error {
	var list v1alpha1.AccountList
	if err := s.c.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return err
	}
	release := client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`))
	if err := parallel(ctx, len(list.Items), func(ctx context.Context, i int) error {
		return s.c.Patch(ctx, &list.Items[i], release)
	}); err != nil {
		return err
	}
	return s.deleteFloor(ctx, ns)
}

// perAccount sums the writes of one Account: the floor's three, and the
// operator's (the user's create, claim, Secret, Event, status, and for a
// VectorCharts Account, a third of them, the Secret's second write).
func (r *writeCostResult) perAccount() {
	c := r.MillisPerWrite
	r.FloorMillis = c[wcCreate] + c[wcFloorSecret] + c[wcFloorStatus]
	r.OperatorMillis = c[wcCreate] + c[wcClaim] + c[wcSecret] + c[wcEvent] + c[wcStatus] +
		c[wcSecretPut]*float64(vectorChartsOf(r.N))/float64(r.N)
	if r.FloorMillis > 0 {
		r.Ratio = r.OperatorMillis / r.FloorMillis
	}
}

// templates are one Ready Account's status and connection Secret per upstream.
func (s *session) templates(ctx context.Context, ns string) (map[string]template, error) {
	var list v1alpha1.AccountList
	if err := s.c.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	out := map[string]template{}
	for i := range list.Items {
		a := &list.Items[i]
		up := string(a.Spec.ProviderRef.Name)
		if _, done := out[up]; done || a.Status.AccountID == "" {
			continue
		}
		sec := &corev1.Secret{}
		if err := s.c.Get(ctx, client.ObjectKey{Namespace: ns, Name: a.Status.ConnectionSecretName}, sec); err != nil {
			return nil, err
		}
		out[up] = template{status: a.Status.DeepCopy(), secret: sec}
	}
	if len(out) != len(upstreams) {
		return nil, fmt.Errorf("write costs: Ready Accounts of %d of %d upstreams in %s", len(out), len(upstreams), ns)
	}
	return out, nil
}

// writeCoster measures one kind of write at a time.
type writeCoster struct {
	s    *session
	cpu  func(context.Context) (float64, error)
	m    int
	out  map[string]float64 // mean milliseconds per write, by kind
	sets map[string]int     // sets measured, by kind
}

// measure runs do for each of the m Accounts and records the API server's
// CPU milliseconds per write under name.
func (w *writeCoster) measure(ctx context.Context, name string, do func(ctx context.Context, i int) error) error {
	return w.measureSome(ctx, name, w.m, do)
}

// measureSome is measure for kinds of write that only some Accounts make:
// writes is how many do makes.
func (w *writeCoster) measureSome(ctx context.Context, name string, writes int, do func(ctx context.Context, i int) error) error {
	before, err := w.cpu(ctx)
	if err != nil {
		return err
	}
	if err := parallel(ctx, w.m, do); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	after, err := w.cpu(ctx)
	w.sets[name]++ // the mean over the sets that made this kind of write
	w.out[name] += ((after-before)*1000/float64(writes) - w.out[name]) / float64(w.sets[name])
	return err
}

// floorSet makes the floor's writes, as measureFloor does.
func (w *writeCoster) floorSet(ctx context.Context, ns string) error {
	accs, err := w.namespaceWithAccounts(ctx, ns)
	if err != nil {
		return err
	}
	if err := w.measure(ctx, wcFloorSecret, func(ctx context.Context, i int) error {
		return w.s.c.Create(ctx, floorSecret(accs[i]))
	}); err != nil {
		return err
	}
	return w.measure(ctx, wcFloorStatus, func(ctx context.Context, i int) error {
		return w.s.c.Status().Patch(ctx, accs[i], floorStatus(accs[i]))
	})
}

// operatorSet makes the operator's writes for a new Account, in its order.
func (w *writeCoster) operatorSet(ctx context.Context, ns string, tpl map[string]template) error {
	accs, err := w.namespaceWithAccounts(ctx, ns)
	if err != nil {
		return err
	}
	secrets := make([]*corev1.Secret, len(accs))
	steps := []struct {
		name string
		do   func(ctx context.Context, i int) error
	}{
		{wcClaim, func(ctx context.Context, i int) error { return w.claim(ctx, accs[i]) }},
		{wcSecret, func(ctx context.Context, i int) error {
			secrets[i] = connectionSecret(accs[i], tpl[upstreamOf(accs[i])].secret, true)
			return w.s.c.Create(ctx, secrets[i])
		}},
		{wcEvent, func(ctx context.Context, i int) error { return w.s.c.Create(ctx, createdEvent(accs[i])) }},
		{wcStatus, func(ctx context.Context, i int) error {
			a := accs[i]
			orig := a.DeepCopy()
			a.Status = *tpl[upstreamOf(a)].status.DeepCopy()
			a.Status.ConnectionSecretName = secrets[i].Name
			return w.s.c.Status().Patch(ctx, a, client.MergeFrom(orig))
		}},
	}
	for _, st := range steps {
		if err := w.measure(ctx, st.name, st.do); err != nil {
			return err
		}
	}
	return w.measureSome(ctx, wcSecretPut, vectorChartsOf(w.m), func(ctx context.Context, i int) error {
		if upstreamOf(accs[i]) != "vectorcharts" {
			return nil
		}
		secrets[i].Data = tpl["vectorcharts"].secret.Data
		return w.s.c.Update(ctx, secrets[i])
	})
}

// vectorChartsOf is how many of n bench Accounts are VectorCharts Accounts.
func vectorChartsOf(n int) int {
	for i, u := range upstreams {
		if u == "vectorcharts" {
			return accountsOf(n, i)
		}
	}
	return 0
}

// namespaceWithAccounts creates ns and the m Accounts in it (the user's create).
func (w *writeCoster) namespaceWithAccounts(ctx context.Context, ns string) ([]*v1alpha1.Account, error) {
	if err := w.s.c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return nil, err
	}
	objs := accounts(ns, w.m)
	accs := make([]*v1alpha1.Account, len(objs))
	for i, o := range objs {
		accs[i] = o.(*v1alpha1.Account)
	}
	return accs, w.measure(ctx, wcCreate, func(ctx context.Context, i int) error { return w.s.c.Create(ctx, accs[i]) })
}

// claim is the manager's claim: finalizer and create marker in one merge
// patch that carries the resourceVersion.
func (w *writeCoster) claim(ctx context.Context, a *v1alpha1.Account) error {
	patch := fmt.Sprintf(`{"metadata":{"resourceVersion":%q,"finalizers":[%q],"annotations":{%q:%q}}}`,
		a.ResourceVersion, controllers.Finalizer, v1alpha1.AnnotationCreatePending, time.Now().UTC().Format(time.RFC3339))
	return w.s.c.Patch(ctx, a, client.RawPatch(types.MergePatchType, []byte(patch)))
}

func upstreamOf(a *v1alpha1.Account) string { return string(a.Spec.ProviderRef.Name) }

// connectionSecret is a copy of the template's connection Secret for a, owned
// by a. For VectorCharts, first only what is stored before the create (its
// password), then everything.
func connectionSecret(a *v1alpha1.Account, tpl *corev1.Secret, first bool) *corev1.Secret {
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: a.Name, Namespace: a.Namespace,
		Labels: tpl.Labels, Annotations: tpl.Annotations}, Type: tpl.Type, Data: map[string][]byte{}}
	for k, v := range tpl.Data {
		if !first || upstreamOf(a) != "vectorcharts" || strings.Contains(k, "password") {
			sec.Data[k] = v
		}
	}
	yes := true
	sec.OwnerReferences = []metav1.OwnerReference{{APIVersion: v1alpha1.GroupVersion.String(), Kind: "Account",
		Name: a.Name, UID: a.UID, Controller: &yes, BlockOwnerDeletion: &yes}}
	return sec
}

// createdEvent is the Event the manager's recorder writes for a creation.
func createdEvent(a *v1alpha1.Account) *eventsv1.Event {
	return &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: a.Name + ".created", Namespace: a.Namespace},
		EventTime:  metav1.NewMicroTime(time.Now()), ReportingController: "account-operator",
		ReportingInstance: "account-operator-bench", Action: "Created", Reason: "Created", Type: corev1.EventTypeNormal,
		Regarding: corev1.ObjectReference{APIVersion: v1alpha1.GroupVersion.String(), Kind: "Account",
			Namespace: a.Namespace, Name: a.Name, UID: a.UID, ResourceVersion: a.ResourceVersion},
		Note: "created upstream account 7eb1a02f-175f-4ffc-b6e4-4146315c11a6",
	}
}

// apiServerCPU reads the API server's process_cpu_seconds_total.
func apiServerCPU(kubeconfig string) (func(context.Context) (float64, error), error) {
	cfg, err := unlimitedConfig(kubeconfig)
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (float64, error) {
		body, err := cs.Discovery().RESTClient().Get().AbsPath("/metrics").Stream(ctx)
		if err != nil {
			return 0, err
		}
		defer body.Close()
		samples, err := parseSamples(body)
		if err != nil {
			return 0, fmt.Errorf("API server metrics: %w", err)
		}
		for _, s := range samples {
			if s.name == "process_cpu_seconds_total" {
				return s.value, nil
			}
		}
		return 0, errors.New("API server metrics without process_cpu_seconds_total")
	}, nil
}
