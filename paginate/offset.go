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
	return offsets(ctx, take, func(ctx context.Context, pos position) ([]T, int, error) {
		return fetch(ctx, pos.seen, take)
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
	return offsets(ctx, perPage, func(ctx context.Context, pos position) ([]T, int, error) {
		return fetch(ctx, pos.page, perPage)
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
	return offsets(ctx, count, func(ctx context.Context, pos position) ([]T, int, error) {
		return fetch(ctx, pos.seen+1, count)
	})
}

// position locates a page of an offset-paged list.
type position struct {
	page int // 0-based page number
	seen int // items read before this page
}

// offsets adapts offset paging to [Pages]: the cursor advances by the items
// actually received, and the reported total (or a short page, when total is
// negative) decides whether another page exists.
func offsets[T any](ctx context.Context, size int, fetch func(ctx context.Context, pos position) ([]T, int, error)) iter.Seq2[T, error] {
	return Pages(ctx, position{}, func(ctx context.Context, pos position) (Page[T, position], error) {
		items, total, err := fetch(ctx, pos)
		if err != nil {
			return Page[T, position]{}, err
		}
		next := position{page: pos.page + 1, seen: pos.seen + len(items)}
		more := len(items) >= size
		if total >= 0 {
			more = next.seen < total
			if more && len(items) == 0 {
				return Page[T, position]{}, fmt.Errorf("%w: total is %d but the page at offset %d is empty", ErrNoProgress, total, pos.seen)
			}
		}
		return Page[T, position]{Items: items, Next: next, More: more && len(items) > 0}, nil
	})
}
