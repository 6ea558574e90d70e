package v1alpha1

// Condition types. Reconciling and Stalled follow kstatus, so Flux, Argo CD and
// `kubectl wait` read the Account's health without custom code.
const (
	ConditionReady       = "Ready"
	ConditionSynced      = "Synced"
	ConditionReconciling = "Reconciling"
	ConditionStalled     = "Stalled"
	// ConditionCredentialsValid is, on a VectorCharts Account, whether the API
	// token the operator issued answered its last check
	// (spec.vectorCharts.tokenCheckInterval). Absent until the first check and
	// while checks are disabled.
	ConditionCredentialsValid = "CredentialsValid"
)

// Condition reasons.
const (
	ReasonAvailable          = "Available"
	ReasonProvisioning       = "Provisioning"
	ReasonReconcileSuccess   = "ReconcileSuccess"
	ReasonReconcileError     = "ReconcileError"
	ReasonPaused             = "Paused"
	ReasonDeleting           = "Deleting"
	ReasonProviderNotFound   = "ProviderNotFound"
	ReasonProviderNotReady   = "ProviderNotReady"
	ReasonProviderNotAllowed = "ProviderNotAllowed"
	// ReasonAdoptionNotAllowed: spec.externalID names an upstream account the
	// ClusterAccountProvider does not let this namespace adopt.
	ReasonAdoptionNotAllowed = "AdoptionNotAllowed"
	ReasonProviderMismatch   = "ProviderMismatch"
	ReasonInvalidSpec        = "InvalidSpec"
	ReasonAlreadyExists      = "AlreadyExists"
	ReasonNotFoundUpstream   = "NotFoundUpstream"
	ReasonSecretConflict     = "SecretConflict"
	ReasonRegistrationFailed = "RegistrationFailed"
	// ReasonSuspendedUpstream: the upstream account is suspended and the
	// operator did not close it; nothing is re-created or deleted.
	ReasonSuspendedUpstream  = "SuspendedUpstream"
	ReasonUpstreamRejected   = "UpstreamRejected"
	ReasonCredentialsMissing = "CredentialsMissing"
	ReasonUnauthorized       = "Unauthorized"
	ReasonUnreachable        = "Unreachable"
	// ReasonUpstreamError: the upstream answered 429, a 5xx or a status it
	// does not document; retried with backoff.
	ReasonUpstreamError = "UpstreamError"
	ReasonVerified      = "Verified"
	// ReasonAccountBusy: the upstream account has a job under way (e.g. a
	// VectorCharts delete job) that must end before this step.
	ReasonAccountBusy = "AccountBusy"
	// ReasonDeleteJobFailed: the upstream's delete job ended and the account
	// is still there; the delete is sent again, at most once per poll interval.
	ReasonDeleteJobFailed = "DeleteJobFailed"
	// ReasonDeleteRefused: the upstream refused the delete (VectorCharts 400).
	ReasonDeleteRefused = "DeleteRefused"
	// ReasonDeleteUnconfirmed: the upstream answered the delete as if the
	// account were gone, yet still shows it.
	ReasonDeleteUnconfirmed = "DeleteUnconfirmed"
	// ReasonUpdateNotApplied: the upstream accepted an update but still shows
	// the field differently (it normalises or ignores it); the operator stops
	// writing the field and reports it.
	ReasonUpdateNotApplied = "UpdateNotApplied"
	// ReasonKubernetesAPIError: a read or write of the Kubernetes API failed.
	ReasonKubernetesAPIError = "KubernetesAPIError"
	// ReasonNamespaceTerminating: the Account's namespace is being deleted,
	// and the apiserver refuses new objects in it: the connection Secret
	// cannot be written, so nothing is created or re-issued upstream; the
	// Account's own deletion still deletes its upstream account.
	ReasonNamespaceTerminating = "NamespaceTerminating"
	// ReasonTokenRevokeFailed: an API token the operator made and no longer
	// holds could not be revoked upstream yet; it is retried with backoff.
	ReasonTokenRevokeFailed = "TokenRevokeFailed"
	// ReasonTokenValid: the issued API token answered its last check.
	ReasonTokenValid = "TokenValid"
	// ReasonTokenRevokedUpstream: the issued API token was refused (401): it
	// was revoked behind the operator's back, and a new one is being issued.
	ReasonTokenRevokedUpstream = "TokenRevokedUpstream"
	// ReasonTokenReissued: the issued API token had been revoked upstream; a
	// new one was issued into the connection Secret.
	ReasonTokenReissued = "TokenReissued"
)

// Annotations understood by the operator.
const (
	// AnnotationPaused set to "true" stops every upstream call for the Account.
	AnnotationPaused = "accounts.operator.dev/paused"
	// AnnotationReconcileRequestedAt set to any new value forces a full check.
	AnnotationReconcileRequestedAt = "accounts.operator.dev/reconcile-requested-at"
	// AnnotationRotateRequestedAt set to any new value on a VectorCharts
	// Account rotates its API token once: a new one is issued into the
	// connection Secret's token key, the previous one is kept as
	// token.previous until it is revoked upstream, then that key goes.
	AnnotationRotateRequestedAt = "accounts.operator.dev/rotate-requested-at"
	// AnnotationProbeRequestedAt set to any new value on an AccountProvider or
	// ClusterAccountProvider runs the read-only conformance probe once.
	AnnotationProbeRequestedAt = "accounts.operator.dev/probe-requested-at"
)
