package frontdoor

import (
	"context"
	"fmt"
	"iter"

	"github.com/mgmtapi/mgmtapi/paginate"
)

// Page is one page of a list, whatever the API's paging scheme.
type Page[T any] struct {
	// Items are the page's elements.
	Items []T
	// Total is the size of the whole list, or -1 when the API did not say.
	Total int
	// Next is the checkpoint of the following page ("" at the end) for
	// APIs that page by checkpoint.
	Next string
}

// number is what paged responses count with.
type number interface {
	~int | ~int32 | ~int64 | ~float32 | ~float64
}

// Count converts a total to int.
func Count[N number](n N) int { return int(n) }

// CountPtr converts an optional total to int: -1 when absent.
func CountPtr[N number](p *N) int {
	if p == nil {
		return -1
	}
	return int(*p)
}

// Items returns the elements of an optional list (nil when absent).
func Items[T any, S ~[]T](p *S) []T {
	if p == nil {
		return nil
	}
	return *p
}

// Str returns an optional string ("" when absent).
func Str(p *string) string { return Val(p) }

// Val returns the value of an optional member, or its zero value when
// absent: Val(u.Email), Val(u.AppMetadata)["plan"].
func Val[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// SkipTake iterates a list paged by skip and take (Umbraco) or offset and
// limit (Asgardeo Applications), take items a request.
func SkipTake[T any](ctx context.Context, take int, fetch func(ctx context.Context, skip, take int) (Page[T], error)) iter.Seq2[T, error] {
	return paginate.SkipTake(ctx, take, func(ctx context.Context, skip, take int) ([]T, int, error) {
		p, err := fetch(ctx, skip, take)
		return p.Items, p.Total, err
	})
}

// PagePerPage iterates a list paged by 0-based page number and page size.
// When limit is positive the API serves only the first limit results this
// way: reaching it while the list goes on is an error wrapping
// [ErrPageLimit] that names op and says what to do.
func PagePerPage[T any](ctx context.Context, op string, perPage, limit int, fetch func(ctx context.Context, page, perPage int) (Page[T], error)) iter.Seq2[T, error] {
	return paginate.PagePerPage(ctx, perPage, func(ctx context.Context, page, perPage int) ([]T, int, error) {
		if limit > 0 && (page+1)*perPage > limit {
			return nil, 0, fmt.Errorf("%w: %s lists only its first %d results by page, and this operation offers no checkpoint paging; narrow the request (a filter or search query) so that it matches fewer results", ErrPageLimit, op, limit)
		}
		p, err := fetch(ctx, page, perPage)
		return p.Items, p.Total, err
	})
}

// Checkpoint iterates a list paged by an opaque checkpoint (Auth0 from and
// take): each page names the next one.
func Checkpoint[T any](ctx context.Context, take int, fetch func(ctx context.Context, from string, take int) (Page[T], error)) iter.Seq2[T, error] {
	return paginate.Checkpoint(ctx, take, func(ctx context.Context, from string, take int) ([]T, string, error) {
		p, err := fetch(ctx, from, take)
		return p.Items, p.Next, err
	})
}

// SCIM iterates a SCIM list (RFC 7644 section 3.4.2.4): 1-based startIndex,
// count per request, totalResults. It stops at the first empty page even
// when totalResults claims more, as some servers' totals are wrong, and
// advances by the number of resources actually returned.
func SCIM[T any](ctx context.Context, count int, fetch func(ctx context.Context, startIndex, count int) (Page[T], error)) iter.Seq2[T, error] {
	if count <= 0 {
		return failed[T](fmt.Errorf("frontdoor: SCIM: count must be positive, got %d", count))
	}
	return paginate.Pages(ctx, 1, func(ctx context.Context, start int) (paginate.Page[T, int], error) {
		p, err := fetch(ctx, start, count)
		if err != nil {
			return paginate.Page[T, int]{}, err
		}
		next := start + len(p.Items)
		more := len(p.Items) > 0
		if p.Total >= 0 {
			more = more && next-1 < p.Total
		} else {
			more = more && len(p.Items) >= count
		}
		return paginate.Page[T, int]{Items: p.Items, Next: next, More: more}, nil
	})
}

// Single iterates a list the API returns whole, in one response.
func Single[T any](ctx context.Context, fetch func(ctx context.Context) ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		items, err := fetch(ctx)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

func failed[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
