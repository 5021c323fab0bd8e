package paginate

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// FuzzCheckpoint: a server whose next cursors are arbitrary (split from the
// input at NUL bytes; the page after the last one answers no next) never
// makes the iterator fetch a cursor twice or run past the cursors it was
// given, and any error is ErrNoProgress. Seeds: testdata/fuzz/FuzzCheckpoint.
func FuzzCheckpoint(f *testing.F) {
	f.Add([]byte("A\x00B\x00A"))
	f.Fuzz(func(t *testing.T, data []byte) {
		nexts := bytes.Split(data, []byte{0})
		fetched := map[string]bool{}
		calls := 0
		_, err := Collect(Checkpoint(context.Background(), 1, func(_ context.Context, from string, take int) ([]int, string, error) {
			if fetched[from] {
				t.Fatalf("cursor %q fetched twice", from)
			}
			fetched[from] = true
			calls++
			if calls > len(nexts) {
				return []int{calls}, "", nil
			}
			return []int{calls}, string(nexts[calls-1]), nil
		}))
		if calls > len(nexts)+1 {
			t.Fatalf("%d fetches for %d cursors", calls, len(nexts))
		}
		if err != nil && !errors.Is(err, ErrNoProgress) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzOffsets: a skip/take server driven by the input (each byte: how many
// items the page has, the reported total, and whether the offset is
// ignored) ends after at most one fetch per input byte plus one, and never
// yields more items than it was sent. Seeds: testdata/fuzz/FuzzOffsets.
func FuzzOffsets(f *testing.F) {
	f.Add([]byte{1, 10, 10, 10})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		mode, pages := data[0], data[1:]
		const take = 10
		calls, sent := 0, 0
		items, err := Collect(SkipTake(context.Background(), take, func(_ context.Context, skip, _ int) ([]int, int, error) {
			calls++
			if calls > len(pages) {
				return nil, skip, nil // the end
			}
			n := int(pages[calls-1]) % (take + 1)
			start := skip
			if mode&1 != 0 {
				start = 0 // ignores the offset
			}
			page := make([]int, n)
			for i := range page {
				page[i] = start + i
			}
			sent += n
			total := -1
			if mode&2 != 0 {
				total = skip + n + 100*calls // grows
			}
			return page, total, nil
		}))
		if calls > len(pages)+1 {
			t.Fatalf("%d fetches for %d pages", calls, len(pages))
		}
		if len(items) > sent {
			t.Fatalf("%d items yielded, %d sent", len(items), sent)
		}
		if err != nil && !errors.Is(err, ErrNoProgress) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
