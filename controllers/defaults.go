package controllers

import "time"

// The manager's tuning defaults, chosen by `make bench` (docs/performance.md
// has the measurements). main.go's flags default to them and the Helm chart's
// values.yaml repeats them; test/install checks that the two agree.
const (
	// DefaultMaxConcurrentReconciles is how many Accounts are reconciled at once.
	DefaultMaxConcurrentReconciles = 32
	// DefaultKubeAPIQPS and DefaultKubeAPIBurst bound the manager's client to
	// the Kubernetes API.
	DefaultKubeAPIQPS   = 200
	DefaultKubeAPIBurst = 400
	// DefaultPollInterval is the drift check period of providers that set none.
	DefaultPollInterval = 10 * time.Minute
	// DefaultUpstreamTimeout bounds one upstream HTTP request.
	DefaultUpstreamTimeout = 30 * time.Second
	// DefaultReconcileTimeout bounds one reconcile pass, so a hung call cannot
	// hold a worker for good. One idempotent upstream call may take four
	// attempts of DefaultUpstreamTimeout and up to 10s of backoff before each
	// retry (150s); a pass gets room for two such calls.
	DefaultReconcileTimeout = 5 * time.Minute
)
