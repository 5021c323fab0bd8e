package scim

import (
	"context"
	"fmt"
	"iter"

	"github.com/mgmtapi/mgmtapi/paginate"
)

// List iterates over a SCIM list (RFC 7644 §3.4.2.4) page by page:
// fetch gets the page at the 1-based startIndex with up to count resources
// and returns them with the server's totalResults (negative when absent:
// then a page shorter than count ends the list).
//
// Unlike paginate.SCIM, which reports an error when totalResults promises
// more but a page is empty, List ends the iteration there: Asgardeo reports
// a wrong totalResults under some filters, and an empty page is the only
// reliable end. The next startIndex advances by the resources actually
// received, so a server that returns fewer than count (Asgardeo caps count
// at 100) loses nothing.
//
// The pages are walked by paginate.Walk, so the iteration ends whatever the
// server sends: a page whose resources, in any order, are an earlier
// page's is paginate.ErrCycle, pages in a row bringing nothing new while
// totalResults claims more are paginate.ErrNoProgress.
func List[T any](ctx context.Context, count int, fetch func(ctx context.Context, startIndex, count int) (resources []T, totalResults int, err error)) iter.Seq2[T, error] {
	if count <= 0 {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, fmt.Errorf("scim: List: count must be positive, got %d", count))
		}
	}
	l := paginate.List{Op: "scim: List", Scheme: paginate.ByStartIndex, Size: count, EmptyEnds: true}
	return paginate.All(ctx, l, func(ctx context.Context, c paginate.Cursor) ([]T, paginate.Got, error) {
		items, total, err := fetch(ctx, c.StartIndex, c.Size)
		return items, paginate.Got{Total: total}, err
	})
}
