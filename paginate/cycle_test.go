package paginate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
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
		// stale: the error is ErrNoProgress and not ErrCycle.
		stale bool
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
		{name: "skip ignored, reordered repeat, inflated total", adapter: "SkipTake", srv: config{n: 50, ignoreOffset: true, reverseEven: true, claim: intp(1000)}, size: 10,
			items: 10, reqs: []string{"skip=0&take=10", "skip=10&take=10"}, msg: "its 10 items, in any order, are page 1's"},
		{name: "page ignored, reordered repeat, inflated total", adapter: "PagePerPage", srv: config{n: 50, ignoreOffset: true, reverseEven: true, claim: intp(1000)}, size: 3,
			items: 3, reqs: []string{"page=0&per_page=3&include_totals=true", "page=1&per_page=3&include_totals=true"}, msg: "its 3 items, in any order, are page 1's"},
		{name: "page ignored, reordered repeat, no totals", adapter: "PagePerPage", srv: config{n: 50, ignoreOffset: true, reverseEven: true, noTotal: true}, size: 3, noTotal: true,
			items: 3, reqs: []string{"page=0&per_page=3&include_totals=false", "page=1&per_page=3&include_totals=false"}, msg: "its 3 items, in any order, are page 1's"},
		{name: "startIndex ignored, reordered repeat, inflated totalResults", adapter: "SCIM", srv: config{n: 50, ignoreOffset: true, reverseEven: true, claim: intp(1000)}, size: 2,
			items: 2, reqs: []string{"startIndex=1&count=2", "startIndex=3&count=2"}, msg: "its 2 items, in any order, are page 1's"},
		{name: "from ignored, reordered repeat under fresh checkpoints", adapter: "Checkpoint", srv: config{n: 50, ignoreOffset: true, reverseEven: true}, size: 2,
			items: 2, reqs: []string{"take=2", "take=2&from=cp2"}, msg: "its 2 items, in any order, are page 1's"},
		{name: "skip ignored, pages A, B, A: a repeat of an earlier page, not the previous", adapter: "SkipTake", srv: config{n: 50, alternate: true, claim: intp(1000)}, size: 10,
			items: 20, reqs: []string{"skip=0&take=10", "skip=10&take=10", "skip=20&take=10"}, msg: "page 3: its 10 items, in any order, are page 1's"},
		{name: "sliding window: nothing new for 3 pages", adapter: "SkipTake", srv: config{n: 50, slide: true, claim: intp(1000)}, size: 10, stale: true,
			items: 20, reqs: []string{"skip=0&take=10", "skip=10&take=10", "skip=20&take=10", "skip=30&take=10", "skip=40&take=10"}, msg: "3 pages in a row brought no item not seen before"},
		{name: "sliding window, no totals", adapter: "PagePerPage", srv: config{n: 50, slide: true, noTotal: true}, size: 5, noTotal: true, stale: true,
			items: 10, reqs: []string{"page=0&per_page=5&include_totals=false", "page=1&per_page=5&include_totals=false", "page=2&per_page=5&include_totals=false", "page=3&per_page=5&include_totals=false", "page=4&per_page=5&include_totals=false"}, msg: "3 pages in a row"},
		{name: "sliding window over fewer items: it comes round to page 1", adapter: "PagePerPage", srv: config{n: 50, slide: true, noTotal: true}, size: 3, noTotal: true,
			items: 6, reqs: []string{"page=0&per_page=3&include_totals=false", "page=1&per_page=3&include_totals=false", "page=2&per_page=3&include_totals=false", "page=3&per_page=3&include_totals=false", "page=4&per_page=3&include_totals=false"}, msg: "page 5: its 3 items, in any order, are page 1's"},
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
			} else if tt.stale {
				if len(errs) != 1 || errors.Is(errs[0], ErrCycle) || !errors.Is(errs[0], ErrNoProgress) || !strings.Contains(errs[0].Error(), tt.msg) {
					t.Errorf("errors = %v, want one ErrNoProgress (not ErrCycle) containing %q", errs, tt.msg)
				}
			} else if len(errs) != 1 || !errors.Is(errs[0], ErrNoProgress) || !strings.Contains(errs[0].Error(), tt.msg) ||
				errors.Is(errs[0], ErrCycle) == strings.Contains(tt.msg, "empty") {
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

// TestPagesReorderedRepeat: the generic engine with a cursor of its own
// recognises a page repeated in another order under a new cursor.
func TestPagesReorderedRepeat(t *testing.T) {
	calls := 0
	got, err := Collect(Pages(context.Background(), 0, func(_ context.Context, c int) (Page[string, int], error) {
		calls++
		if calls > 50 {
			return Page[string, int]{}, errors.New("runaway")
		}
		items := []string{"a", "b", "c"}
		if c%2 == 1 {
			slices.Reverse(items)
		}
		return Page[string, int]{Items: items, Next: c + 1, More: true}, nil
	}))
	if calls != 2 || fmt.Sprint(got) != "[a b c]" || !errors.Is(err, ErrCycle) {
		t.Errorf("calls %d items %v err %v; want 2 calls, [a b c], ErrCycle", calls, got, err)
	}
}

// TestFingerprint: items hash by content (distinct pointers and maps
// decoded from the same JSON hash the same), map order does not matter,
// a page's fingerprint ignores the items' order, and a cyclic value ends.
func TestFingerprint(t *testing.T) {
	type rec struct {
		ID    *string
		Attrs map[string]any
		When  time.Time
		Raw   []byte
		n     int // unexported fields count too
	}
	decode := func(s string) rec {
		var r rec
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			t.Fatal(err)
		}
		r.n = 1
		return r
	}
	const a = `{"ID":"x","Attrs":{"k":[1,"two",{"z":null}],"j":true,"i":1.5},"When":"2026-12-06T10:00:00+02:00","Raw":"AQI="}`
	const b = `{"ID":"x","Attrs":{"j":true,"i":1.5,"k":[1,"two",{"z":null}]},"When":"2026-12-06T10:00:00+02:00","Raw":"AQI="}`
	w := walk{seed: maphash.MakeSeed()}
	w.h.seed = w.seed
	ha, hb := w.h.item(reflect.ValueOf(decode(a))), w.h.item(reflect.ValueOf(decode(b)))
	if ha != hb {
		t.Errorf("equal content hashes differently: %x %x", ha, hb)
	}
	for _, other := range []string{
		`{"ID":"y","Attrs":{"j":true,"i":1.5,"k":[1,"two",{"z":null}]},"When":"2026-12-06T10:00:00+02:00","Raw":"AQI="}`,
		`{"ID":"x","Attrs":{"j":true,"i":1.5,"k":["two",1,{"z":null}]},"When":"2026-12-06T10:00:00+02:00","Raw":"AQI="}`,
		`{"ID":"x","Attrs":{"j":true,"i":1.5,"k":[1,"two",{"z":null}]},"When":"2026-12-06T10:00:00+03:00","Raw":"AQI="}`,
		`{"ID":"x","Attrs":{"j":true,"i":1.5,"k":[1,"two",{"z":null}]},"When":"2026-12-06T10:00:00+02:00","Raw":"AQM="}`,
		`{"Attrs":{"j":true,"i":1.5,"k":[1,"two",{"z":null}]},"When":"2026-12-06T10:00:00+02:00","Raw":"AQI="}`,
	} {
		if w.h.item(reflect.ValueOf(decode(other))) == ha {
			t.Errorf("different content hashes the same: %s", other)
		}
	}
	fp1, news1 := w.page(reflect.ValueOf([]string{"a", "b", "c"}))
	fp2, news2 := w.page(reflect.ValueOf([]string{"c", "a", "b"}))
	fp3, _ := w.page(reflect.ValueOf([]string{"a", "b", "d"}))
	if fp1 != fp2 || news1 != 3 || news2 != 0 || fp3 == fp1 {
		t.Errorf("fingerprints %x %x %x, new items %d %d; want the first two equal, 3 then 0 new", fp1, fp2, fp3, news1, news2)
	}
	type node struct {
		Next []*node
	}
	n := &node{}
	n.Next = []*node{n, n}
	_ = w.h.item(reflect.ValueOf(n)) // ends: bounded depth and values
}
