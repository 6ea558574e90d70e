package logging

import (
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
)

func TestCappedDropsBodyDumpLevels(t *testing.T) {
	var lines []string
	base := funcr.New(func(prefix, args string) { lines = append(lines, prefix+" "+args) },
		funcr.Options{Verbosity: 10})
	l := Capped(base).WithName("x").WithValues("k", "v")
	l.V(MaxVerbosity).Info("kept")
	l.V(MaxVerbosity+1).Info("Response Body", "body", "secret-bytes")
	l.V(10).Info("Request Body", "body", "secret-bytes")
	l.Error(nil, "errors always pass")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines (V%d and the error), got %d: %q", MaxVerbosity, len(lines), lines)
	}
	if l.V(MaxVerbosity + 1).Enabled() {
		t.Fatal("levels above MaxVerbosity must report disabled, so callers skip building bodies")
	}
	if !l.V(MaxVerbosity).Enabled() {
		t.Fatal("MaxVerbosity itself must stay enabled")
	}
}

func TestCappedKeepsDiscard(t *testing.T) {
	if Capped(logr.Discard()).Enabled() {
		t.Fatal("a discarded logger stays disabled")
	}
}
