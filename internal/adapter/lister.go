package adapter

import "context"

// Lister is implemented by upstreams that can list the accounts their
// credentials see, page by page. The provider keeps one snapshot of that list
// (controllers' snapshot), and an Account's steady-state poll reads its entry
// from it instead of making a call of its own (Request.Listed).
type Lister interface {
	// ListPage reads one page of the listing: cursor is "" for the first page,
	// else the Next of the page before.
	ListPage(ctx context.Context, cursor string) (Page, error)
}

// Page is one page of an upstream's account listing.
type Page struct {
	Accounts []Listed
	// Next is the cursor of the next page; "" on the last.
	Next string
}

// Listed is one upstream account as a listing shows it.
type Listed struct {
	// ID is the account id as status.accountID holds it.
	ID string
	// Name is the upstream account name (for the provider's inventory).
	Name string
	// Data is the upstream's own record of the account, which only that
	// upstream's Observe reads.
	Data any
}
