package scim_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/mgmtapi/mgmtapi/scim"
)

func TestList(t *testing.T) {
	all := []int{1, 2, 3, 4, 5}
	tests := []struct {
		name       string
		total      int // reported totalResults
		pageCap    int // the server returns at most this many
		wantStarts []int
		want       []int
	}{
		{"honest total", 5, 2, []int{1, 3, 5}, all},
		{"total too high: ends on the empty page", 50, 2, []int{1, 3, 5, 6}, all},
		{"server caps the page below count", 5, 1, []int{1, 2, 3, 4, 5}, all},
		{"total too low: ends at total", 3, 2, []int{1, 3}, []int{1, 2, 3, 4}},
		{"empty list", 0, 2, []int{1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var starts []int
			fetch := func(_ context.Context, start, count int) ([]int, int, error) {
				starts = append(starts, start)
				if count != 2 {
					t.Errorf("count = %d, want 2", count)
				}
				lo := min(start-1, len(all))
				hi := min(lo+min(count, tt.pageCap), len(all))
				if tt.total == 0 {
					lo, hi = 0, 0
				}
				return all[lo:hi], tt.total, nil
			}
			var got []int
			for v, err := range scim.List(context.Background(), 2, fetch) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, v)
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(starts, tt.wantStarts) {
				t.Errorf("got %v from startIndex %v, want %v from %v", got, starts, tt.want, tt.wantStarts)
			}
		})
	}
}

func TestListErrors(t *testing.T) {
	boom := errors.New("boom")
	for _, err := range scim.List(context.Background(), 2, func(context.Context, int, int) ([]int, int, error) { return nil, 0, boom }) {
		if !errors.Is(err, boom) {
			t.Errorf("err = %v, want boom", err)
		}
	}
	n := 0
	for _, err := range scim.List(context.Background(), 0, func(context.Context, int, int) ([]int, int, error) { return nil, 0, nil }) {
		n++
		if err == nil {
			t.Error("count 0 must fail")
		}
	}
	if n != 1 {
		t.Errorf("yielded %d times, want 1", n)
	}
}
