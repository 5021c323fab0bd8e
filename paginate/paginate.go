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
//     more results but returns an empty page or the same cursor again.
package paginate

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// ErrNoProgress reports a server that claims more results than it delivers:
// an empty page before the reported total, or a cursor that does not move.
var ErrNoProgress = errors.New("paginate: server claims more results but the page made no progress")

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
// error wrapping [ErrNoProgress].
func Pages[T any, C comparable](ctx context.Context, first C, fetch func(ctx context.Context, cursor C) (Page[T, C], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := first
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
			cursor = p.Next
		}
	}
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
