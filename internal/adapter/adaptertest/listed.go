// Package adaptertest holds test helpers shared by the upstream adapters'
// tests.
package adaptertest

import (
	"context"
	"testing"

	"github.com/account-operator/account-operator/internal/adapter"
)

// maxPages bounds a test's paging, so a listing that never ends fails.
const maxPages = 100

// Listed pages through l's listing and returns account id's entry; the test
// fails if a page fails or id is not listed.
func Listed(tb testing.TB, l adapter.Lister, id string) *adapter.Listed {
	tb.Helper()
	cursor := ""
	for range maxPages {
		p, err := l.ListPage(context.Background(), cursor)
		if err != nil {
			tb.Fatalf("ListPage: %v", err)
		}
		for i := range p.Accounts {
			if p.Accounts[i].ID == id {
				return &p.Accounts[i]
			}
		}
		if cursor = p.Next; cursor == "" {
			break
		}
	}
	tb.Fatalf("account %s is not listed", id)
	return nil
}
