package cli

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// placeholder stands for a value the inventory does not show; it passes
// admission, and the comment above it says what to put there.
const (
	placeholder      = "REPLACE-ME"
	placeholderEmail = "replace-me@example.invalid"
)

// placeholders says, per upstream, which required fields are placeholders
// and why they matter.
var placeholders = map[string]string{
	upstreamSCP: "spec.scp.parentUnitID (the account's unit: a difference shows as ObservedDrift), " +
		"landingZoneID and email (both immutable once applied)",
	upstreamVectorCharts: "spec.vectorCharts.username, the account's primary user's login (immutable " +
		"once applied; the operator finds the user by it)",
}

// externalIDPattern is spec.externalID's schema pattern and length.
var externalIDPattern = regexp.MustCompile(`^[-_.a-zA-Z0-9]{1,128}$`)

// importDocument is one YAML document: a comment naming the upstream
// account, then an observe-only Account for it.
func importDocument(ref providerRef, upstream, ns string, u v1alpha1.UpstreamAccountRef, taken map[string]bool) (string, error) {
	if !externalIDPattern.MatchString(u.ID) {
		return "", errNoExternalID
	}
	a := &v1alpha1.Account{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "Account"},
		ObjectMeta: metav1.ObjectMeta{Name: accountName(u, taken), Namespace: ns},
		Spec: v1alpha1.AccountSpec{
			ProviderRef:      v1alpha1.ProviderReference{Kind: ref.kind, Name: v1alpha1.ObjectName(ref.name)},
			ManagementPolicy: v1alpha1.ManagementObserveOnly,
			ExternalID:       u.ID,
			DisplayName:      displayName(upstream, u.Name),
		},
	}
	switch upstream {
	case upstreamCCM:
		a.Spec.CCM = &v1alpha1.CCMAccountSpec{}
	case upstreamSCP:
		a.Spec.SCP = &v1alpha1.SCPAccountSpec{LandingZoneID: placeholder, ParentUnitID: placeholder, Email: placeholderEmail}
	case upstreamVectorCharts:
		a.Spec.VectorCharts = &v1alpha1.VectorChartsAccountSpec{Username: placeholderEmail}
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(a)
	if err != nil {
		return "", err
	}
	delete(m, "status")
	unstructured.RemoveNestedField(m, "metadata", "creationTimestamp")
	out, err := yaml.Marshal(m)
	if err != nil {
		return "", err
	}
	head := fmt.Sprintf("---\n# Upstream %s account %s", upstream, u.ID)
	if u.Name != "" {
		head += fmt.Sprintf(" (%q)", u.Name)
	}
	head += ", unmanaged in " + ref.String() + ".\n"
	if p := placeholders[upstream]; p != "" {
		head += "# Replace " + placeholder + " before applying: " + p + ".\n"
	}
	return head + string(out), nil
}

// displayName is the upstream name, when the schema takes it.
func displayName(upstream, name string) string {
	n := utf8.RuneCountInString(name)
	if n < 1 || n > 128 || (upstream == upstreamSCP && (n < 3 || n > 30)) {
		return ""
	}
	return name
}

var notLabel = regexp.MustCompile(`[^a-z0-9]+`)

// accountName derives a free Account name from the upstream name (or id).
func accountName(u v1alpha1.UpstreamAccountRef, taken map[string]bool) string {
	base := dnsLabel(u.Name)
	if base == "" {
		base = dnsLabel("imported-" + u.ID)
	}
	name := base
	for i := 2; taken[name]; i++ {
		suffix := "-" + strconv.Itoa(i)
		name = strings.TrimRight(base[:min(len(base), validation.DNS1123LabelMaxLength-len(suffix))], "-") + suffix
	}
	taken[name] = true
	return name
}

// dnsLabel turns s into a DNS-1123 label: lower case, runs of other
// characters as one '-', at most 63 characters.
func dnsLabel(s string) string {
	l := strings.Trim(notLabel.ReplaceAllString(strings.ToLower(s), "-"), "-")
	return strings.TrimRight(l[:min(len(l), validation.DNS1123LabelMaxLength)], "-")
}

// usableFrom warns when a ClusterAccountProvider would refuse Accounts in ns
// that observe an existing account: its namespaceSelector or its
// adoptionNamespaceSelector (unset: no namespace) does not select ns. A
// namespace the user cannot read is not judged.
func usableFrom(ctx context.Context, c client.Client, p v1alpha1.ProviderObject, ns string) []string {
	cp, ok := p.(*v1alpha1.ClusterAccountProvider)
	if !ok {
		return nil
	}
	if cp.Spec.AdoptionNamespaceSelector == nil {
		return []string{fmt.Sprintf("ClusterAccountProvider %s has no spec.adoptionNamespaceSelector: no namespace may "+
			"observe an existing account through it, and these Accounts would be Stalled (AdoptionNotAllowed)", cp.Name)}
	}
	n := &corev1.Namespace{}
	if c.Get(ctx, client.ObjectKey{Name: ns}, n) != nil {
		return nil
	}
	var notes []string
	for _, f := range []struct {
		name string
		sel  *metav1.LabelSelector
	}{{"namespaceSelector", cp.Spec.NamespaceSelector}, {"adoptionNamespaceSelector", cp.Spec.AdoptionNamespaceSelector}} {
		s, err := metav1.LabelSelectorAsSelector(f.sel)
		if f.sel != nil && (err != nil || !s.Matches(labels.Set(n.Labels))) {
			notes = append(notes, fmt.Sprintf("ClusterAccountProvider %s's spec.%s does not select namespace %s: "+
				"these Accounts would be Stalled there", cp.Name, f.name, ns))
		}
	}
	return notes
}
