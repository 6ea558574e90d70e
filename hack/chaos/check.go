package main

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// secretKeys are the connection Secret keys each upstream must have, all
// non-empty (README, "The connection Secret"). SCP's jobID is left out: an
// adopted account has none, and adoption is what a crash leads to.
var secretKeys = map[string][]string{
	"ccm":          {"accountID", "defaultGroupID", "marketplaceGroupID"},
	"scp":          {"accountID"},
	"vectorcharts": {"accountID", "userID", "username", "password", "token"},
}

// checkConverged counts, once every Account is Ready: upstream duplicates
// (more than one upstream account with an Account's key), Accounts whose
// status.accountID is not their one upstream account, upstream accounts of
// the scenario that no Account asked for, and connection Secrets missing a
// key, with an empty value, or naming another account.
func (h *harness) checkConverged(ctx context.Context, ns string, accts []account, r *Result) error {
	l, err := h.accounts(ctx, ns)
	if err != nil {
		return err
	}
	byName := map[string]*v1alpha1.Account{}
	for i := range l {
		byName[l[i].Name] = &l[i]
	}
	up, err := h.upstreamAccounts(ctx)
	if err != nil {
		return err
	}
	keys := byKey(up, r.Scenario)
	var secrets corev1.SecretList
	if err := h.kube.List(ctx, &secrets, client.InNamespace(ns)); err != nil {
		return err
	}
	secretByName := map[string]*corev1.Secret{}
	for i := range secrets.Items {
		secretByName[secrets.Items[i].Name] = &secrets.Items[i]
	}
	for _, a := range accts {
		matches := keys[a.Upstream+"/"+a.Key]
		delete(keys, a.Upstream+"/"+a.Key)
		obj := byName[a.Name]
		if obj == nil {
			r.Unmatched++
			r.note("%s: the Account is gone", a.Name)
			continue
		}
		if len(matches) > 1 {
			r.Duplicates += len(matches) - 1
			r.note("%s: %d upstream %s accounts with key %s: %v", a.Name, len(matches), a.Upstream, a.Key, matches)
		}
		if !hasID(matches, obj.Status.AccountID) {
			r.Unmatched++
			r.note("%s: status.accountID %q is not its upstream account (%v)", a.Name, obj.Status.AccountID, matches)
		}
		for _, m := range matches {
			r.ExtraTokens += max(0, m.Tokens-1)
		}
		if why := badSecret(secretByName[obj.ConnectionSecretName()], a.Upstream, obj.Status.AccountID); why != "" {
			r.BadSecrets++
			r.note("%s: connection Secret %s: %s", a.Name, obj.ConnectionSecretName(), why)
		}
	}
	for k, l := range keys {
		r.Strays += len(l)
		r.note("upstream %s: %d accounts no Account asked for", k, len(l))
	}
	return nil
}

func hasID(l []upstreamAccount, id string) bool {
	for _, u := range l {
		if id != "" && u.ID == id {
			return true
		}
	}
	return false
}

// badSecret says what is wrong with a connection Secret, naming keys only.
func badSecret(s *corev1.Secret, upstream, accountID string) string {
	if s == nil {
		return "missing"
	}
	for _, k := range secretKeys[upstream] {
		if len(s.Data[k]) == 0 {
			return fmt.Sprintf("key %q missing or empty", k)
		}
	}
	if string(s.Data["accountID"]) != accountID {
		return "accountID differs from status.accountID"
	}
	return ""
}

// countLeft counts the scenario's upstream accounts still listed after every
// Account is gone, whatever their state.
func (h *harness) countLeft(ctx context.Context, r *Result) error {
	up, err := h.upstreamAccounts(ctx)
	if err != nil {
		return err
	}
	for k, l := range byKey(up, r.Scenario) {
		r.LeftAfterDelete += len(l)
		r.note("left upstream after deletion: %s: %v", k, l)
	}
	return nil
}
