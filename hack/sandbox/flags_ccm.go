package main

import (
	"flag"
	"fmt"
	"strings"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
)

// ccmFlags are the CCM simulator's switches for behaviour the vendor does
// not document (ccm.Variants); the admin endpoint's POST /ccm/variants
// changes them while the sandbox runs.
type ccmFlags struct {
	missingStatus   int
	duplicateStatus int
	selectNoContent bool
	selectPath      string
	expiryMillis    bool
	normalise       string
	patchIgnores    string
}

// ccmNormalisations are the words -ccm-normalise takes.
var ccmNormalisations = map[string]func(*ccmsandbox.Variants){
	"logo":    func(v *ccmsandbox.Variants) { v.NormaliseLogo = true },
	"urls":    func(v *ccmsandbox.Variants) { v.NormaliseURLs = true },
	"reorder": func(v *ccmsandbox.Variants) { v.ReorderConfigs = true },
	"rekey":   func(v *ccmsandbox.Variants) { v.RekeyConfigs = true },
	"all":     func(v *ccmsandbox.Variants) { *v = allNormalised(*v) },
	"":        func(*ccmsandbox.Variants) {},
	"none":    func(*ccmsandbox.Variants) {},
}

func allNormalised(v ccmsandbox.Variants) ccmsandbox.Variants {
	v.NormaliseLogo, v.NormaliseURLs, v.ReorderConfigs, v.RekeyConfigs = true, true, true, true
	return v
}

func (f *ccmFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.missingStatus, "ccm-missing-account-status", 404,
		"CCM status for a deleted or unknown account id: 404 or 403")
	fs.IntVar(&f.duplicateStatus, "ccm-duplicate-name-status", 400,
		"CCM status for a create or rename onto a name another account holds: 400 or 409")
	fs.BoolVar(&f.selectNoContent, "ccm-select-no-content", false,
		"CCM select_account answers 204 with no body instead of 200 with session_info")
	fs.StringVar(&f.selectPath, "ccm-select-path", ccmsandbox.SelectSession,
		"where CCM serves select_account: session (/v1/sys/session/select_account/{id}), accounts (em-client's /v1/accounts/select_account/{id}) or both")
	fs.BoolVar(&f.expiryMillis, "ccm-expiry-millis", false,
		"CCM session expiry timestamps in epoch milliseconds instead of seconds")
	fs.StringVar(&f.normalise, "ccm-normalise", "",
		"comma-separated CCM echo normalisations: logo (re-encoded, other base64 form), urls (RFC 3986 normal form), reorder (auth config keys and pinned CAs), rekey (new auth config ids on every PATCH), all")
	fs.StringVar(&f.patchIgnores, "ccm-patch-ignores", "",
		"comma-separated AccountUpdateRequest fields a CCM PATCH accepts with 200 but does not apply, e.g. azure_cvm_pcr_priority,custom_logo")
}

// variants turns the flags into the simulator's switches, or says which flag is wrong.
func (f ccmFlags) variants() (ccmsandbox.Variants, error) {
	v := ccmsandbox.Variants{MissingAccountStatus: f.missingStatus, DuplicateNameStatus: f.duplicateStatus,
		SelectNoContent: f.selectNoContent,
		SelectPath:      f.selectPath, ExpiryMillis: f.expiryMillis}
	for _, w := range strings.Split(f.normalise, ",") {
		set, ok := ccmNormalisations[strings.TrimSpace(w)]
		if !ok {
			return v, fmt.Errorf("-ccm-normalise: %q is not one of logo, urls, reorder, rekey, all", w)
		}
		set(&v)
	}
	for _, field := range strings.Split(f.patchIgnores, ",") {
		if field = strings.TrimSpace(field); field != "" {
			v.PatchIgnores = append(v.PatchIgnores, field)
		}
	}
	if err := v.Check(); err != nil {
		return v, fmt.Errorf("-ccm-*: %w", err)
	}
	return v, nil
}

// ccmVariants are the checked switches (parseFlags has refused bad ones).
func (c config) ccmVariants() ccmsandbox.Variants {
	v, _ := c.ccm.variants()
	return v
}
