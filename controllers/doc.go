// Package controllers holds the Account and provider controllers and the one
// state machine they share.
//
// The RBAC markers below are the operator's whole ClusterRole: least privilege
// for what the controllers read and write.
//
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accounts;accountproviders;clusteraccountproviders,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accounts/status;accountproviders/status;clusteraccountproviders/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=accounts.operator.dev,resources=accounts/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=configmaps;namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
package controllers
