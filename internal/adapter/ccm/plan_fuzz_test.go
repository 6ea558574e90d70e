package ccm

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// fuzzBytes hands out the fuzz input one byte at a time, then zeros.
type fuzzBytes []byte

func (r *fuzzBytes) next() byte {
	if len(*r) == 0 {
		return 0
	}
	c := (*r)[0]
	*r = (*r)[1:]
	return c
}

// config draws an auth config from small alphabets, so that the interesting
// cases (equal configs, equal but for a secret, same variant) are common.
func (r *fuzzBytes) config() ccmapi.AuthenticationConfig {
	k := r.next()
	switch k % 3 {
	case 0:
		return ccmapi.AuthenticationConfig{Password: &ccmapi.AuthConfigPassword{Require2FA: k&4 != 0, AdministratorsOnly: k&8 != 0}}
	case 1:
		return ccmapi.AuthenticationConfig{ClusterAuthRef: &ccmapi.AuthConfigRef{TargetID: fmt.Sprint("t", k>>2%3)}}
	}
	o := &ccmapi.AuthConfigOauth{IdpName: []string{"okta", "google"}[k>>2%2], ClientID: "client",
		IdpAuthorizationEndpoint: "https://idp/auth", IdpTokenEndpoint: "https://idp/token",
		ClientSecret: ccmapi.WireSecret(fmt.Sprint("secret-", r.next()%3))}
	switch t := r.next(); t % 4 {
	case 0:
		o.TLS = ccmapi.TLSDisabled()
	case 1:
		o.TLS = ccmapi.TLSOpportunistic()
	default:
		req := ccmapi.TlsConfigRequired{ValidateHostname: true, Ca: ccmapi.CaConfig{CaSet: ccmapi.CaSetGlobalRoots}}
		if t%4 == 3 {
			req.ClientCert, req.ClientKey = []byte("cert"), ccmapi.SecretBytes(fmt.Sprint("key-", t>>2%2))
		}
		o.TLS = ccmapi.TLSRequired(req)
	}
	return ccmapi.AuthenticationConfig{Oauth: o}
}

// state is the true upstream account: configs with their secrets.
type state struct {
	name    string
	logo    []byte
	pcr     []int
	configs map[string]ccmapi.AuthenticationConfig
}

// read is the account as CCM returns it: secrets blanked, the logo only when
// showLogo (CCM is not documented to return it).
func (s state) read(showLogo bool) *ccmapi.Account {
	a := &ccmapi.Account{Name: s.name, AzureCvmPcrPriority: slices.Clone(s.pcr), AuthConfigs: hidden(s.configs)}
	if showLogo {
		a.CustomLogo = slices.Clone(s.logo)
	}
	return a
}

func hidden(cs map[string]ccmapi.AuthenticationConfig) map[string]ccmapi.AuthenticationConfig {
	out := map[string]ccmapi.AuthenticationConfig{}
	for id, c := range cs {
		var v ccmapi.AuthenticationConfig
		if err := json.Unmarshal([]byte(visible(c)), &v); err != nil {
			panic(err)
		}
		out[id] = v
	}
	return out
}

// apply is CCM's PATCH as the reference describes it, after a JSON round
// trip of the request: del, then mod by id, then add under fresh ids.
func (s state) apply(t *testing.T, req ccmapi.AccountUpdateRequest, fresh []string) state {
	raw, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("PATCH body does not marshal: %v", err)
	}
	var got ccmapi.AccountUpdateRequest
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("PATCH body %s does not unmarshal: %v", raw, err)
	}
	out := state{name: s.name, logo: s.logo, pcr: s.pcr, configs: maps.Clone(s.configs)}
	if got.Name != "" {
		out.name = got.Name
	}
	if got.CustomLogo != nil {
		out.logo = got.CustomLogo
	}
	if got.AzureCvmPcrPriority != nil {
		out.pcr = got.AzureCvmPcrPriority
	}
	for _, id := range got.DelAuthConfigs {
		delete(out.configs, id)
	}
	for id, c := range got.ModAuthConfigs {
		out.configs[id] = c
	}
	for i, c := range got.AddAuthConfigs {
		out.configs[fresh[i]] = c
	}
	return out
}

// scenario is one fuzz case: a desired state, the true upstream state, what
// status.ccm records, and the ids CCM gives added configs.
type scenario struct {
	d        *desired
	up       state
	st       *v1alpha1.CCMAccountStatus
	fresh    []string
	showLogo bool
}

var fuzzLogos = [][]byte{[]byte("\x89PNG\r\n\x1a\nA"), []byte("<svg/>")}

func newScenario(p *Adapter, name string, data []byte) scenario {
	r := fuzzBytes(data)
	flags := r.next()
	sc := scenario{d: &desired{name: name}, showLogo: flags&1 != 0,
		up: state{name: fmt.Sprint("n", r.next()%2), logo: fuzzLogos[r.next()%2], pcr: []int{int(r.next() % 3), 1},
			configs: map[string]ccmapi.AuthenticationConfig{}}}
	if flags&2 != 0 {
		sc.d.logo = fuzzLogos[r.next()%2]
	}
	if flags&4 != 0 {
		sc.d.pcr = []int{int(r.next() % 3), 1}
	}
	for range r.next() % 6 {
		sc.d.configs = append(sc.d.configs, r.config())
	}
	if flags&8 != 0 && sc.d.configs == nil {
		sc.d.configs = []ccmapi.AuthenticationConfig{} // managed, and empty: delete every config
	}
	for range r.next() % 6 {
		sc.up.configs[fmt.Sprintf("u%x", r.next()%16)] = r.config()
	}
	for range len(sc.d.configs) {
		sc.fresh = append(sc.fresh, fmt.Sprintf("z%02x%x", r.next(), len(sc.fresh)))
	}
	sc.d.marks = p.mark(sc.d)
	if flags&16 != 0 {
		sc.st = truthfulStatus(p, sc.up, &r)
	}
	return sc
}

// truthfulStatus records some upstream ids (and ids that are gone), each with
// either the mark of what is really there or a stale one: status can be old,
// but it never claims a secret that was not applied.
func truthfulStatus(p *Adapter, up state, r *fuzzBytes) *v1alpha1.CCMAccountStatus {
	ids := slices.Sorted(maps.Keys(up.configs))
	var m marks
	var kept []string
	for range r.next() % 7 {
		k := r.next()
		id := "gone"
		if len(ids) > 0 && k%4 != 0 {
			id = ids[int(k>>2)%len(ids)]
		}
		mark := "stale"
		if c, ok := up.configs[id]; ok && k&128 != 0 {
			mark = p.mark(&desired{configs: []ccmapi.AuthenticationConfig{c}}).configs[0]
		}
		kept, m.configs = append(kept, id), append(m.configs, mark)
	}
	m.logo = "stale"
	if r.next()%2 == 0 {
		m.logo = p.mark(&desired{logo: up.logo}).logo
	}
	return &v1alpha1.CCMAccountStatus{AuthConfigIDs: kept, AppliedHash: m.String()}
}

// FuzzDiff: for any desired state, upstream state and truthful status, diff
// never panics, binds every upstream id at most once, and the PATCH it asks
// for turns the upstream into exactly the desired state. The status the
// adapter then records is truthful, and the next diff is empty (or, when
// bindNew left ids unbound, the one after it).
func FuzzDiff(f *testing.F) {
	f.Add("acct", []byte{})
	f.Add("acct", []byte{0xff, 0, 1, 0, 1, 3, 0, 2, 5, 1, 4, 6, 3, 1, 2, 8, 0, 9, 1, 5, 0xff, 0x83, 0x87, 1, 2, 3})
	f.Add("Team ü", []byte{0x1e, 1, 0, 0, 2, 2, 1, 2, 2, 2, 3, 2, 2, 1, 2, 2, 2, 3, 7, 9, 0x81, 0x85, 0x89})
	f.Add("n0", []byte{0x18, 0, 0, 0, 0, 3, 0, 4, 8, 3, 1, 0, 2, 4, 8, 0x80, 0x84, 0x88})
	// An OAuth client secret rotated: status holds the old secret's mark.
	f.Add("acct", []byte{16, 0, 0, 0, 1, 2, 1, 0, 1, 0, 2, 0, 0, 0, 1, 0x81, 0})
	p := &Adapter{key: "k"}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		// Spec strings come from the API server as JSON, so valid UTF-8; and
		// DisplayName falls back to metadata.name, so never empty.
		if name = strings.ToValidUTF8(name, "\uFFFD"); name == "" {
			name = "acct"
		}
		sc := newScenario(p, name, data)
		up, st, allBound := sc.up, sc.st, false
		for round := 0; ; round++ {
			pl := diff(sc.d, up.read(sc.showLogo), st)
			checkBinding(t, sc.d, up, pl)
			switch drift := pl.drift(); {
			case round > 0 && len(drift) == 0:
				return
			case round > 0 && allBound, round > 1:
				t.Fatalf("update %d left drift %v (%+v)", round, drift, pl)
			}
			if pl.settled() {
				checkTruthful(t, sc.d, up, pl.configs.ids)
			}
			fresh := make([]string, len(sc.fresh))
			for i, id := range sc.fresh {
				fresh[i] = fmt.Sprint(round, id)
			}
			before := up
			up = up.apply(t, pl.request(sc.d), fresh)
			checkDesired(t, sc.d, up)
			ids := slices.Clone(pl.configs.ids)
			rebind(sc.d.configs, ids, pl.configs.add, hidden(before.configs), hidden(up.configs))
			checkTruthful(t, sc.d, up, ids)
			st, allBound = &v1alpha1.CCMAccountStatus{AuthConfigIDs: ids, AppliedHash: sc.d.marks.String()}, !slices.Contains(ids, "")
		}
	})
}

// checkBinding: every desired config keeps a distinct existing id or is
// added; every other upstream id is deleted; mod is a sorted subset of the
// kept positions.
func checkBinding(t *testing.T, d *desired, up state, pl plan) {
	t.Helper()
	c := pl.configs
	if d.configs == nil {
		if c.changed() || c.ids != nil {
			t.Fatalf("unmanaged configs planned: %+v", c)
		}
		return
	}
	if len(c.ids) != len(d.configs) {
		t.Fatalf("%d ids for %d configs", len(c.ids), len(d.configs))
	}
	seen := map[string]bool{}
	var unbound []int
	for i, id := range c.ids {
		if id == "" {
			unbound = append(unbound, i)
			continue
		}
		if _, ok := up.configs[id]; !ok || seen[id] {
			t.Fatalf("ids %v: %q is unknown or bound twice", c.ids, id)
		}
		seen[id] = true
	}
	if !slices.Equal(unbound, c.add) {
		t.Fatalf("add = %v, want the unbound positions %v", c.add, unbound)
	}
	if !slices.IsSorted(c.mod) || len(slices.Compact(slices.Clone(c.mod))) != len(c.mod) {
		t.Fatalf("mod %v is not strictly increasing", c.mod)
	}
	for _, i := range c.mod {
		if c.ids[i] == "" {
			t.Fatalf("mod %v names an added position", c.mod)
		}
	}
	for _, id := range c.del {
		if _, ok := up.configs[id]; !ok || seen[id] {
			t.Fatalf("del %v: %q is unknown, kept or deleted twice", c.del, id)
		}
		seen[id] = true
	}
	if len(seen) != len(up.configs) {
		t.Fatalf("ids %v and del %v do not cover the upstream ids %v", c.ids, c.del, slices.Sorted(maps.Keys(up.configs)))
	}
}

// checkTruthful: each id recorded for a desired config holds exactly that
// config upstream, secrets included, as the marks recorded with it claim.
func checkTruthful(t *testing.T, d *desired, up state, ids []string) {
	t.Helper()
	for i, id := range ids {
		if id != "" && wire(up.configs[id]) != wire(d.configs[i]) {
			t.Fatalf("status binds config %d to %q, which holds %s, not %s", i, id, wire(up.configs[id]), wire(d.configs[i]))
		}
	}
}

// checkDesired: every managed part of the upstream equals the desired one.
func checkDesired(t *testing.T, d *desired, up state) {
	t.Helper()
	if up.name != d.name {
		t.Fatalf("name %q, want %q", up.name, d.name)
	}
	if d.logo != nil && string(up.logo) != string(d.logo) {
		t.Fatalf("logo %q, want %q", up.logo, d.logo)
	}
	if d.pcr != nil && !slices.Equal(up.pcr, d.pcr) {
		t.Fatalf("pcr %v, want %v", up.pcr, d.pcr)
	}
	if d.configs == nil {
		return
	}
	var got, want []string
	for _, c := range up.configs {
		got = append(got, wire(c))
	}
	for _, c := range d.configs {
		want = append(want, wire(c))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("configs upstream %v, want %v", got, want)
	}
}

// wire is a config as it travels, secrets included.
func wire(c ccmapi.AuthenticationConfig) string {
	raw, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	return string(raw)
}
