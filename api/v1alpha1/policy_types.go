package v1alpha1

import "time"

// ManagementPolicy says what the operator may do to an Account's upstream
// account.
// +kubebuilder:validation:Enum=Full;ObserveOnly
type ManagementPolicy string

// Management policies.
const (
	// ManagementFull: create (or adopt) the account, correct drift, re-issue
	// a lost VectorCharts token, and delete it as deletionPolicy says.
	ManagementFull ManagementPolicy = "Full"
	// ManagementObserveOnly: only read the account spec.externalID names:
	// never create, update, issue tokens or delete upstream.
	ManagementObserveOnly ManagementPolicy = "ObserveOnly"
)

// ObserveOnly reports whether the operator may only read the upstream account.
func (a *Account) ObserveOnly() bool {
	return a.Spec.ManagementPolicy == ManagementObserveOnly
}

// Reasons of the management and polling policies.
const (
	// ReasonObservedDrift: an observe-only Account's upstream account differs
	// from the spec in the fields the message names; nothing is corrected.
	ReasonObservedDrift = "ObservedDrift"
	// ReasonPollIntervalSet: the poll-interval annotation is in force as
	// written.
	ReasonPollIntervalSet = "PollIntervalSet"
	// ReasonPollIntervalOutOfRange: the poll-interval annotation is outside
	// MinAccountPollInterval..MaxAccountPollInterval; the nearest bound is used.
	ReasonPollIntervalOutOfRange = "PollIntervalOutOfRange"
	// ReasonInvalidPollInterval: the poll-interval annotation is not a
	// positive duration; the provider's poll interval is used.
	ReasonInvalidPollInterval = "InvalidPollInterval"
)

// ConditionPollIntervalAccepted is set while the Account carries the
// poll-interval annotation: True when it is in force as written, False (with
// the reason and the interval used instead) when it is unparsable or out of
// range. It never changes Ready, Synced, Reconciling or Stalled.
const ConditionPollIntervalAccepted = "PollIntervalAccepted"

// AnnotationPollInterval overrides the provider's pollInterval for one
// Account: a Go duration such as 90s, 15m or 2h, clamped to
// MinAccountPollInterval..MaxAccountPollInterval (the range the provider's
// spec.pollInterval accepts).
const AnnotationPollInterval = "accounts.operator.dev/poll-interval"

// Bounds of the poll-interval annotation.
const (
	MinAccountPollInterval = 30 * time.Second
	MaxAccountPollInterval = 24 * time.Hour
)
