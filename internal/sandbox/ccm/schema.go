package ccm

import "sort"

// validateCreate checks an AccountRequest. azure_cvm_pcr_priority is not part
// of it (only of AccountUpdateRequest), so it is rejected as unknown.
func validateCreate(body map[string]any) error {
	if err := checkKeys(body, "", "name", "custom_logo", "auth_configs", "node_enrollment", "component"); err != nil {
		return err
	}
	name, err := reqString(body, "name", "")
	if err != nil {
		return err
	}
	if name == "" {
		return errf("name", "must not be empty")
	}
	if err := validateLogo(body, ""); err != nil {
		return err
	}
	if v, ok := body["auth_configs"]; ok {
		list, err := asArray(v, "auth_configs")
		if err != nil {
			return err
		}
		for i, c := range list {
			if _, err := validateAuthConfig(c, indexField("auth_configs", i)); err != nil {
				return err
			}
		}
	}
	if v, ok := body["node_enrollment"]; ok {
		ne, err := asObject(v, "node_enrollment")
		if err != nil {
			return err
		}
		if err := checkKeys(ne, "node_enrollment", "attestation_enforcement_disabled_insecure"); err != nil {
			return err
		}
		if err := reqBool(ne, "attestation_enforcement_disabled_insecure", "node_enrollment"); err != nil {
			return err
		}
	}
	_, _, err = optEnum(body, "component", "", "DEFAULT", "CONFIDENTIAL_AI")
	return err
}

// patch is a validated AccountUpdateRequest, applied only once all of it is valid.
type patch struct {
	name, logo, status     *string
	defaultGroup, mktGroup *string
	enabled                *bool
	pcr                    []int
	add                    []map[string]any
	mod                    map[string]map[string]any
	del                    []string
}

var updateKeys = []string{"name", "custom_logo", "add_auth_configs", "mod_auth_configs", "del_auth_configs",
	"enabled", "default_group_id", "marketplace_group_id", "account_status", "azure_cvm_pcr_priority"}

// validateUpdate checks an AccountUpdateRequest against the account: mod and
// del must name existing auth config ids.
func validateUpdate(body map[string]any, a *account) (*patch, error) {
	for _, k := range []string{"component", "node_enrollment"} {
		if _, ok := body[k]; ok {
			return nil, errf(k, "cannot be changed after the account is created")
		}
	}
	if err := checkKeys(body, "", updateKeys...); err != nil {
		return nil, err
	}
	p := &patch{}
	steps := []func(map[string]any, *account) error{p.scalars, p.groups, p.configs, p.deletes}
	for _, step := range steps {
		if err := step(body, a); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *patch) scalars(body map[string]any, _ *account) error {
	if s, ok, err := optString(body, "name", ""); err != nil {
		return err
	} else if ok {
		if s == "" {
			return errf("name", "must not be empty")
		}
		p.name = &s
	}
	if err := validateLogo(body, ""); err != nil {
		return err
	}
	if s, ok := body["custom_logo"].(string); ok {
		p.logo = &s
	}
	if err := optBool(body, "enabled", ""); err != nil {
		return err
	}
	if b, ok := body["enabled"].(bool); ok {
		p.enabled = &b
	}
	if s, ok, err := optEnum(body, "account_status", "", "Active", "Deactivated"); err != nil {
		return err
	} else if ok {
		p.status = &s
	}
	if v, ok := body["azure_cvm_pcr_priority"]; ok {
		pcr, err := validatePCR(v, "azure_cvm_pcr_priority")
		if err != nil {
			return err
		}
		p.pcr = pcr
	}
	return nil
}

func (p *patch) groups(body map[string]any, _ *account) error {
	for key, dst := range map[string]**string{"default_group_id": &p.defaultGroup, "marketplace_group_id": &p.mktGroup} {
		s, ok, err := optString(body, key, "")
		if err != nil {
			return err
		}
		if ok && !isUUID(s) {
			return errf(key, "must be a UUID")
		}
		if ok {
			*dst = &s
		}
	}
	return nil
}

func (p *patch) configs(body map[string]any, a *account) error {
	if v, ok := body["add_auth_configs"]; ok {
		list, err := asArray(v, "add_auth_configs")
		if err != nil {
			return err
		}
		for i, c := range list {
			cfg, err := validateAuthConfig(c, indexField("add_auth_configs", i))
			if err != nil {
				return err
			}
			p.add = append(p.add, cfg)
		}
	}
	v, ok := body["mod_auth_configs"]
	if !ok {
		return nil
	}
	m, err := asObject(v, "mod_auth_configs")
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids) // deterministic error when several are wrong
	p.mod = map[string]map[string]any{}
	for _, id := range ids {
		f := "mod_auth_configs." + id
		if _, ok := a.authConfigs[id]; !ok {
			return errf(f, "no auth config with this id")
		}
		cfg, err := validateAuthConfig(m[id], f)
		if err != nil {
			return err
		}
		p.mod[id] = cfg
	}
	return nil
}

func (p *patch) deletes(body map[string]any, a *account) error {
	v, ok := body["del_auth_configs"]
	if !ok {
		return nil
	}
	list, err := asArray(v, "del_auth_configs")
	if err != nil {
		return err
	}
	for i, item := range list {
		f := indexField("del_auth_configs", i)
		id, ok := item.(string)
		switch {
		case !ok:
			return errf(f, "must be a string")
		case a.authConfigs[id] == nil:
			return errf(f, "no auth config with this id")
		case p.mod[id] != nil:
			return errf(f, "the same id is also in mod_auth_configs")
		}
		p.del = append(p.del, id)
	}
	return nil
}

// apply changes the account as the variants in force do: fields they
// ignore stay as they are (the 200 says nothing), stored forms are
// normalised, and ids may be re-issued. Caller holds mu.
func (p *patch) apply(a *account, v Variants) {
	set := func(field string, dst *string, val *string) {
		if val != nil && !v.ignores(field) {
			*dst = *val
		}
	}
	set("name", &a.name, p.name)
	if p.logo != nil && v.NormaliseLogo {
		logo := reencodeLogo(*p.logo)
		p.logo = &logo
	}
	set("custom_logo", &a.logo, p.logo)
	set("account_status", &a.accountStatus, p.status)
	set("default_group_id", &a.defaultGroup, p.defaultGroup)
	set("marketplace_group_id", &a.marketplaceGroup, p.mktGroup)
	if p.enabled != nil && !v.ignores("enabled") {
		a.enabled = *p.enabled
	}
	if p.pcr != nil && !v.ignores("azure_cvm_pcr_priority") {
		a.pcr = p.pcr
	}
	p.applyConfigs(a, v)
}

func (p *patch) applyConfigs(a *account, v Variants) {
	if !v.ignores("mod_auth_configs") {
		for id, cfg := range p.mod {
			a.authConfigs[id] = v.stored(cfg)
		}
	}
	if !v.ignores("del_auth_configs") {
		for _, id := range p.del {
			delete(a.authConfigs, id)
		}
	}
	if !v.ignores("add_auth_configs") {
		for _, cfg := range p.add {
			a.authConfigs[newUUID()] = v.stored(cfg)
		}
	}
	if v.RekeyConfigs {
		rekeyed := make(map[string]map[string]any, len(a.authConfigs))
		for _, id := range a.configIDs() {
			rekeyed[newUUID()] = a.authConfigs[id]
		}
		a.authConfigs = rekeyed
	}
}

// stored is a validated auth config as the variants in force store it.
func (v Variants) stored(cfg map[string]any) map[string]any {
	if v.NormaliseURLs {
		normaliseURLs(cfg)
	}
	return cfg
}
