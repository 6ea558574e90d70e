package scp

import (
	"sync"
	"time"
)

// seenAccounts holds the ids of accounts still marked provisioning in their
// status that this process has seen listed in the organization: a 404 for
// them means gone, even within the grace period. A delete writes no status,
// so a close under way is remembered here; after a restart the grace period
// bounds the wait. An entry is useless once the grace period since the sight
// has passed (the mark it overrides has expired by then), so entries that
// old are dropped, which bounds the map by the accounts seen in one period.
type seenAccounts struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (s *seenAccounts) add(id string, now time.Time, grace time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.at == nil {
		s.at = map[string]time.Time{}
	}
	for k, t := range s.at {
		if now.Sub(t) >= grace {
			delete(s.at, k)
		}
	}
	s.at[id] = now
}

func (s *seenAccounts) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.at[id]
	return ok
}
