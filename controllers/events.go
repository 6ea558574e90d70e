package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
)

// EventSink records Account events. Callers only emit on transitions (created,
// adopted, updated, deleted, token reissued, a new stall reason), never per poll.
type EventSink struct {
	Recorder events.EventRecorder // nil: events are dropped (unit tests)
}

// record records one event; only the reporter calls it.
func (s EventSink) record(obj runtime.Object, n note) {
	if s.Recorder == nil {
		return
	}
	typ := corev1.EventTypeNormal
	if n.warning {
		typ = corev1.EventTypeWarning
	}
	s.Recorder.Eventf(obj, nil, typ, n.reason, n.reason, "%s", n.message)
}
