package ccm

import (
	"slices"
	"sort"

	ccmapi "github.com/account-operator/account-operator/internal/upstream/ccm"
)

// configPlan is the auth config delta that turns the upstream configs into
// the desired ones: CCM returns configs as a map by id and changes them by
// add (new), mod (replace by id) and del (by id).
type configPlan struct {
	ids []string // per desired config: the upstream id it keeps, "" when added
	mod []int    // desired positions replaced in place
	add []int    // desired positions added
	del []string // upstream ids removed
}

func (c configPlan) changed() bool { return len(c.mod)+len(c.add)+len(c.del) > 0 }

// planConfigs binds desired configs to upstream ids. kept are the ids last
// recorded in status (spec order) and applied their marks. Binding prefers,
// in turn: an identical config (for OAuth, the applied mark must match too,
// since the secret cannot be read back); a config that differs only in
// hidden secrets; any config of the same variant. Keeping ids matters: OAuth
// sign-in URLs name the config id. What stays unbound is added or deleted.
func planConfigs(want []ccmapi.AuthenticationConfig, wantMarks, kept, applied []string,
	up map[string]ccmapi.AuthenticationConfig) configPlan {
	appliedMark := map[string]string{}
	for i, id := range kept {
		if i < len(applied) && id != "" {
			appliedMark[id] = applied[i]
		}
	}
	b := newBinder(kept, up)
	vis := visibles(want)
	pl := configPlan{ids: make([]string, len(want))}
	for i, c := range want {
		pl.ids[i] = b.take(func(id string) bool {
			return b.vis[id] == vis[i] && (!hasSecret(c) || appliedMark[id] == wantMarks[i])
		})
	}
	passes := []func(i int, id string) bool{
		func(i int, id string) bool { return b.vis[id] == vis[i] },
		func(i int, id string) bool { return kindOf(up[id]) == kindOf(want[i]) },
	}
	for _, match := range passes {
		for i := range want {
			if pl.ids[i] == "" {
				if pl.ids[i] = b.take(func(id string) bool { return match(i, id) }); pl.ids[i] != "" {
					pl.mod = append(pl.mod, i)
				}
			}
		}
	}
	for i := range want {
		if pl.ids[i] == "" {
			pl.add = append(pl.add, i)
		}
	}
	sort.Ints(pl.mod)
	pl.del = b.rest()
	return pl
}

// bindNew fills ids of the added positions with the ids that appeared
// upstream (fresh), matching by content; an id CCM did not report stays "",
// and the next observation binds it by content. Added configs that CCM shows
// alike but that differ in hidden secrets stay "" too: which fresh id holds
// which secret cannot be told, and a wrong guess would record the mark of one
// secret against the other's id, so a later rotation would miss it (found by
// FuzzDiff). The cost is one extra PATCH on the next observation.
func bindNew(want []ccmapi.AuthenticationConfig, ids []string, added []int, fresh map[string]ccmapi.AuthenticationConfig) {
	b := newBinder(nil, fresh)
	vis := visibles(want)
	shown := map[string]int{}
	for _, i := range added {
		if hasSecret(want[i]) {
			shown[vis[i]]++
		}
	}
	for _, match := range []func(i int, id string) bool{
		func(i int, id string) bool { return b.vis[id] == vis[i] },
		func(i int, id string) bool { return kindOf(fresh[id]) == kindOf(want[i]) },
	} {
		for _, i := range added {
			if ids[i] == "" && shown[vis[i]] < 2 {
				ids[i] = b.take(func(id string) bool { return match(i, id) })
			}
		}
	}
}

// rebind fills ids after a PATCH from its answer: the added positions get
// the ids that appeared, and so do positions whose id vanished, as on an
// upstream that re-issues every id on update (undocumented). Ids that were
// there before the PATCH are never handed out again: a config CCM kept
// although it was asked to delete it is not one the spec added. An answer
// that shows no configs at all says nothing and leaves ids as they are.
func rebind(want []ccmapi.AuthenticationConfig, ids []string, added []int, before, after map[string]ccmapi.AuthenticationConfig) {
	if len(after) == 0 {
		return
	}
	pos := slices.Clone(added)
	for i, id := range ids {
		if _, ok := after[id]; id != "" && !ok {
			ids[i], pos = "", append(pos, i)
		}
	}
	slices.Sort(pos)
	fresh := map[string]ccmapi.AuthenticationConfig{}
	for id, c := range after {
		if _, old := before[id]; !old && !slices.Contains(ids, id) {
			fresh[id] = c
		}
	}
	bindNew(want, ids, pos, fresh)
}

// binder hands out upstream ids, each once, in a fixed order: kept ids in
// status order first, then the others sorted, so plans are deterministic.
type binder struct {
	order []string
	free  map[string]bool
	vis   map[string]string
}

func newBinder(kept []string, up map[string]ccmapi.AuthenticationConfig) *binder {
	b := &binder{free: map[string]bool{}, vis: map[string]string{}}
	for _, id := range kept {
		if _, ok := up[id]; ok && !b.free[id] {
			b.order, b.free[id] = append(b.order, id), true
		}
	}
	var rest []string
	for id, c := range up {
		b.vis[id] = visible(c)
		if !b.free[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		b.order, b.free[id] = append(b.order, id), true
	}
	return b
}

func (b *binder) take(ok func(id string) bool) string {
	for _, id := range b.order {
		if b.free[id] && ok(id) {
			b.free[id] = false
			return id
		}
	}
	return ""
}

func (b *binder) rest() []string {
	var out []string
	for _, id := range b.order {
		if b.free[id] {
			out = append(out, id)
		}
	}
	return out
}

func visibles(cs []ccmapi.AuthenticationConfig) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = visible(c)
	}
	return out
}
