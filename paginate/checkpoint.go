package paginate

import (
	"context"
	"fmt"
	"iter"
)

// Checkpoint iterates an endpoint paged by an opaque checkpoint, such as
// Auth0's from/take lists answering {..., next} (organizations, members,
// roles' users). fetch performs one call for take items from the checkpoint
// from ("" for the first page, meaning: omit the parameter) and returns the
// items and the next checkpoint, "" when there is none.
//
// Iteration ends when next is empty or a page is empty. A next equal to the
// checkpoint just used yields [ErrNoProgress]; one fetched before (A→B→A)
// yields [ErrCycle].
func Checkpoint[T any](ctx context.Context, take int, fetch func(ctx context.Context, from string, take int) (items []T, next string, err error)) iter.Seq2[T, error] {
	if take <= 0 {
		return fail[T](fmt.Errorf("paginate: Checkpoint: take must be positive, got %d", take))
	}
	return All(ctx, List{Op: "paginate: Checkpoint", Scheme: ByCheckpoint, Size: take}, func(ctx context.Context, c Cursor) ([]T, Got, error) {
		items, next, err := fetch(ctx, c.From, c.Size)
		return items, Got{Next: next}, err
	})
}
