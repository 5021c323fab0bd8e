package frontdoor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mgmtapi/mgmtapi/paginate"
)

// pg scripts one page: n distinct items (unless items are given), the
// total and the next checkpoint.
type pg struct {
	n, total int
	next     string
	items    []int
}

// pages answers Walk's fetches from a script and records the cursors.
type pages struct {
	got  []pg
	seen []string
}

func (p *pages) fetch(_ context.Context, c Cursor) (Got, error) {
	p.seen = append(p.seen, fmt.Sprintf("skip=%d page=%d start=%d from=%q size=%d", c.Skip, c.Page, c.StartIndex, c.From, c.Size))
	if len(p.seen) > len(p.got) {
		return Got{}, errors.New("fetched past the script")
	}
	s := p.got[len(p.seen)-1]
	items := s.items
	if items == nil {
		for i := range s.n {
			items = append(items, len(p.seen)*1000+i)
		}
	}
	return Got{Items: items, Total: s.total, Next: s.next}, nil
}

func TestWalk(t *testing.T) {
	tests := []struct {
		name    string
		l       Lister
		got     []pg
		want    []string
		wantErr error
	}{
		{"skip/take by total", Lister{Op: "GET /x", Paging: SkipTake, Size: 2}, []pg{{n: 2, total: 3}, {n: 1, total: 3}},
			[]string{`skip=0 page=0 start=1 from="" size=2`, `skip=2 page=1 start=3 from="" size=2`}, nil},
		{"skip/take without total stops on a short page", Lister{Op: "GET /x", Paging: SkipTake, Size: 2}, []pg{{n: 2, total: -1}, {n: 1, total: -1}},
			[]string{`skip=0 page=0 start=1 from="" size=2`, `skip=2 page=1 start=3 from="" size=2`}, nil},
		{"total claims more but the page is empty", Lister{Op: "GET /x", Paging: SkipTake, Size: 2}, []pg{{n: 2, total: 9}, {n: 0, total: 9}},
			[]string{`skip=0 page=0 start=1 from="" size=2`, `skip=2 page=1 start=3 from="" size=2`}, paginate.ErrNoProgress},
		{"page limit", Lister{Op: "GET /x", Paging: PagePerPage, Size: 400, Limit: 1000}, []pg{{n: 400, total: 2500}, {n: 400, total: 2500}},
			[]string{`skip=0 page=0 start=1 from="" size=400`, `skip=400 page=1 start=401 from="" size=400`}, ErrPageLimit},
		{"page limit not reached", Lister{Op: "GET /x", Paging: PagePerPage, Size: 400, Limit: 1000}, []pg{{n: 400, total: 500}, {n: 100, total: 500}},
			[]string{`skip=0 page=0 start=1 from="" size=400`, `skip=400 page=1 start=401 from="" size=400`}, nil},
		{"checkpoint", Lister{Op: "GET /x", Paging: Checkpoint, Size: 2}, []pg{{n: 2, next: "a"}, {n: 2, next: "b"}, {n: 1}},
			[]string{`skip=0 page=0 start=1 from="" size=2`, `skip=2 page=1 start=3 from="a" size=2`, `skip=4 page=2 start=5 from="b" size=2`}, nil},
		{"checkpoint that repeats", Lister{Op: "GET /x", Paging: Checkpoint, Size: 2}, []pg{{n: 2, next: "a"}, {n: 2, next: "a"}},
			[]string{`skip=0 page=0 start=1 from="" size=2`, `skip=2 page=1 start=3 from="a" size=2`}, paginate.ErrNoProgress},
		{"SCIM stops on an empty page although totals claim more", Lister{Op: "GET /x", Paging: SCIM, Size: 3}, []pg{{n: 3, total: 10}, {n: 0, total: 10}},
			[]string{`skip=0 page=0 start=1 from="" size=3`, `skip=3 page=1 start=4 from="" size=3`}, nil},
		{"SCIM short pages advance by what came", Lister{Op: "GET /x", Paging: SCIM, Size: 3}, []pg{{n: 2, total: 4}, {n: 2, total: 4}},
			[]string{`skip=0 page=0 start=1 from="" size=3`, `skip=2 page=1 start=3 from="" size=3`}, nil},
		{"checkpoint A, B, A", Lister{Op: "GET /x", Paging: Checkpoint, Size: 2}, []pg{{n: 2, next: "a"}, {n: 2, next: "b"}, {n: 2, next: "a"}},
			[]string{`skip=0 page=0 start=1 from="" size=2`, `skip=2 page=1 start=3 from="a" size=2`, `skip=4 page=2 start=5 from="b" size=2`}, paginate.ErrCycle},
		{"skip ignored: the same items reordered, inflated total", Lister{Op: "GET /x", Paging: SkipTake, Size: 3}, []pg{{items: []int{1, 2, 3}, total: 100}, {items: []int{3, 1, 2}, total: 100}},
			[]string{`skip=0 page=0 start=1 from="" size=3`, `skip=3 page=1 start=4 from="" size=3`}, paginate.ErrCycle},
		{"SCIM startIndex ignored: the same resources reordered, no totalResults", Lister{Op: "GET /x", Paging: SCIM, Size: 3}, []pg{{items: []int{1, 2, 3}, total: -1}, {items: []int{2, 3, 1}, total: -1}},
			[]string{`skip=0 page=0 start=1 from="" size=3`, `skip=3 page=1 start=4 from="" size=3`}, paginate.ErrCycle},
		{"checkpoint: fresh checkpoints, the same items reordered", Lister{Op: "GET /x", Paging: Checkpoint, Size: 2}, []pg{{items: []int{1, 2}, next: "a"}, {items: []int{2, 1}, next: "b"}},
			[]string{`skip=0 page=0 start=1 from="" size=2`, `skip=2 page=1 start=3 from="a" size=2`}, paginate.ErrCycle},
		{"page/per_page: three pages without a new item", Lister{Op: "GET /x", Paging: PagePerPage, Size: 2, Limit: 1000}, []pg{{items: []int{1, 2}, total: 100}, {items: []int{2, 3}, total: 100}, {items: []int{3, 1}, total: 100}, {items: []int{2, 2}, total: 100}, {items: []int{3, 3}, total: 100}},
			[]string{`skip=0 page=0 start=1 from="" size=2`, `skip=2 page=1 start=3 from="" size=2`, `skip=4 page=2 start=5 from="" size=2`, `skip=6 page=3 start=7 from="" size=2`, `skip=8 page=4 start=9 from="" size=2`}, paginate.ErrNoProgress},
		{"bad size", Lister{Op: "GET /x", Paging: SCIM, Size: 0}, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &pages{got: tt.got}
			err := Walk(t.Context(), tt.l, p.fetch, func() bool { return true })
			if tt.l.Size <= 0 {
				if err == nil || !strings.Contains(err.Error(), "page size must be positive") {
					t.Fatalf("error %v, want a page size error", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), tt.l.Op+": page ") && !errors.Is(err, ErrPageLimit) {
				t.Errorf("error %q does not start with the operation and the page", err)
			}
			if strings.Join(p.seen, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("cursors\n got %q\nwant %q", p.seen, tt.want)
			}
		})
	}
}

// A consumer that stops, and a cancelled context, end the walk without
// another request.
func TestWalkStops(t *testing.T) {
	p := &pages{got: []pg{{n: 2, total: 10}, {n: 2, total: 10}}}
	if err := Walk(t.Context(), Lister{Size: 2}, p.fetch, func() bool { return false }); err != nil || len(p.seen) != 1 {
		t.Errorf("stopped consumer: err %v after %d fetches, want nil after 1", err, len(p.seen))
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	p = &pages{got: []pg{{n: 2, total: 10}}}
	if err := Walk(ctx, Lister{Size: 2}, p.fetch, func() bool { return true }); !errors.Is(err, context.Canceled) || len(p.seen) != 0 {
		t.Errorf("cancelled: err %v after %d fetches, want context.Canceled after 0", err, len(p.seen))
	}
}
