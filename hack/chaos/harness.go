package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/go-logr/logr"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/localenv"
)

// harness drives one local environment through the scenarios.
type harness struct {
	env  *localenv.Env
	kube client.Client // reads only; objects are applied with kubectl
	cfg  config
	say  func(string, ...any)
	ha   *failover // while the ha scenario runs its two replicas instead of the manager
}

func newHarness(env *localenv.Env, cfg config, say func(string, ...any)) (*harness, error) {
	// The client's own logging (retries while kube-apiserver is down) is
	// noise here: every failed read is retried and reported by the harness.
	ctrllog.SetLogger(logr.Discard())
	rc, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig)
	if err != nil {
		return nil, err
	}
	// Short per-request timeout: while kube-apiserver is down, a read fails
	// fast and the next poll tries again.
	rc.Timeout, rc.QPS, rc.Burst = 10*time.Second, 50, 100
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := coordinationv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	kube, err := client.New(rc, client.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	return &harness{env: env, kube: kube, cfg: cfg, say: say}, nil
}

// kubectl runs kubectl with stdin, bounded.
func (h *harness) kubectl(ctx context.Context, stdin string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	_, _, err := h.env.KubectlIn(ctx, stdin, args...)
	return err
}

// accounts lists the Accounts in ns.
func (h *harness) accounts(ctx context.Context, ns string) ([]v1alpha1.Account, error) {
	var l v1alpha1.AccountList
	if err := h.kube.List(ctx, &l, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	return l.Items, nil
}

// ready reports whether the object's Ready condition is True for its
// current generation.
func ready(conds []metav1.Condition, generation int64) bool {
	c := meta.FindStatusCondition(conds, v1alpha1.ConditionReady)
	return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == generation
}

// countReady counts the Ready Accounts in ns, and all of them.
func (h *harness) countReady(ctx context.Context, ns string) (readyN, total int, err error) {
	l, err := h.accounts(ctx, ns)
	for _, a := range l {
		if ready(a.Status.Conditions, a.Generation) {
			readyN++
		}
	}
	return readyN, len(l), err
}

// waitProvidersReady waits until the three providers in ns are Ready.
func (h *harness) waitProvidersReady(ctx context.Context, ns string) error {
	return poll(ctx, 2*time.Minute, "providers Ready", func(ctx context.Context) (bool, string) {
		var l v1alpha1.AccountProviderList
		if err := h.kube.List(ctx, &l, client.InNamespace(ns)); err != nil {
			return false, err.Error()
		}
		n := 0
		for _, p := range l.Items {
			if ready(p.Status.Conditions, p.Generation) {
				n++
			}
		}
		return n == len(upstreams), fmt.Sprintf("%d of %d providers Ready", n, len(upstreams))
	})
}

// ensureManager starts the manager again if it exited, as a kubelet would;
// it returns whether it had exited. A start that fails is left for the next
// call to retry. In the ha scenario, it does so for the two replicas.
func (h *harness) ensureManager(ctx context.Context, r *Result) bool {
	if h.ha != nil {
		return h.ha.ensure(ctx)
	}
	if h.env.ManagerPID() != 0 {
		return false
	}
	tail := h.env.LogTail("manager", 5)
	if strings.Contains(tail, portTaken) {
		r.PortRaces++ // see startManager
		h.startManager(ctx, r)
		return false
	}
	r.ManagerExits++
	h.say("[%s] the manager exited; starting it again (last lines of its log:\n%s)", r.Scenario, tail)
	h.startManager(ctx, r)
	return true
}

// portTaken is how the manager says a listener port was taken.
const portTaken = "bind: address already in use"

// startManager starts the manager. localenv picks its listener ports just
// before the start, and with hundreds of connections opening and closing an
// outgoing one may take a port first: the manager then exits at once with
// "address already in use". That is the harness's doing, so it tries again
// (twice, and ensureManager once more if the exit comes after readiness)
// rather than count it as an exit of the manager.
func (h *harness) startManager(ctx context.Context, r *Result) {
	for attempt := 1; ; attempt++ {
		r.ManagerStarts++
		err := h.env.StartManager(ctx)
		if err == nil || ctx.Err() != nil {
			break
		}
		if attempt < 3 && strings.Contains(err.Error(), portTaken) {
			r.PortRaces++
			continue
		}
		r.note("manager start: %v", err)
		break
	}
	h.recordProcesses()
}

// poll calls cond every half second until it is done, ctx ends or timeout
// passes; the error then carries cond's last status.
func poll(ctx context.Context, timeout time.Duration, what string, cond func(context.Context) (bool, string)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		done, status := cond(ctx)
		if done {
			return nil
		}
		if !sleep(ctx, 500*time.Millisecond) {
			if errors.Is(ctx.Err(), context.Canceled) {
				return fmt.Errorf("%s: interrupted: %s", what, status)
			}
			return fmt.Errorf("%s: not within %s: %s", what, timeout, status)
		}
	}
}

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// between is a uniformly random duration in [lo, hi].
func between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rand.Int64N(int64(hi-lo)+1))
}
