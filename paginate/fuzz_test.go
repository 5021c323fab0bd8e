package paginate

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
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
// items the page has; the first byte: whether the offset is ignored, the
// total grows, and even pages come reversed) ends after at most one fetch
// per input byte plus one, and never yields more items than it was sent. A
// server that ignores the offset ends within a bound that does not depend
// on the input's length: its pages are drawn from the same take items.
// Seeds: testdata/fuzz/FuzzOffsets.
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
			if mode&4 != 0 && calls%2 == 0 {
				slices.Reverse(page)
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
		// Each page that goes on brings one of the take items or is one of
		// maxStale in a row that bring none.
		if bound := take*maxStale + maxStale + 1; mode&1 != 0 && calls > bound {
			t.Fatalf("offset ignored: %d fetches, want at most %d", calls, bound)
		}
		if err != nil && !errors.Is(err, ErrNoProgress) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzWalk drives the engine with an endless hostile server of every
// scheme: the input, read round and round, decides each page's items
// (drawn from 8), total (inflated or none) and next cursor (drawn from 8).
// Whatever it is, the walk ends within a bound that does not depend on the
// input (each page that goes on must bring one of the 8 items or a new
// cursor), any error is ErrNoProgress, and no emitted page has the items
// of an earlier one. Seeds: testdata/fuzz/FuzzWalk.
func FuzzWalk(f *testing.F) {
	f.Add([]byte{0, 0x0c, 0x0c})                   // skip ignored: the same page again
	f.Add([]byte{1, 0x0c, 0x2c, 0x0c})             // page/per_page, pages A, B, A
	f.Add([]byte{3, 0x24, 0x44, 0x24})             // checkpoints A, B, A
	f.Add([]byte{4, 0x04, 0x24, 0x44, 0x64, 0x84}) // keys, sliding items
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		const size, universe = 4, 8
		mode, script := data[0], data[1:]
		l := List{Op: "fuzz", Scheme: Scheme(mode % 5), Size: size, EmptyEnds: mode&8 != 0, First: 100}
		calls := 0
		var items []int
		fetch := func(_ context.Context, c Cursor) (Got, error) {
			b := script[calls%len(script)]
			calls++
			if calls > 1000 {
				t.Fatalf("walk did not end: %d fetches", calls)
			}
			items = items[:0]
			for j := range int(b % (size + 1)) {
				items = append(items, (int(b>>3)+j*3)%universe)
			}
			total := 1 << 20
			if b&0x80 != 0 {
				total = -1
			}
			cur := int(b>>5) % universe
			return Got{Items: items, Total: total, Next: "c" + strconv.Itoa(cur), More: true, Key: uint64(cur)}, nil
		}
		var emitted [][]int
		err := Walk(context.Background(), l, fetch, func() bool {
			page := slices.Sorted(slices.Values(items))
			for _, e := range emitted {
				if reflect.DeepEqual(e, page) {
					t.Fatalf("page %v emitted twice", page)
				}
			}
			emitted = append(emitted, page)
			return true
		})
		if bound := universe*maxStale + maxStale + 2; calls > bound {
			t.Fatalf("%d fetches, want at most %d", calls, bound)
		}
		if err != nil && !errors.Is(err, ErrNoProgress) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
