package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/localenv"
)

// session is one local environment with the bench's clients.
type session struct {
	cfg   config
	env   *localenv.Env
	c     client.WithWatch
	ready *readyWatch
	stop  context.CancelFunc
}

// startSession starts a fresh environment in dir (emptied first): the
// sandbox with the configured latency and no SCP registration delay, the
// manager with the configured flags.
func startSession(ctx context.Context, cfg config, dir string) (*session, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	fixed, spread := cfg.latency-cfg.jitter, 2*cfg.jitter // uniform in [fixed, fixed+spread): mean = latency
	env, err := localenv.Start(ctx, localenv.Options{
		StateDir:    dir,
		SandboxArgs: []string{"-latency=" + fixed.String(), "-latency-jitter=" + spread.String(), "-scp-registration-delay=0s"},
		ManagerArgs: managerFlags(cfg),
		Progress:    func(f string, a ...any) { fmt.Printf("  "+f+"\n", a...) },
	})
	if err != nil {
		return nil, err
	}
	s := &session{cfg: cfg, env: env}
	if s.c, err = bulkClient(env.Kubeconfig); err != nil {
		return nil, s.close(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	s.stop = cancel
	if s.ready, err = startReadyWatch(wctx, env.Kubeconfig); err != nil {
		return nil, s.close(err)
	}
	return s, nil
}

func (s *session) close(err error) error {
	if s.stop != nil {
		s.stop()
	}
	if serr := s.env.Stop(); serr != nil && err == nil {
		err = serr
	}
	return err
}

// managerFlags are the manager's tuning flags the bench was asked to set;
// unset ones keep the binary's defaults, which is what the bench measures.
func managerFlags(cfg config) []string {
	var out []string
	add := func(name string, v int) {
		if v > 0 {
			out = append(out, "--"+name+"="+strconv.Itoa(v))
		}
	}
	add("max-concurrent-reconciles", cfg.concurrency)
	add("kube-api-qps", cfg.qps)
	add("kube-api-burst", cfg.burst)
	return append(out, cfg.managerArgs...)
}

// setupNamespace creates ns with one verified provider per upstream.
func (s *session) setupNamespace(ctx context.Context, ns string) error {
	if err := s.c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return err
	}
	if err := createAll(ctx, s.c, providerObjects(ns, s.env.URLs)); err != nil {
		return err
	}
	return s.waitProvidersReady(ctx, ns)
}

func (s *session) waitProvidersReady(ctx context.Context, ns string) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var l v1alpha1.AccountProviderList
		if err := s.c.List(ctx, &l, client.InNamespace(ns)); err != nil {
			return err
		}
		ready := 0
		for _, p := range l.Items {
			if meta.IsStatusConditionTrue(p.Status.Conditions, v1alpha1.ConditionReady) {
				ready++
			}
		}
		if ready == len(upstreams) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("providers in %s not Ready within a minute (manager log: %s)", ns, filepath.Join(s.env.StateDir, "logs", "manager.log"))
}

// accounts are the n benchmark Accounts of ns.
func accounts(ns string, n int) []client.Object {
	out := make([]client.Object, n)
	for i := range out {
		out[i] = account(ns, i)
	}
	return out
}
