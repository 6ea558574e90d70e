package cli

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// printEvents shows the Account's latest n events, oldest first, as kubectl
// describe does. The operator records them with the events.k8s.io API; the
// core view of the same events is read here, selected by the Account's UID.
func (e *env) printEvents(ctx context.Context, c client.Client, a *v1alpha1.Account, n int) {
	fmt.Fprintln(e.IO.Out, "\nEvents:")
	list := &corev1.EventList{}
	err := c.List(ctx, list, client.InNamespace(a.Namespace),
		client.MatchingFields{"involvedObject.uid": string(a.UID)})
	switch {
	case apierrors.IsForbidden(err):
		fmt.Fprintln(e.IO.Out, "  not readable with your credentials (forbidden)")
		return
	case err != nil:
		fmt.Fprintf(e.IO.Out, "  %v\n", err)
		return
	case len(list.Items) == 0:
		fmt.Fprintln(e.IO.Out, "  <none>")
		return
	}
	evs := list.Items
	slices.SortStableFunc(evs, func(x, y corev1.Event) int { return lastSeen(x).Compare(lastSeen(y)) })
	if len(evs) > n {
		evs = evs[len(evs)-n:]
	}
	rows := [][]string{{"  LAST SEEN", "TYPE", "REASON", "MESSAGE"}}
	for _, ev := range evs {
		seen := e.age(lastSeen(ev))
		if count := eventCount(ev); count > 1 {
			seen = fmt.Sprintf("%s (x%d)", seen, count)
		}
		rows = append(rows, []string{"  " + seen, ev.Type, ev.Reason, oneLine(ev.Message)})
	}
	_ = writeTable(e.IO.Out, rows)
}

// lastSeen is when the event last happened, whichever API recorded it.
func lastSeen(ev corev1.Event) time.Time {
	t := ev.LastTimestamp.Time
	if ev.Series != nil && ev.Series.LastObservedTime.After(t) {
		t = ev.Series.LastObservedTime.Time
	}
	if ev.EventTime.After(t) {
		t = ev.EventTime.Time
	}
	return t
}

// eventCount is how many times the event happened.
func eventCount(ev corev1.Event) int32 {
	if ev.Series != nil && ev.Series.Count > ev.Count {
		return ev.Series.Count
	}
	return ev.Count
}
