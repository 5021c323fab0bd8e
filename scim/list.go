package scim

import (
	"context"
	"fmt"
	"iter"

	"github.com/mgmtapi/mgmtapi/paginate"
)

// List iterates over a SCIM list (RFC 7644 §3.4.2.4) page by page:
// fetch gets the page at the 1-based startIndex with up to count resources
// and returns them with the server's totalResults.
//
// Unlike paginate.SCIM, which reports an error when totalResults promises
// more but a page is empty, List ends the iteration there: Asgardeo reports
// a wrong totalResults under some filters, and an empty page is the only
// reliable end. The next startIndex advances by the resources actually
// received, so a server that returns fewer than count (Asgardeo caps count
// at 100) loses nothing.
func List[T any](ctx context.Context, count int, fetch func(ctx context.Context, startIndex, count int) (resources []T, totalResults int, err error)) iter.Seq2[T, error] {
	if count <= 0 {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, fmt.Errorf("scim: List: count must be positive, got %d", count))
		}
	}
	return paginate.Pages(ctx, 1, func(ctx context.Context, start int) (paginate.Page[T, int], error) {
		items, total, err := fetch(ctx, start, count)
		if err != nil {
			return paginate.Page[T, int]{}, err
		}
		next := start + len(items)
		return paginate.Page[T, int]{Items: items, Next: next, More: len(items) > 0 && next-1 < total}, nil
	})
}
