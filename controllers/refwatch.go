package controllers

import (
	"context"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/metadata"
	toolscache "k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// refWatch follows changes to every object of one resource, by name only and
// without keeping any of them: Secrets and ConfigMaps that Accounts and
// providers refer to are read uncached when used, and a change to one only has
// to wake its users. An informer would hold an entry for each of the cluster's
// Secrets (about 2 KiB of manager memory apiece, measured by `make bench`);
// this holds none. It watches metadata only, so Secret data never reaches the
// manager through it.
//
// When the watch ends (an expired version, 410 Gone, after etcd compaction)
// it lists again from now, and changes made in between cannot be told apart:
// it holds nothing to compare the list with. So each restart tells the
// subscribers that changes in the namespace may have been missed, and they
// wake every user of an object of that kind there.
type refWatch struct {
	client     metadata.Interface
	resource   schema.GroupVersionResource
	namespaces []string // empty: all
	skip       func(metav1.Object) bool
	outs       []chan event.TypedGenericEvent[refChange]
}

// refChange is what a reference watch tells its subscribers: the object Name
// in Namespace changed (Held: it carries the in-use finalizer); or, when
// Missed, changes in Namespace (in every namespace when it is empty) may have
// gone unseen.
type refChange struct {
	Namespace, Name string
	Missed, Held    bool
}

// refWatchRetry is the pause before a failed or expired watch starts again.
const refWatchRetry = time.Second

// refWatches are the Secret and ConfigMap reference watches of one manager.
type refWatches struct {
	secrets, configMaps *refWatch
}

// newRefWatches adds the two watches to mgr; they run while it leads.
func newRefWatches(mgr ctrl.Manager, namespaces []string) (*refWatches, error) {
	mc, err := metadata.NewForConfig(mgr.GetConfig())
	if err != nil {
		return nil, err
	}
	// The operator's own connection Secrets and ConfigMaps are watched through
	// the cache (Owns), not here.
	own := func(o metav1.Object) bool { return o.GetLabels()[ManagedByLabel] == ManagedByValue }
	w := &refWatches{
		secrets: &refWatch{client: mc, resource: corev1.SchemeGroupVersion.WithResource("secrets"),
			namespaces: namespaces, skip: own},
		configMaps: &refWatch{client: mc, resource: corev1.SchemeGroupVersion.WithResource("configmaps"),
			namespaces: namespaces, skip: own},
	}
	if err := mgr.Add(w.secrets); err != nil {
		return nil, err
	}
	return w, mgr.Add(w.configMaps)
}

// source subscribes users, which maps a change to the objects to reconcile,
// to the watch. Call before the manager starts.
func (w *refWatch) source(users handler.TypedMapFunc[refChange, reconcile.Request]) source.Source {
	ch := make(chan event.TypedGenericEvent[refChange], 256)
	w.outs = append(w.outs, ch)
	return source.TypedChannel(ch, handler.TypedEnqueueRequestsFromMapFunc(users))
}

// NeedLeaderElection: only the leader's controllers consume the events.
func (w *refWatch) NeedLeaderElection() bool { return true }

// Start follows each namespace (or the whole cluster) until ctx ends.
func (w *refWatch) Start(ctx context.Context) error {
	namespaces := w.namespaces
	if len(namespaces) == 0 {
		namespaces = []string{metav1.NamespaceAll}
	}
	var wg sync.WaitGroup
	for _, ns := range namespaces {
		wg.Go(func() { w.run(ctx, ns) })
	}
	wg.Wait()
	return nil
}

// run follows ns from now on, starting over whenever the watch ends. The
// first start needs no catching up: every Account and provider is reconciled
// when the controllers start.
func (w *refWatch) run(ctx context.Context, ns string) {
	logger := log.FromContext(ctx).WithValues("watch", w.resource.Resource, "namespace", ns)
	for restart := false; ctx.Err() == nil; restart = true {
		if err := w.follow(ctx, ns, restart); err != nil && ctx.Err() == nil {
			logger.Info("Reference watch ended; starting again", "error", err.Error())
		}
		select {
		case <-ctx.Done():
		case <-time.After(refWatchRetry):
		}
	}
}

// follow watches from the current resource version until the watch expires
// or fails for good. A list of one item gives that version cheaply. After a
// restart, what changed before that version is announced as missed once the
// version is known, so users read it after it was made.
func (w *refWatch) follow(ctx context.Context, ns string, restart bool) error {
	ri := w.client.Resource(w.resource).Namespace(ns)
	list, err := ri.List(ctx, metav1.ListOptions{Limit: 1})
	if err != nil {
		return err
	}
	lw := &toolscache.ListWatch{WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
		return ri.Watch(ctx, o)
	}}
	rw, err := watchtools.NewRetryWatcherWithContext(ctx, list.ResourceVersion, lw)
	if err != nil {
		return err
	}
	defer rw.Stop()
	if restart {
		w.publish(ctx, refChange{Namespace: ns, Missed: true})
	}
	for ev := range rw.ResultChan() {
		switch ev.Type {
		case watch.Added, watch.Modified, watch.Deleted:
			if m, ok := ev.Object.(*metav1.PartialObjectMetadata); ok && !w.skip(m) {
				w.publish(ctx, refChange{Namespace: m.Namespace, Name: m.Name,
					Held: slices.Contains(m.Finalizers, v1alpha1.InUseFinalizer)})
			}
		case watch.Error:
			return apierrors.FromObject(ev.Object)
		}
	}
	return ctx.Err()
}

// publish hands the change to every subscriber.
func (w *refWatch) publish(ctx context.Context, c refChange) {
	for _, ch := range w.outs {
		select {
		case ch <- event.TypedGenericEvent[refChange]{Object: c}:
		case <-ctx.Done():
			return
		}
	}
}
