package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// bulkWorkers is how many requests the bench's own client has in flight: far
// more than the manager's, so the bench is never what slows a phase down.
const bulkWorkers = 64

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}

// bulkClient is a client without client-side rate limiting: the floor is
// what the API server itself allows.
func bulkClient(kubeconfig string) (client.WithWatch, error) {
	cfg, err := unlimitedConfig(kubeconfig)
	if err != nil {
		return nil, err
	}
	return client.NewWithWatch(cfg, client.Options{Scheme: newScheme()})
}

// unlimitedConfig is the kubeconfig's REST config without client-side rate
// limiting: every bench client's, so the bench never slows a phase down.
func unlimitedConfig(kubeconfig string) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = -1, 0
	return cfg, nil
}

// parallel runs do(i) for i in [0,n) on bulkWorkers goroutines and returns
// the first error.
func parallel(ctx context.Context, n int, do func(ctx context.Context, i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, bulkWorkers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(bulkWorkers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := do(ctx, i); err != nil {
					errs <- fmt.Errorf("item %d: %w", i, err)
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// createAll creates objs in parallel.
func createAll(ctx context.Context, c client.Client, objs []client.Object) error {
	return parallel(ctx, len(objs), func(ctx context.Context, i int) error { return c.Create(ctx, objs[i]) })
}
