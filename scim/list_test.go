package scim_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/paginate"
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

// TestListEndsOnHostileServers: a server that ignores startIndex and
// answers the same resources in another order with an inflated
// totalResults, or slides its window over a few resources, ends the list
// with a typed error after a bounded number of requests, never yielding a
// page twice.
func TestListEndsOnHostileServers(t *testing.T) {
	tests := []struct {
		name      string
		page      func(call int) []int
		wantCalls int
		wantItems int
		wantErr   error
		notErr    error
	}{
		{"reordered repeat", func(call int) []int {
			if call%2 == 0 {
				return []int{3, 2, 1}
			}
			return []int{1, 2, 3}
		}, 2, 3, paginate.ErrCycle, nil},
		{"pages A, B, A", func(call int) []int {
			if call%2 == 0 {
				return []int{4, 5, 6}
			}
			return []int{1, 2, 3}
		}, 3, 6, paginate.ErrCycle, nil},
		{"sliding window over 6 resources", func(call int) []int {
			var out []int
			for i := range 5 {
				out = append(out, (call-1+i)%6)
			}
			return out
		}, 5, 10, paginate.ErrNoProgress, paginate.ErrCycle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			got, err := paginate.Collect(scim.List(context.Background(), 3, func(_ context.Context, start, count int) ([]int, int, error) {
				calls++
				if calls > 50 {
					return nil, 0, errors.New("runaway: the list did not end")
				}
				return tt.page(calls), 1000, nil
			}))
			if calls != tt.wantCalls || len(got) != tt.wantItems || !errors.Is(err, tt.wantErr) || (tt.notErr != nil && errors.Is(err, tt.notErr)) ||
				!strings.Contains(fmt.Sprint(err), "scim: List") {
				t.Errorf("%d calls, %d items, error %v; want %d calls, %d items, %v naming scim: List", calls, len(got), err, tt.wantCalls, tt.wantItems, tt.wantErr)
			}
		})
	}
}
