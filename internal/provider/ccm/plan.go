package ccm

import (
	"bytes"
	"slices"

	v1alpha1 "github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/upstream/ccm"
)

// plan is the difference between the spec and the upstream account: exactly
// what one PATCH must carry.
type plan struct {
	name    string // new name; "" unchanged
	logo    []byte // new logo; nil unchanged
	pcr     []int  // new PCR order; nil unchanged
	configs configPlan
}

// diff compares the upstream account with the desired state. st is the CCM
// status last recorded (nil when none).
func diff(d *desired, a *ccm.Account, st *v1alpha1.CCMAccountStatus) plan {
	var kept []string
	applied := marks{}
	if st != nil {
		kept, applied = st.AuthConfigIDs, parseMarks(st.AppliedHash)
	}
	var p plan
	if a.Name != d.name {
		p.name = d.name
	}
	if d.logo != nil && logoChanged(d, a.CustomLogo, applied.logo) {
		p.logo = d.logo
	}
	if d.pcr != nil && !slices.Equal(d.pcr, a.AzureCvmPcrPriority) {
		p.pcr = d.pcr
	}
	if d.configs != nil {
		p.configs = planConfigs(d.configs, d.marks.configs, kept, applied.configs, a.AuthConfigs)
	}
	return p
}

// logoChanged compares with the logo CCM returns; when it returns none, with
// the mark of the logo last applied.
func logoChanged(d *desired, upstream []byte, appliedMark string) bool {
	if len(upstream) > 0 {
		return !bytes.Equal(upstream, d.logo)
	}
	return appliedMark != d.marks.logo
}

// drift names the spec fields that differ, without values.
func (p plan) drift() []string {
	var out []string
	for _, f := range []struct {
		changed bool
		path    string
	}{
		{p.name != "", "spec.displayName"},
		{p.logo != nil, "spec.ccm.customLogo"},
		{p.configs.changed(), "spec.ccm.authConfigs"},
		{p.pcr != nil, "spec.ccm.azureCVMPCRPriority"},
	} {
		if f.changed {
			out = append(out, f.path)
		}
	}
	return out
}

// settled: logo and configs need no change, so what status records as
// applied (ids, marks) may be refreshed from this observation.
func (p plan) settled() bool { return p.logo == nil && !p.configs.changed() }

// request is the PATCH body with exactly the differing fields.
func (p plan) request(d *desired) ccm.AccountUpdateRequest {
	r := ccm.AccountUpdateRequest{Name: p.name, CustomLogo: p.logo, AzureCvmPcrPriority: p.pcr,
		DelAuthConfigs: p.configs.del}
	for _, i := range p.configs.add {
		r.AddAuthConfigs = append(r.AddAuthConfigs, d.configs[i])
	}
	if len(p.configs.mod) > 0 {
		r.ModAuthConfigs = map[string]ccm.AuthenticationConfig{}
		for _, i := range p.configs.mod {
			r.ModAuthConfigs[p.configs.ids[i]] = d.configs[i]
		}
	}
	return r
}
