package ccm

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// maxLogo is CCM's documented logo limit ("Max size 128Kb").
const maxLogo = 128 << 10

// desired is spec.ccm resolved into wire values, Secrets and ConfigMaps read.
// A nil logo, configs or pcr means the spec leaves that part unmanaged: an
// optional field left out does not erase what exists upstream.
type desired struct {
	name      string
	logo      []byte
	configs   []ccmapi.AuthenticationConfig
	pcr       []int
	node      ccmapi.NodeEnrollment
	component ccmapi.Component
	marks     marks // keyed MACs of logo and configs, for status.ccm.appliedHash
}

// resolve reads everything spec.ccm refers to. A missing ConfigMap, Secret or
// key, or a logo CCM would refuse, is terminal and names the spec field.
func (p *Adapter) resolve(ctx context.Context, req *adapter.Request) (*desired, error) {
	spec := req.Account.Spec.CCM
	if spec == nil {
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "spec.ccm: required for a ccm provider")
	}
	d := &desired{name: req.DisplayName(), component: ccmapi.Component(spec.Component),
		node: ccmapi.NodeEnrollment{AttestationEnforcementDisabledInsecure: spec.NodeEnrollment.AttestationEnforcementDisabledInsecure}}
	if spec.CustomLogo != nil {
		logo, err := readLogo(ctx, req.Resolve, spec.CustomLogo.ConfigMapKeyRef)
		if err != nil {
			return nil, err
		}
		d.logo = logo
	}
	for i, c := range spec.AuthConfigs {
		w, err := authConfig(ctx, req.Resolve, fmt.Sprintf("spec.ccm.authConfigs[%d]", i), c)
		if err != nil {
			return nil, err
		}
		d.configs = append(d.configs, w)
	}
	for _, n := range spec.AzureCVMPCRPriority {
		d.pcr = append(d.pcr, int(n))
	}
	d.marks = p.mark(d)
	return d, nil
}

// readLogo reads the logo and checks what CCM checks: at most 128 KiB, and a
// PNG, JPEG or SVG by content.
func readLogo(ctx context.Context, r adapter.Resolver, sel v1alpha1.ConfigMapKeySelector) ([]byte, error) {
	const field = "spec.ccm.customLogo"
	b, err := r.ConfigMapKey(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("%s.configMapKeyRef: %w", field, err)
	}
	switch {
	case len(b) == 0:
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: ConfigMap %q key %q is empty", field, sel.Name, sel.Key)
	case len(b) > maxLogo:
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: ConfigMap %q key %q holds %d bytes; CCM accepts at most %d (128 KiB)", field, sel.Name, sel.Key, len(b), maxLogo)
	case !isImage(b):
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"%s: ConfigMap %q key %q is not a PNG, JPEG or SVG image", field, sel.Name, sel.Key)
	}
	return b, nil
}

// isImage sniffs PNG and JPEG by magic bytes, and SVG as markup with an <svg
// element near the start (the same window CCM's documented check implies).
func isImage(b []byte) bool {
	switch http.DetectContentType(b) {
	case "image/png", "image/jpeg":
		return true
	}
	head := b[:min(len(b), 1024)]
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
	return bytes.HasPrefix(trimmed, []byte("<")) && bytes.Contains(bytes.ToLower(head), []byte("<svg"))
}

// secretKey reads a Secret key that must be non-empty.
func secretKey(ctx context.Context, r adapter.Resolver, field string, sel v1alpha1.SecretKeySelector) ([]byte, error) {
	b, err := r.SecretKey(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	if len(b) == 0 {
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "%s: Secret %q key %q is empty", field, sel.Name, sel.Key)
	}
	if !utf8.Valid(b) {
		// It goes to CCM in a JSON string, which would silently replace the
		// bad bytes: CCM would hold another value than the Secret.
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec, "%s: Secret %q key %q must hold UTF-8 text", field, sel.Name, sel.Key)
	}
	return b, nil
}
