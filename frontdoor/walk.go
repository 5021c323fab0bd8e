package frontdoor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

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
// Lister's scheme are set.
type Cursor struct {
	Skip       int    // SkipTake: items before the page
	Page       int    // PagePerPage: 0-based page number
	StartIndex int    // SCIM: 1-based index of the page's first item
	From       string // Checkpoint: "" for the first page
	Size       int    // items asked for
}

// Got describes a fetched page: how many items it held, the list's total
// (-1 when not given) and the next checkpoint.
type Got struct {
	N     int
	Total int
	Next  string
}

// Walk fetches the pages of a list one after the other until the list
// ends, calling emit after each page; emit returns false to stop (the
// caller's loop ended). It returns the first error: the fetch's, the
// context's, [ErrPageLimit] when page-based listing cannot reach further,
// or [paginate.ErrNoProgress] when the server claims more but sends
// nothing new.
//
// Walk is not generic so that the generated iterators, one per list
// operation, cost the compiler a closure each and no instantiation.
func Walk(ctx context.Context, l Lister, fetch func(ctx context.Context, c Cursor) (Got, error), emit func() bool) error {
	if l.Size <= 0 {
		return fmt.Errorf("frontdoor: %s: page size must be positive, got %d", l.Op, l.Size)
	}
	seen := 0
	c := Cursor{Size: l.Size, StartIndex: 1}
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("frontdoor: %s: page %d: %w", l.Op, n, err)
		}
		if l.Paging == PagePerPage && l.Limit > 0 && (c.Page+1)*l.Size > l.Limit {
			return fmt.Errorf("%w: %s lists only its first %d results by page, and this operation offers no checkpoint paging; narrow the request (a filter or search query) so that it matches fewer results", ErrPageLimit, l.Op, l.Limit)
		}
		g, err := fetch(ctx, c)
		if err != nil {
			return fmt.Errorf("frontdoor: %s: page %d: %w", l.Op, n, err)
		}
		if g.N > 0 && !emit() {
			return nil
		}
		seen += g.N
		var more bool
		switch l.Paging {
		case Checkpoint:
			if g.Next != "" && g.N > 0 && g.Next == c.From {
				return fmt.Errorf("frontdoor: %s: page %d: %w", l.Op, n, paginate.ErrNoProgress)
			}
			more = g.Next != "" && g.N > 0
			c.From = g.Next
		case SCIM:
			more = g.N > 0 && (g.Total < 0 && g.N >= l.Size || g.Total >= 0 && seen < g.Total)
		default:
			more = g.N >= l.Size
			if g.Total >= 0 {
				more = seen < g.Total
				if more && g.N == 0 {
					return fmt.Errorf("frontdoor: %s: page %d: %w: total is %d but the page at offset %d is empty", l.Op, n, paginate.ErrNoProgress, g.Total, seen)
				}
			}
		}
		if !more {
			return nil
		}
		c.Skip, c.Page, c.StartIndex = seen, c.Page+1, seen+1
	}
}

// Decode finishes a front-door call whose success body is JSON: a
// transport error is returned as is, a non-2xx status as an
// [*apierror.Error], and a 2xx body is decoded into v (an empty body
// leaves v unchanged).
func Decode(resp *http.Response, err error, v any) error {
	body, err := Body(resp, err)
	if err != nil || len(body) == 0 {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: decoding the %d response: %w", where(resp), resp.StatusCode, err)
	}
	return nil
}
