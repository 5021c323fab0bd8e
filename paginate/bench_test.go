package paginate

import (
	"context"
	"testing"
)

// BenchmarkSkipTake iterates 1000 items in pages of 100 and reports the
// fetches per full iteration: exactly 10, none past the end. The fetch is
// in memory, so ns/op is the engine's own overhead per 1000 items.
func BenchmarkSkipTake(b *testing.B) {
	const n, take = 1000, 100
	items := make([]int, n)
	fetches := 0
	fetch := func(_ context.Context, skip, take int) ([]int, int, error) {
		fetches++
		return items[min(skip, n):min(skip+take, n)], n, nil
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		count := 0
		for _, err := range SkipTake(ctx, take, fetch) {
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != n {
			b.Fatalf("items = %d, want %d", count, n)
		}
	}
	perOp := float64(fetches) / float64(b.N)
	if perOp != n/take {
		b.Fatalf("fetches per iteration = %v, want %d", perOp, n/take)
	}
	b.ReportMetric(perOp, "fetches/op")
}
