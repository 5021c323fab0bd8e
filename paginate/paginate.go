// Package paginate turns the paged list endpoints of the management APIs
// into Go iterators ([iter.Seq2] of item and error) that fetch pages lazily.
//
// One engine, [Pages], drives any cursor; thin adapters cover the schemes
// of the supported APIs:
//
//   - [SkipTake]: Umbraco's skip/take with a total;
//   - [PagePerPage]: Auth0's page/per_page (include_totals=true);
//   - [Checkpoint]: Auth0's from/take with a next checkpoint;
//   - [SCIM]: SCIM's 1-based startIndex/count with totalResults.
//
// Adapters take a closure that performs one generated client call, so they do
// not depend on generated types. Every iterator
//
//   - fetches the next page only when the consumer asks for its first item,
//     so breaking out of a range loop stops fetching;
//   - checks the context before each fetch;
//   - stops at the first error, yielding it once (wrapped with the page
//     number; errors.Is and errors.As see the cause);
//   - never requests a page past the end: it stops when the total is reached,
//     on an empty page, or when no next cursor is given;
//   - fails with [ErrNoProgress] instead of looping when a server claims
//     more results but returns an empty page or the same cursor again;
//   - fails with [ErrCycle] (which also matches [ErrNoProgress]) when a
//     server sends a cursor it already sent (A→B→A) or a page identical to
//     the previous one, as a server that ignores the offset does while
//     claiming a growing total or sending full pages without one.
package paginate

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"strconv"
)

// ErrNoProgress reports a server that claims more results than it delivers:
// an empty page before the reported total, or a cursor that does not move.
var ErrNoProgress = errors.New("paginate: server claims more results but the page made no progress")

// ErrCycle reports a server that leads the iterator in a circle: a next
// cursor that was already fetched, or a page whose items equal the previous
// page's. Errors wrapping it also match [ErrNoProgress].
var ErrCycle = errors.New("paginate: server repeats a page or cursor already seen")

// Page is one fetched page of items and where the next one starts.
type Page[T any, C comparable] struct {
	// Items are the page's items, in order.
	Items []T
	// Next is the cursor of the following page; ignored unless More.
	Next C
	// More reports that a following page exists. The zero value ends the
	// iteration, so a fetch that forgets it cannot loop.
	More bool
}

// Pages returns an iterator over the items of all pages, starting with the
// page at cursor first. fetch is called once per page, lazily, with the
// cursor of the page to fetch. A page with More set must carry items and a
// Next different from its own cursor; otherwise the iterator yields an
// error wrapping [ErrNoProgress]. A Next that was already fetched, or a
// non-empty page whose items equal the previous page's (reflect.DeepEqual),
// yields an error wrapping [ErrCycle] and [ErrNoProgress]; the repeated
// page's items are not yielded. Pages remembers every cursor it fetched
// (one per page) and the previous page's items.
func Pages[T any, C comparable](ctx context.Context, first C, fetch func(ctx context.Context, cursor C) (Page[T, C], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := first
		seen := map[C]struct{}{first: {}}
		var prev []T
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(zero, fmt.Errorf("paginate: page %d: %w", n, err))
				return
			}
			p, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, fmt.Errorf("paginate: page %d: %w", n, err))
				return
			}
			if n > 1 && len(p.Items) > 0 && reflect.DeepEqual(p.Items, prev) {
				yield(zero, fmt.Errorf("paginate: page %d: its %d items equal page %d's: %w", n, len(p.Items), n-1, errCycle))
				return
			}
			for _, item := range p.Items {
				if !yield(item, nil) {
					return
				}
			}
			if !p.More {
				return
			}
			if len(p.Items) == 0 || p.Next == cursor {
				yield(zero, fmt.Errorf("paginate: page %d: %w", n, ErrNoProgress))
				return
			}
			if _, dup := seen[p.Next]; dup {
				yield(zero, fmt.Errorf("paginate: page %d: next cursor %s was fetched before: %w", n, describe(p.Next), errCycle))
				return
			}
			seen[p.Next] = struct{}{}
			prev = p.Items
			cursor = p.Next
		}
	}
}

// errCycle wraps both sentinels, so callers that only know ErrNoProgress
// still recognise a cycle.
var errCycle = fmt.Errorf("%w (%w)", ErrCycle, ErrNoProgress)

// describe renders a cursor for an error message: strings are quoted and
// shortened, since a cursor is server-provided text.
func describe(c any) string {
	s := fmt.Sprintf("%v", c)
	if _, ok := c.(string); ok {
		if len(s) > 64 {
			s = s[:64] + "…"
		}
		return strconv.QuoteToASCII(s)
	}
	return s
}

// Collect drains seq into a slice. On error it returns the items read so far
// and the error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var all []T
	for item, err := range seq {
		if err != nil {
			return all, err
		}
		all = append(all, item)
	}
	return all, nil
}

// fail returns an iterator that yields err once, for invalid arguments.
func fail[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
