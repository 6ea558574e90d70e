package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// readyWatch follows Accounts through a watch (not polling, which would load
// the API server the bench measures) and tells when a count of them is Ready.
type readyWatch struct {
	mu      sync.Mutex
	ready   map[string]time.Time
	changed chan struct{}
}

func startReadyWatch(ctx context.Context, kubeconfig string) (*readyWatch, error) {
	cfg, err := unlimitedConfig(kubeconfig)
	if err != nil {
		return nil, err
	}
	c, err := cache.New(cfg, cache.Options{Scheme: newScheme()})
	if err != nil {
		return nil, err
	}
	inf, err := c.GetInformer(ctx, &v1alpha1.Account{})
	if err != nil {
		return nil, err
	}
	w := &readyWatch{ready: map[string]time.Time{}, changed: make(chan struct{}, 1)}
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    w.observe,
		UpdateFunc: func(_, o any) { w.observe(o) },
		DeleteFunc: w.forget,
	}); err != nil {
		return nil, err
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("account watch did not sync")
	}
	return w, nil
}

func (w *readyWatch) observe(o any) {
	a, ok := o.(*v1alpha1.Account)
	if !ok {
		return
	}
	key := a.Namespace + "/" + a.Name
	w.mu.Lock()
	if meta.IsStatusConditionTrue(a.Status.Conditions, v1alpha1.ConditionReady) {
		if _, seen := w.ready[key]; !seen {
			w.ready[key] = time.Now()
		}
	} else {
		delete(w.ready, key)
	}
	w.mu.Unlock()
	w.notify()
}

func (w *readyWatch) forget(o any) {
	if d, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
		o = d.Obj
	}
	if a, ok := o.(metav1.Object); ok {
		w.mu.Lock()
		delete(w.ready, a.GetNamespace()+"/"+a.GetName())
		w.mu.Unlock()
	}
	w.notify()
}

func (w *readyWatch) notify() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// count is how many Accounts in ns are Ready.
func (w *readyWatch) count(ns string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for k := range w.ready {
		if len(k) > len(ns) && k[:len(ns)+1] == ns+"/" {
			n++
		}
	}
	return n
}

// wait blocks until n Accounts in ns are Ready or timeout passes, and
// returns when the last of them became Ready.
func (w *readyWatch) wait(ctx context.Context, ns string, n int, timeout time.Duration) (time.Time, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if got := w.count(ns); got >= n {
			return w.lastReady(ns), nil
		}
		select {
		case <-w.changed:
		case <-deadline.C:
			return time.Time{}, fmt.Errorf("%d of %d Accounts in %s Ready after %s", w.count(ns), n, ns, timeout)
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		}
	}
}

func (w *readyWatch) lastReady(ns string) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	var last time.Time
	for k, t := range w.ready {
		if k[:len(ns)+1] == ns+"/" && t.After(last) {
			last = t
		}
	}
	return last
}

// readyBefore is how many Accounts in ns became Ready before t.
func (w *readyWatch) readyBefore(ns string, t time.Time) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for k, at := range w.ready {
		if k[:len(ns)+1] == ns+"/" && at.Before(t) {
			n++
		}
	}
	return n
}
