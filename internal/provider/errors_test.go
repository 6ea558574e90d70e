package provider

import (
	"fmt"
	"testing"
	"time"
)

// A pending error is retried like a transient one, after its own wait, with
// its own reason, also when wrapped.
func TestPendingError(t *testing.T) {
	err := fmt.Errorf("create: %w", Pending("Provisioning", "not listed yet", 10*time.Second))
	if Classify(err) != ClassTransient || Reason(err) != "Provisioning" || RetryAfter(err) != 10*time.Second {
		t.Fatalf("Classify %v, Reason %q, RetryAfter %v", Classify(err), Reason(err), RetryAfter(err))
	}
	if err.Error() != "create: not listed yet" {
		t.Errorf("Error() = %q", err.Error())
	}
}
