package paginate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestCycles: servers that would otherwise keep the iterator fetching
// forever. Each case asserts the exact requests made, the items yielded
// (never a repeated page) and that the single error is ErrCycle, which
// also matches ErrNoProgress.
func TestCycles(t *testing.T) {
	tests := []struct {
		name    string
		adapter string
		srv     config
		size    int
		noTotal bool
		items   int
		reqs    []string
		msg     string
	}{
		{name: "checkpoint A->B->A", adapter: "Checkpoint", srv: config{n: 20, nextOf: map[string]string{"cp4": "cp2"}}, size: 2,
			items: 6, reqs: []string{"take=2", "take=2&from=cp2", "take=2&from=cp4"}, msg: `next checkpoint "cp2" was fetched for page 2`},
		{name: "checkpoint back to the first page", adapter: "Checkpoint", srv: config{n: 20, nextOf: map[string]string{"cp6": ""}}, size: 2,
			items: 8, reqs: []string{"take=2", "take=2&from=cp2", "take=2&from=cp4", "take=2&from=cp6"}},
		{name: "checkpoint A->B->C->A", adapter: "Checkpoint", srv: config{n: 20, nextOf: map[string]string{"cp6": "cp2"}}, size: 2,
			items: 8, reqs: []string{"take=2", "take=2&from=cp2", "take=2&from=cp4", "take=2&from=cp6"}, msg: `next checkpoint "cp2" was fetched for page 2`},
		{name: "skip ignored, total grows", adapter: "SkipTake", srv: config{n: 50, ignoreOffset: true, growTotal: true}, size: 10,
			items: 10, reqs: []string{"skip=0&take=10", "skip=10&take=10"}, msg: "its 10 items, in any order, are page 1's"},
		{name: "skip ignored, fixed total", adapter: "SkipTake", srv: config{n: 50, ignoreOffset: true}, size: 10,
			items: 10, reqs: []string{"skip=0&take=10", "skip=10&take=10"}, msg: "its 10 items, in any order, are page 1's"},
		{name: "page ignored, no totals, full pages", adapter: "PagePerPage", srv: config{n: 50, ignoreOffset: true, noTotal: true}, size: 3, noTotal: true,
			items: 3, reqs: []string{"page=0&per_page=3&include_totals=false", "page=1&per_page=3&include_totals=false"}, msg: "its 3 items, in any order, are page 1's"},
		{name: "page ignored, growing totals", adapter: "PagePerPage", srv: config{n: 50, ignoreOffset: true, growTotal: true}, size: 3,
			items: 3, reqs: []string{"page=0&per_page=3&include_totals=true", "page=1&per_page=3&include_totals=true"}, msg: "its 3 items, in any order, are page 1's"},
		{name: "startIndex ignored, growing totalResults", adapter: "SCIM", srv: config{n: 50, ignoreOffset: true, growTotal: true}, size: 2,
			items: 2, reqs: []string{"startIndex=1&count=2", "startIndex=3&count=2"}, msg: "its 2 items, in any order, are page 1's"},
		{name: "repeated last page is not yielded twice", adapter: "SkipTake", srv: config{n: 20, ignoreOffset: true}, size: 10,
			items: 10, reqs: []string{"skip=0&take=10", "skip=10&take=10"}, msg: "are page 1's"},
	}
	for _, tt := range tests {
		t.Run(tt.adapter+"/"+tt.name, func(t *testing.T) {
			items, errs, reqs := drive(t, tt.adapter, tt.srv, tt.size, !tt.noTotal, 0)
			if len(items) != tt.items {
				t.Errorf("items = %d, want %d", len(items), tt.items)
			}
			if tt.msg == "" {
				if len(errs) != 0 {
					t.Errorf("errors = %v, want none", errs)
				}
			} else if len(errs) != 1 || !errors.Is(errs[0], ErrCycle) || !errors.Is(errs[0], ErrNoProgress) || !strings.Contains(errs[0].Error(), tt.msg) {
				t.Errorf("errors = %v, want one ErrCycle (and ErrNoProgress) containing %q", errs, tt.msg)
			}
			if strings.Join(reqs, " | ") != strings.Join(tt.reqs, " | ") {
				t.Errorf("requests =\n %q\nwant\n %q", reqs, tt.reqs)
			}
		})
	}
}

// TestPagesEngineCycles covers the engine's cycle guards in memory,
// including a cursor cycle longer than two pages and a generic cursor type.
func TestPagesEngineCycles(t *testing.T) {
	type cur struct{ a, b int }
	pages := map[cur]Page[string, cur]{
		{0, 0}: {Items: []string{"x"}, Next: cur{1, 0}, More: true},
		{1, 0}: {Items: []string{"y"}, Next: cur{2, 0}, More: true},
		{2, 0}: {Items: []string{"z"}, Next: cur{0, 0}, More: true},
	}
	var calls []cur
	got, err := Collect(Pages(context.Background(), cur{}, func(_ context.Context, c cur) (Page[string, cur], error) {
		calls = append(calls, c)
		if len(calls) > 100 {
			return Page[string, cur]{}, errors.New("runaway")
		}
		return pages[c], nil
	}))
	if fmt.Sprint(got) != "[x y z]" || fmt.Sprint(calls) != "[{0 0} {1 0} {2 0}]" || !errors.Is(err, ErrCycle) {
		t.Errorf("items %v calls %v err %v", got, calls, err)
	}

	// Distinct pages with identical-looking cursors are fine; a page equal
	// to the one before is not, even when its cursor is new.
	n := 0
	got2, err := Collect(Pages(context.Background(), 0, func(_ context.Context, c int) (Page[int, int], error) {
		n++
		return Page[int, int]{Items: []int{1, 2}, Next: c + 1, More: n < 100}, nil
	}))
	if n != 2 || fmt.Sprint(got2) != "[1 2]" || !errors.Is(err, ErrCycle) {
		t.Errorf("calls %d items %v err %v; want 2 calls, [1 2], ErrCycle", n, got2, err)
	}
}
