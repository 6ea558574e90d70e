package ccm

import (
	"bytes"
	"slices"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// plan is the difference between the spec and the upstream account: exactly
// what one PATCH must carry.
type plan struct {
	name    string // new name; "" unchanged
	logo    []byte // new logo; nil unchanged
	pcr     []int  // new PCR order; nil unchanged
	configs configPlan
	// configDrift names the auth config fields that differ (configDrift).
	configDrift []string
}

// diff compares the upstream account with the desired state. st is the CCM
// status last recorded (nil when none).
func diff(d *desired, a *ccmapi.Account, st *v1alpha1.CCMAccountStatus) plan {
	var kept []string
	applied := marks{}
	if st != nil {
		kept, applied = st.AuthConfigIDs, parseMarks(st.AppliedHash)
	}
	var p plan
	if a.Name != d.name {
		p.name = d.name
	}
	if d.logo != nil && logoChanged(d, a.CustomLogo, applied) {
		p.logo = d.logo
	}
	if d.pcr != nil && !slices.Equal(d.pcr, a.AzureCvmPcrPriority) {
		p.pcr = d.pcr
	}
	if d.configs != nil {
		p.configs = planConfigs(d.configs, d.marks.configs, kept, applied.configs, a.AuthConfigs)
		p.configDrift = configDrift(d.configs, p.configs, a.AuthConfigs)
	}
	return p
}

// logoChanged: the logo must be sent unless CCM shows exactly the spec's
// bytes, or it was last sent with the spec's bytes and its echo has not
// changed since (CCM may re-encode what it stores). An echo not yet
// recorded is taken as it is, and recorded.
func logoChanged(d *desired, upstream []byte, applied marks) bool {
	switch {
	case bytes.Equal(upstream, d.logo):
		return false
	case applied.logo != d.marks.logo:
		return true
	}
	return applied.logoEcho != "" && applied.logoEcho != echoDigest(upstream)
}

// drift names the spec fields that differ, without values, down to the
// field of an auth config: a field whose update shows no effect can then be
// told apart from the rest.
func (p plan) drift() []string {
	var out []string
	if p.name != "" {
		out = append(out, "spec.displayName")
	}
	if p.logo != nil {
		out = append(out, "spec.ccm.customLogo")
	}
	if p.configs.changed() {
		out = append(out, p.configDrift...)
	}
	if p.pcr != nil {
		out = append(out, "spec.ccm.azureCVMPCRPriority")
	}
	return out
}

// settled: logo and configs need no change, so what status records as
// applied (ids, marks) may be refreshed from this observation.
func (p plan) settled() bool { return p.logo == nil && !p.configs.changed() }

// request is the PATCH body with exactly the differing fields.
func (p plan) request(d *desired) ccmapi.AccountUpdateRequest {
	r := ccmapi.AccountUpdateRequest{Name: p.name, CustomLogo: p.logo, AzureCvmPcrPriority: p.pcr,
		DelAuthConfigs: p.configs.del}
	for _, i := range p.configs.add {
		r.AddAuthConfigs = append(r.AddAuthConfigs, d.configs[i])
	}
	if len(p.configs.mod) > 0 {
		r.ModAuthConfigs = map[string]ccmapi.AuthenticationConfig{}
		for _, i := range p.configs.mod {
			r.ModAuthConfigs[p.configs.ids[i]] = d.configs[i]
		}
	}
	return r
}

// only keeps the parts of the plan whose drift names are in fields: the
// controller passes the drift it wants written, leaving out fields the
// upstream accepted before without showing them. The auth configs go as one
// delta (their ids bind them together), written when any of their names is
// wanted.
func (p plan) only(fields []string) plan {
	keep := func(name string) bool { return slices.Contains(fields, name) }
	if !keep("spec.displayName") {
		p.name = ""
	}
	if !keep("spec.ccm.customLogo") {
		p.logo = nil
	}
	if !keep("spec.ccm.azureCVMPCRPriority") {
		p.pcr = nil
	}
	if !slices.ContainsFunc(p.configDrift, keep) {
		p.configs, p.configDrift = configPlan{ids: p.configs.ids}, nil
	}
	return p
}
