// Package v1alpha1 contains the accounts.operator.dev/v1alpha1 API: Account,
// AccountProvider and ClusterAccountProvider.
// +kubebuilder:object:generate=true
// +groupName=accounts.operator.dev
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Registration uses apimachinery's SchemeBuilder: controller-runtime's
// scheme.Builder is deprecated, so that API packages stay light to import.
var (
	// GroupVersion is the group and version of this API.
	GroupVersion = schema.GroupVersion{Group: "accounts.operator.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this API.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the kinds of this API to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme

	// objectTypes are the kinds each types file registers in its init.
	objectTypes []runtime.Object
)

func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, objectTypes...)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
