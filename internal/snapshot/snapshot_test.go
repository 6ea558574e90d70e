package snapshot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/account-operator/account-operator/internal/adapter"
)

// fakeList is an upstream of accounts "1".."n" listed size per page, with
// knobs for the failures a listing meets.
type fakeList struct {
	mu       sync.Mutex
	ids      []string
	size     int
	calls    int
	failAll  error // every page fails
	failPage int   // this page (from 1) fails; 0: none
	loop     bool  // every page's Next is "1": paging makes no progress
}

func newFake(n, size int) *fakeList {
	f := &fakeList{size: size}
	for i := 1; i <= n; i++ {
		f.ids = append(f.ids, strconv.Itoa(i))
	}
	return f
}

func (f *fakeList) ListPage(_ context.Context, cursor string) (adapter.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	page, _ := strconv.Atoi(cursor)
	if f.failAll != nil || (f.failPage > 0 && page+1 == f.failPage) {
		return adapter.Page{}, errors.New("HTTP 503")
	}
	var out adapter.Page
	from, to := min(page*f.size, len(f.ids)), min((page+1)*f.size, len(f.ids))
	for _, id := range f.ids[from:to] {
		out.Accounts = append(out.Accounts, adapter.Listed{ID: id, Name: "acct-" + id, Data: id})
	}
	if to < len(f.ids) {
		out.Next = strconv.Itoa(page + 1)
	}
	if f.loop {
		out.Next = "1"
	}
	return out, nil
}

func (f *fakeList) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const ttl = 10 * time.Minute

func setup(f *fakeList, maxPages int) (*Snapshot, *clock) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	return New(f, Options{MaxPages: maxPages, Now: c.now, Rand: func() float64 { return 0.5 }}), c
}

// askAll looks up accounts 1..n and returns how many were listed.
func askAll(s *Snapshot, n int) int {
	hits := 0
	for i := 1; i <= n; i++ {
		if _, ok := s.Lookup(context.Background(), strconv.Itoa(i), ttl); ok {
			hits++
		}
	}
	return hits
}

func TestOneListingPerPollInterval(t *testing.T) {
	f := newFake(250, 100)
	s, c := setup(f, 0)
	if hits := askAll(s, 250); hits != 250 || f.count() != 3 {
		t.Fatalf("first poll: %d listed, %d pages read; want 250, 3", hits, f.count())
	}
	c.add(ttl - time.Second) // still fresh: no call
	if hits := askAll(s, 250); hits != 250 || f.count() != 3 {
		t.Fatalf("within the interval: %d listed, %d pages; want 250, 3", hits, f.count())
	}
	c.add(ttl) // stale: one listing for every Account
	if hits := askAll(s, 250); hits != 250 || f.count() != 6 {
		t.Fatalf("next interval: %d listed, %d pages; want 250, 6", hits, f.count())
	}
}

func TestExpiryIsJitteredAndAlignsReaders(t *testing.T) {
	f := newFake(10, 100)
	s, c := setup(f, 0)
	askAll(s, 10)
	v := s.Latest(context.Background(), ttl)
	if life := v.Expires.Sub(v.Taken); life < ttl || life > ttl+ttl/20 {
		t.Fatalf("life %s: want between the interval and 5 %% more", life)
	}
	d, ok := s.NextRefresh(ttl)
	if !ok || d < v.Expires.Sub(c.now()) || d > v.Expires.Sub(c.now())+ttl/20 {
		t.Fatalf("NextRefresh %s, %v: want just after expiry", d, ok)
	}
}

func TestMissingEntryIsNotListedNotGone(t *testing.T) {
	f := newFake(5, 100)
	s, _ := setup(f, 0)
	askAll(s, 5)
	// An account created after the listing (or left out by an eventually
	// consistent one) is simply not listed: the caller reads it.
	if e, ok := s.Lookup(context.Background(), "6", ttl); ok || e != nil {
		t.Fatalf("unlisted account: got %v, %v", e, ok)
	}
	if f.count() != 1 {
		t.Fatalf("a missing entry made %d listings; want none more than the first", f.count())
	}
}

func TestFailedListingFallsBackToReadsAndRetriesLater(t *testing.T) {
	f := newFake(5, 100)
	f.failAll = errors.New("down")
	s, c := setup(f, 0)
	if hits := askAll(s, 5); hits != 0 || f.count() != 1 {
		t.Fatalf("failing listing: %d listed, %d calls; want 0 and one attempt for all", hits, f.count())
	}
	c.add(ttl / 20) // before the retry delay (a tenth of the interval)
	askAll(s, 5)
	if f.count() != 1 {
		t.Fatalf("%d calls before the retry delay; want 1", f.count())
	}
	f.mu.Lock()
	f.failAll = nil
	f.mu.Unlock()
	c.add(ttl / 10)
	if hits := askAll(s, 5); hits != 5 {
		t.Fatalf("after the retry: %d listed; want 5", hits)
	}
	if st := s.Stats(); st.Failures != 1 || st.Lists != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestCutShortListings(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tweak    func(*fakeList)
		maxPages int
		listed   int
	}{
		{"page bound", func(*fakeList) {}, 2, 200},
		{"a later page fails", func(f *fakeList) { f.failPage = 3 }, 0, 200},
		{"paging makes no progress", func(f *fakeList) { f.loop = true }, 0, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(250, 100)
			tc.tweak(f)
			s, _ := setup(f, tc.maxPages)
			if hits := askAll(s, 250); hits != tc.listed {
				t.Fatalf("%d listed; want %d (the rest are read)", hits, tc.listed)
			}
			if v := s.Latest(context.Background(), ttl); v.Complete {
				t.Fatal("a cut-short listing is marked complete")
			}
		})
	}
}

func TestReadsWhenListingCostsMore(t *testing.T) {
	f := newFake(1000, 100) // 10 pages
	s, c := setup(f, 0)
	if hits := askAll(s, 3); hits != 3 || f.count() != 10 {
		t.Fatalf("first interval lists to measure: %d listed, %d pages", hits, f.count())
	}
	c.add(ttl + ttl/10)
	// 3 readers < 10 pages: read instead, for an interval.
	if hits := askAll(s, 3); hits != 0 || f.count() != 10 {
		t.Fatalf("reads cheaper: %d listed, %d pages; want 0, 10", hits, f.count())
	}
	if s.Stats().Listing {
		t.Fatal("Stats().Listing while reads are cheaper")
	}
	if _, ok := s.NextRefresh(ttl); ok {
		t.Fatal("NextRefresh aligns readers while reads are cheaper")
	}
	// Many Accounts now: at the interval's end listing pays again.
	c.add(ttl / 2)
	askAll(s, 20)
	c.add(ttl)
	if hits := askAll(s, 20); hits != 20 || f.count() != 20 {
		t.Fatalf("listing cheaper again: %d listed, %d pages; want 20, 20", hits, f.count())
	}
}

func TestInventoryRelistsRarelyWhileReading(t *testing.T) {
	f := newFake(1000, 100)
	s, c := setup(f, 0)
	if v := s.Latest(context.Background(), ttl); v == nil || v.Len() != 1000 || !v.Complete {
		t.Fatalf("first inventory: %+v", v)
	}
	for i := 1; i < relistEvery; i++ { // no reader: listing is not worth it
		c.add(ttl + ttl/10)
		s.Latest(context.Background(), ttl)
	}
	if f.count() != 10 {
		t.Fatalf("%d pages within %d intervals; want one listing (10)", f.count(), relistEvery)
	}
	c.add(ttl)
	s.Latest(context.Background(), ttl)
	if f.count() != 20 {
		t.Fatalf("%d pages; want a second listing after %d intervals", f.count(), relistEvery)
	}
}

func TestConcurrentReadersShareOneListing(t *testing.T) {
	f := newFake(300, 100)
	s, _ := setup(f, 0)
	var wg sync.WaitGroup
	for i := 1; i <= 300; i++ {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			if _, ok := s.Lookup(context.Background(), id, ttl); !ok {
				t.Errorf("account %s not listed", id)
			}
		}(fmt.Sprint(i))
	}
	wg.Wait()
	if f.count() != 3 {
		t.Fatalf("%d pages for 300 concurrent readers; want one listing (3)", f.count())
	}
}

func TestAccountsSorted(t *testing.T) {
	f := newFake(12, 5)
	s, _ := setup(f, 0)
	v := s.Latest(context.Background(), ttl)
	got := v.Accounts()
	for i := 1; i < len(got); i++ {
		if got[i-1].ID >= got[i].ID {
			t.Fatalf("not sorted: %v", got)
		}
	}
	if e, ok := v.Get("7"); !ok || e.Name != "acct-7" {
		t.Fatalf("Get(7) = %+v, %v", e, ok)
	}
}
