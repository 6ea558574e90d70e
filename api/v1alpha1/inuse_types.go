package v1alpha1

// Deletion safety: a provider in use, and the Secrets it reads, stay until
// the last Account that refers to it is gone; an Account with
// spec.deletionProtection cannot be deleted (a ValidatingAdmissionPolicy in
// config/deletion-protection and the Helm chart refuses the request).

// InUseFinalizer is carried by an AccountProvider or ClusterAccountProvider
// while Accounts refer to it, and by the Secrets such a provider reads
// (credentials, CA bundle), so that deleting them before the Accounts (helm
// uninstall, Argo CD pruning, a namespace deletion) waits until the Accounts
// have deleted their upstream accounts.
const InUseFinalizer = "accounts.operator.dev/in-use"

// ConditionDeleting is a provider condition, True while its deletion waits
// for the Accounts that use it.
const ConditionDeleting = "Deleting"

// Reasons of deletion safety.
const (
	// ReasonInUse: the provider's deletion waits for the Accounts that use it.
	ReasonInUse = "InUse"
	// ReasonProviderDeleting: the provider is being deleted; no new upstream
	// account is created (or adopted) through it.
	ReasonProviderDeleting = "ProviderDeleting"
	// ReasonProviderUseUnrecorded: the provider has not yet recorded that the
	// Account uses it (its in-use finalizer); nothing is created until it has.
	ReasonProviderUseUnrecorded = "ProviderUseUnrecorded"
)
