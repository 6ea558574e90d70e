// Package controllers holds the Account and provider controllers and the one
// state machine they share.
//
// A pass (step) ends with an outcome or an error; report (report.go) is the
// only place that turns it into conditions, events, metrics, the status write
// and the requeue. Errors are classified once, where they arise, as
// provider.Error (terminal, transient, not found, pending, with a v1alpha1
// reason); provider.Failure maps the errors of the layers below (an upstream
// HTTP status, a Kubernetes API error) in one place. Functions of a pass note
// events on the pass (pass.event, pass.warning); the reporter records them.
//
// The RBAC markers below are the operator's whole ClusterRole: least privilege
// for what the controllers read and write.
//
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accounts,verbs=list;watch;patch
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accountproviders;clusteraccountproviders,verbs=list;watch
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accounts/status,verbs=patch
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accountproviders/status;clusteraccountproviders/status,verbs=update
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accounts/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;update
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch;create;update
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
package controllers
