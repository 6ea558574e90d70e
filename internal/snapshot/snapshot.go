// Package snapshot keeps, per provider object, one shared snapshot of the
// accounts an upstream lists, so that the steady-state poll of each Account
// costs a share of a few list pages instead of a call of its own.
//
// The snapshot is refreshed at most once per poll interval (jittered
// upwards by up to 5 %), by the first caller that finds it expired; the
// others wait for that listing. A listing is bounded in pages and time; one
// that stops early (the bound, a page that fails after the first, paging that
// makes no progress) is kept as cut short: its entries are as good as any,
// and an account it lacks is read with a GET, like one a listing lacks
// because it is eventually consistent. A missing entry therefore never says
// that an account is gone. A failed listing is retried after a tenth of the
// poll interval (1 s to 1 min); meanwhile every Account reads its own account.
//
// Listing everything costs more than reading each account when the
// credentials see many more accounts than Accounts use them: at each expiry
// the snapshot compares the pages of its last listing with the Accounts that
// asked during its life, and when reading is cheaper it stops listing for a
// poll interval (Accounts read their own accounts meanwhile), comparing again
// at each interval's end. Then it lists only every relistEvery intervals, for
// the provider's inventory and to measure the pages again.
package snapshot

import (
	"context"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/account-operator/account-operator/internal/adapter"
)

// Bounds of one listing.
const (
	DefaultMaxPages = 1000
	listTimeout     = 2 * time.Minute
	// relistEvery is how many poll intervals a snapshot that stopped listing
	// (reads are cheaper) waits before it lists again for the inventory.
	relistEvery = 10
	// spread is the fraction of the poll interval over which the jitter of a
	// snapshot's life, and the Accounts' reads after its refresh, are spread.
	spread = 0.05
)

// Options tune a Snapshot; the zero value is the default.
type Options struct {
	// MaxPages bounds one listing; 0: DefaultMaxPages.
	MaxPages int
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Rand returns a number in [0, 1) for the jitter; nil: math/rand.
	Rand func() float64
}

// Snapshot is one provider's listing of its upstream's accounts. Safe for
// concurrent use.
type Snapshot struct {
	src  adapter.Lister
	opts Options

	refreshMu sync.Mutex // one listing at a time: the others wait for it

	mu       sync.Mutex
	view     *View
	asked    map[string]struct{} // Accounts that asked since the view was taken (or the GET cycle began)
	byGet    bool                // reads are cheaper: Accounts read their own accounts
	cycleEnd time.Time           // while byGet: when pages and reads are compared again
	retryAt  time.Time           // after a failed listing: no listing before
	lists    int
	failures int
}

// New returns an empty snapshot of src.
func New(src adapter.Lister, opts Options) *Snapshot {
	if opts.MaxPages <= 0 {
		opts.MaxPages = DefaultMaxPages
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	return &Snapshot{src: src, opts: opts, asked: map[string]struct{}{}}
}

// View is one listing.
type View struct {
	// Taken is when the listing began; Expires when it is too old to read.
	Taken, Expires time.Time
	// Complete is false when the listing was cut short.
	Complete bool
	// Pages is how many pages the listing read.
	Pages   int
	entries map[string]adapter.Listed
}

// Len is the number of accounts the view holds.
func (v *View) Len() int { return len(v.entries) }

// Get returns the entry of account id.
func (v *View) Get(id string) (adapter.Listed, bool) {
	e, ok := v.entries[id]
	return e, ok
}

// Accounts are the view's entries sorted by id.
func (v *View) Accounts() []adapter.Listed {
	out := make([]adapter.Listed, 0, len(v.entries))
	for _, e := range v.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns account id's entry from a snapshot at most one poll
// interval (ttl) old, refreshing an expired one first when listing is the
// cheaper way. false: read the account instead (not listed, listing failed,
// or reads are cheaper).
func (s *Snapshot) Lookup(ctx context.Context, id string, ttl time.Duration) (*adapter.Listed, bool) {
	v := s.current(ctx, ttl)
	s.mu.Lock()
	s.asked[id] = struct{}{}
	s.mu.Unlock()
	if v == nil {
		return nil, false
	}
	e, ok := v.entries[id]
	if !ok {
		return nil, false
	}
	return &e, true
}

// current is a fresh view, refreshed when due and worth it, or nil.
func (s *Snapshot) current(ctx context.Context, ttl time.Duration) *View {
	s.mu.Lock()
	now := s.opts.Now()
	if v := s.view; v != nil && now.Before(v.Expires) {
		s.mu.Unlock()
		return v
	}
	list := s.wantList(now, ttl)
	s.mu.Unlock()
	if !list {
		return nil
	}
	return s.refresh(ctx, ttl)
}

// wantList decides, once the view has expired, whether to list again. The
// caller holds mu.
func (s *Snapshot) wantList(now time.Time, ttl time.Duration) bool {
	if now.Before(s.retryAt) {
		return false
	}
	if s.byGet {
		if now.Before(s.cycleEnd) {
			return false
		}
		// A poll interval of reads is over: compare its reads with the pages.
		if s.view != nil && s.view.Pages > len(s.asked) {
			s.asked, s.cycleEnd = map[string]struct{}{}, now.Add(ttl)
			return false
		}
		s.byGet = false
		return true
	}
	if s.view != nil && s.view.Pages > len(s.asked) {
		// Fewer Accounts read the last listing than it had pages.
		s.byGet, s.asked, s.cycleEnd = true, map[string]struct{}{}, now.Add(ttl)
		return false
	}
	return true
}

// Latest is the last listing, for the provider's inventory: refreshed first
// when it has expired and listing is worth it, or, while reads are cheaper,
// when it is relistEvery poll intervals old. nil before the first listing.
func (s *Snapshot) Latest(ctx context.Context, ttl time.Duration) *View {
	s.mu.Lock()
	now, v := s.opts.Now(), s.view
	list := false
	switch {
	case now.Before(s.retryAt):
	case v == nil:
		list = true
	case now.Before(v.Expires):
	case s.byGet:
		list = now.Sub(v.Taken) >= relistEvery*ttl
	default:
		list = s.wantList(now, ttl)
	}
	s.mu.Unlock()
	if list {
		s.refresh(ctx, ttl)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view
}

// NextRefresh is when the fresh view expires, plus a random share of the
// spread, so that the Accounts that read it read the next one just after its
// refresh: a change upstream then reaches each Account within one poll
// interval (and the spread), as with a read of its own. false: no fresh view
// or reads are cheaper.
func (s *Snapshot) NextRefresh(ttl time.Duration) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now, v := s.opts.Now(), s.view
	if v == nil || s.byGet || !now.Before(v.Expires) {
		return 0, false
	}
	return v.Expires.Sub(now) + time.Duration(s.opts.Rand()*spread*float64(ttl)), true
}

// refresh lists the upstream, unless a listing that ended while this caller
// waited already did. nil on failure.
func (s *Snapshot) refresh(ctx context.Context, ttl time.Duration) *View {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	s.mu.Lock()
	now := s.opts.Now()
	if v := s.view; v != nil && now.Before(v.Expires) {
		s.mu.Unlock()
		return v
	}
	if now.Before(s.retryAt) {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listTimeout)
	defer cancel()
	v, err := s.list(lctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failures++
		s.retryAt = s.opts.Now().Add(min(max(ttl/10, time.Second), time.Minute))
		return nil
	}
	s.lists++
	v.Taken = now
	v.Expires = now.Add(ttl + time.Duration(s.opts.Rand()*spread*float64(ttl)))
	s.view = v
	if !s.byGet {
		s.asked = map[string]struct{}{}
	}
	return v
}

// list reads every page, within the bounds. An error on the first page fails
// the listing; a later one cuts it short.
func (s *Snapshot) list(ctx context.Context) (*View, error) {
	v := &View{entries: map[string]adapter.Listed{}}
	cursor, seen := "", map[string]bool{}
	for v.Pages < s.opts.MaxPages {
		p, err := s.src.ListPage(ctx, cursor)
		if err != nil {
			if v.Pages == 0 {
				return nil, err
			}
			return v, nil
		}
		v.Pages++
		for _, a := range p.Accounts {
			if a.ID != "" {
				v.entries[a.ID] = a
			}
		}
		if p.Next == "" {
			v.Complete = true
			return v, nil
		}
		if seen[p.Next] { // paging made no progress
			return v, nil
		}
		seen[p.Next], cursor = true, p.Next
	}
	return v, nil
}

// Stats are a snapshot's figures for the metrics.
type Stats struct {
	// Listing is true while the snapshot serves steady-state polls (listing
	// is cheaper), false while Accounts read their own accounts.
	Listing bool
	// Pages of the last listing; Accounts that read the current view.
	Pages, Readers int
	// Lists and Failures count listings since the snapshot began.
	Lists, Failures int
}

// Stats returns the snapshot's current figures.
func (s *Snapshot) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Listing: !s.byGet, Readers: len(s.asked), Lists: s.lists, Failures: s.failures}
	if s.view != nil {
		st.Pages = s.view.Pages
	}
	return st
}
