// Package paginate turns the paged list endpoints of the management APIs
// into Go iterators ([iter.Seq2] of item and error) that fetch pages lazily.
//
// One engine, [Walk], drives every iterator of the module; it is not
// generic, so the generated …All iterators (through frontdoor.Walk) cost
// no instantiation. Generic adapters cover the schemes of the supported
// APIs:
//
//   - [SkipTake]: Umbraco's skip/take with a total;
//   - [PagePerPage]: Auth0's page/per_page (include_totals=true);
//   - [Checkpoint]: Auth0's from/take with a next checkpoint;
//   - [SCIM]: SCIM's 1-based startIndex/count with totalResults;
//   - [Pages]: any comparable cursor; [All]: any [List].
//
// Adapters take a closure that performs one generated client call, so they do
// not depend on generated types. Every iterator
//
//   - fetches the next page only when the consumer asks for its first item,
//     so breaking out of a range loop stops fetching;
//   - checks the context before each fetch;
//   - stops at the first error, yielding it once (wrapped with the
//     operation and the page number; errors.Is and errors.As see the cause);
//   - never requests a page past the end: it stops when the total is reached,
//     on an empty page, or when no next cursor is given;
//   - ends, whatever the server sends: it fails with [ErrNoProgress]
//     instead of looping when a server claims more results but returns an
//     empty page, the same cursor again, or pages of items already seen,
//     and with [ErrCycle] (which also matches [ErrNoProgress]) when a
//     server sends a cursor it already sent (A→B→A) or a page whose items,
//     in any order, are an earlier page's, as a server that ignores the
//     offset does while claiming a growing total or none.
package paginate

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"strconv"
)

// ErrNoProgress reports a server that claims more results than it delivers:
// an empty page before the reported total, a cursor that does not move, or
// pages in a row that bring no item not seen before.
var ErrNoProgress = errors.New("paginate: server claims more results but the page made no progress")

// ErrCycle reports a server that leads the iterator in a circle: a next
// cursor that was already fetched, or a page whose items, in any order, are
// those of a page fetched before. Errors wrapping it also match
// [ErrNoProgress].
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
// page whose items, in any order, are an earlier page's, yields an error
// wrapping [ErrCycle] and [ErrNoProgress]; the repeated page's items are
// not yielded. Cursors are compared by hash ([maphash.Comparable]), items
// by content, as [Walk] does.
func Pages[T any, C comparable](ctx context.Context, first C, fetch func(ctx context.Context, cursor C) (Page[T, C], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		seed := maphash.MakeSeed()
		cursor := first
		l := List{Op: "paginate: Pages", Scheme: ByKey, Size: 1, First: maphash.Comparable(seed, first)}
		run(ctx, l, func(ctx context.Context, _ Cursor) ([]T, Got, error) {
			p, err := fetch(ctx, cursor)
			if err != nil {
				return nil, Got{}, err
			}
			cursor = p.Next // fetched next only if Walk goes on
			return p.Items, Got{More: p.More, Key: maphash.Comparable(seed, p.Next)}, nil
		}, yield)
	}
}

// All returns an iterator over the items of list l, fetched by [Walk]:
// fetch returns a page's items and what else Walk needs of it (its Items
// field is ignored). It is how a hand-written iterator gets Walk's
// guarantees for a scheme the other adapters do not fit (scim.List).
func All[T any](ctx context.Context, l List, fetch func(ctx context.Context, c Cursor) ([]T, Got, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) { run(ctx, l, fetch, yield) }
}

// run walks l, yielding each emitted page's items, then the error if any.
func run[T any](ctx context.Context, l List, fetch func(ctx context.Context, c Cursor) ([]T, Got, error), yield func(T, error) bool) {
	var items []T
	err := Walk(ctx, l, func(ctx context.Context, c Cursor) (Got, error) {
		var g Got
		var err error
		items, g, err = fetch(ctx, c)
		g.Items = items
		return g, err
	}, func() bool {
		for _, item := range items {
			if !yield(item, nil) {
				return false
			}
		}
		return true
	})
	if err != nil {
		var zero T
		yield(zero, err)
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
