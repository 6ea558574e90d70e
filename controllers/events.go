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

func (s EventSink) normal(obj runtime.Object, reason, msg string) {
	if s.Recorder != nil {
		s.Recorder.Eventf(obj, nil, corev1.EventTypeNormal, reason, reason, "%s", msg)
	}
}

func (s EventSink) warn(obj runtime.Object, reason, msg string) {
	if s.Recorder != nil {
		s.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, reason, reason, "%s", msg)
	}
}
