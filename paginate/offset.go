package paginate

import (
	"context"
	"fmt"
	"iter"
)

// SkipTake iterates an endpoint paged by item offset, such as the Umbraco
// Management API's skip/take lists answering {total, items}. fetch performs
// one call for take items starting at skip (0-based) and returns the items
// and the total number of items, or a negative total if the endpoint does
// not report one.
//
// With a total, iteration ends once skip reaches it; a page shorter than
// take is accepted mid-way (servers may cap take). Without a total, the first
// page shorter than take ends it.
func SkipTake[T any](ctx context.Context, take int, fetch func(ctx context.Context, skip, take int) (items []T, total int, err error)) iter.Seq2[T, error] {
	if take <= 0 {
		return fail[T](fmt.Errorf("paginate: SkipTake: take must be positive, got %d", take))
	}
	return offsets(ctx, List{Op: "paginate: SkipTake", Scheme: BySkip, Size: take}, func(ctx context.Context, c Cursor) ([]T, int, error) {
		return fetch(ctx, c.Skip, c.Size)
	})
}

// PagePerPage iterates an endpoint paged by page number, such as the Auth0
// Management API's page/per_page lists. fetch performs one call for the
// 0-based page of perPage items and returns the items and the total (from
// include_totals=true), or a negative total when the call does not include
// totals.
//
// With a total, iteration ends once that many items were read; without one,
// the first page shorter than perPage ends it. Note that Auth0 serves at
// most the first 1000 results of /api/v2/users this way: the call for a later
// page fails and the iterator yields that error.
func PagePerPage[T any](ctx context.Context, perPage int, fetch func(ctx context.Context, page, perPage int) (items []T, total int, err error)) iter.Seq2[T, error] {
	if perPage <= 0 {
		return fail[T](fmt.Errorf("paginate: PagePerPage: perPage must be positive, got %d", perPage))
	}
	return offsets(ctx, List{Op: "paginate: PagePerPage", Scheme: ByPage, Size: perPage}, func(ctx context.Context, c Cursor) ([]T, int, error) {
		return fetch(ctx, c.Page, c.Size)
	})
}

// SCIM iterates a SCIM 2.0 list response (RFC 7644 section 3.4.2.4), as
// served by Asgardeo's /scim2/Users and /scim2/Groups. fetch performs one
// call for count resources from the 1-based startIndex and returns the
// Resources (nil when the server omits them, as RFC 7644 allows for an empty
// result) and totalResults, or a negative total if the response has none.
//
// Iteration ends once totalResults resources were read; a page shorter than
// count is accepted mid-way (servers may cap count). Without a total, the
// first page shorter than count ends it.
func SCIM[T any](ctx context.Context, count int, fetch func(ctx context.Context, startIndex, count int) (resources []T, totalResults int, err error)) iter.Seq2[T, error] {
	if count <= 0 {
		return fail[T](fmt.Errorf("paginate: SCIM: count must be positive, got %d", count))
	}
	return offsets(ctx, List{Op: "paginate: SCIM", Scheme: ByStartIndex, Size: count}, func(ctx context.Context, c Cursor) ([]T, int, error) {
		return fetch(ctx, c.StartIndex, c.Size)
	})
}

// offsets adapts an offset-paged fetch (items and total) to [All].
func offsets[T any](ctx context.Context, l List, fetch func(ctx context.Context, c Cursor) ([]T, int, error)) iter.Seq2[T, error] {
	return All(ctx, l, func(ctx context.Context, c Cursor) ([]T, Got, error) {
		items, total, err := fetch(ctx, c)
		return items, Got{Total: total}, err
	})
}
