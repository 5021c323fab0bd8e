package frontdoor

import (
	"context"
	"fmt"

	"github.com/mgmtapi/mgmtapi/paginate"
)

// Paging is a list's paging scheme.
type Paging int

// The paging schemes of the management APIs.
const (
	// SkipTake pages by items skipped and taken (Umbraco skip/take,
	// Asgardeo Applications offset/limit); the page says the total.
	SkipTake Paging = iota
	// PagePerPage pages by 0-based page number and size (Auth0).
	PagePerPage
	// Checkpoint pages by an opaque checkpoint each page names (Auth0
	// from/take).
	Checkpoint
	// SCIM pages by 1-based startIndex and count (RFC 7644 section
	// 3.4.2.4); an empty page ends the list even when totalResults claims
	// more.
	SCIM
)

// Lister describes how to walk one list operation.
type Lister struct {
	// Op names the operation in errors, e.g. "GET /users".
	Op string
	// Paging is the scheme; Size the page size.
	Paging Paging
	Size   int
	// Limit is how many results page-based listing reaches at most
	// (Auth0: 1,000); 0 means no limit.
	Limit int
}

// Cursor is the position of the page to fetch; only the fields of the
// Lister's scheme are set. It is paginate's, whose engine walks the list.
type Cursor = paginate.Cursor

// Got describes a fetched page: its items (a slice, hashed by content to
// recognise pages already seen), the list's total (-1 when not given) and
// the next checkpoint. It is paginate's, whose engine walks the list.
type Got = paginate.Got

// Walk fetches the pages of a list one after the other until the list
// ends, calling emit after each page that brings a new item; emit returns
// false to stop (the caller's loop ended). It is a thin adapter over
// [paginate.Walk], the module's one paging engine, and has its
// guarantees: every walk ends. It returns the first error, naming the
// operation and the page: the fetch's, the context's, [ErrPageLimit] when
// page-based listing cannot reach further, [paginate.ErrCycle] when the
// server repeats a checkpoint or a page (in any order) already fetched, or
// [paginate.ErrNoProgress] when it claims more but sends nothing new.
//
// Walk is not generic so that the generated iterators, one per list
// operation, cost the compiler a closure each and no instantiation.
func Walk(ctx context.Context, l Lister, fetch func(ctx context.Context, c Cursor) (Got, error), emit func() bool) error {
	pl := paginate.List{Op: l.Op, Size: l.Size}
	switch l.Paging {
	case PagePerPage:
		pl.Scheme = paginate.ByPage
		if l.Limit > 0 {
			inner := fetch
			fetch = func(ctx context.Context, c Cursor) (Got, error) {
				if (c.Page+1)*c.Size > l.Limit {
					return Got{}, fmt.Errorf("%w: %s lists only its first %d results by page, and this operation offers no checkpoint paging; narrow the request (a filter or search query) so that it matches fewer results", ErrPageLimit, l.Op, l.Limit)
				}
				return inner(ctx, c)
			}
		}
	case Checkpoint:
		pl.Scheme = paginate.ByCheckpoint
	case SCIM:
		pl.Scheme, pl.EmptyEnds = paginate.ByStartIndex, true
	default:
		pl.Scheme = paginate.BySkip
	}
	return paginate.Walk(ctx, pl, fetch, emit)
}
