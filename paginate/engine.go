package paginate

import (
	"context"
	"fmt"
	"hash/maphash"
	"reflect"
)

// Scheme is how the pages of a list follow each other.
type Scheme uint8

// The paging schemes [Walk] knows.
const (
	// BySkip pages by items received before the page (Umbraco skip/take,
	// Asgardeo Applications offset/limit): [Cursor].Skip.
	BySkip Scheme = iota
	// ByPage pages by 0-based page number (Auth0 page/per_page):
	// [Cursor].Page.
	ByPage
	// ByStartIndex pages by the 1-based index of the page's first item
	// (SCIM startIndex/count): [Cursor].StartIndex.
	ByStartIndex
	// ByCheckpoint pages by an opaque checkpoint each page names in
	// [Got].Next (Auth0 from/take): [Cursor].From, "" for the first page.
	ByCheckpoint
	// ByKey leaves the cursor to the fetch, which reports in [Got].More
	// whether a page follows and in [Got].Key a hash of its cursor.
	ByKey
)

// List describes one list for [Walk].
type List struct {
	// Op names the list in errors, e.g. "GET /users" or "scim: List".
	Op string
	// Scheme is how its pages follow each other.
	Scheme Scheme
	// Size is the page size asked for; it must be positive. For the
	// offset schemes, a page of Size items or more without a total means
	// that another page may follow.
	Size int
	// EmptyEnds makes an empty page end the list even when the total
	// claims more (SCIM servers whose totalResults is unreliable);
	// otherwise that is [ErrNoProgress].
	EmptyEnds bool
	// First is the key of the first cursor (ByKey only).
	First uint64
}

// Cursor is the position of the page to fetch; only the fields of the
// List's scheme are meaningful.
type Cursor struct {
	Skip       int    // BySkip: items received before the page
	Page       int    // ByPage: 0-based page number
	StartIndex int    // ByStartIndex: 1-based index of the page's first item
	From       string // ByCheckpoint: "" for the first page
	Size       int    // items asked for
}

// Got is what a fetch brought.
type Got struct {
	// Items are the page's items: a slice (any element type), or nil.
	// Walk hashes each item by content to recognise pages it has seen.
	Items any
	// Total is the list's size as the server reports it, -1 when it does
	// not (offset schemes).
	Total int
	// Next is the checkpoint of the following page, "" at the end
	// (ByCheckpoint).
	Next string
	// More reports that a page follows and Key identifies its cursor
	// (ByKey): equal cursors must have equal keys.
	More bool
	Key  uint64
}

// maxStale is how many pages in a row may bring no new item while the
// server claims more before [Walk] gives up with [ErrNoProgress].
const maxStale = 3

// remember caps how many hashes Walk keeps of each kind (cursors, page
// fingerprints, items): 8 bytes each, a few MiB at most per walk. Past
// the cap it still checks against what it kept but records no more.
const remember = 1 << 17

// Walk fetches the pages of list l one after the other, calling emit
// after each page that brings a new item (emit returns false to stop: the
// consumer's loop ended), until the list ends. It is the one paging
// engine behind every iterator of this module: the generic adapters of
// this package, scim.List and the generated …All iterators (through
// frontdoor.Walk), and it is not generic, so that the generated
// iterators cost the compiler a closure each and no instantiation.
//
// Walk checks ctx before each fetch and returns the first error, naming
// l.Op and the page: the fetch's, the context's, or one wrapping
//
//   - [ErrCycle] (which also matches [ErrNoProgress]) for a page whose
//     items, in any order, are those of a page already fetched (its items
//     are not emitted), or a next cursor or checkpoint already fetched
//     (A→B→A);
//   - [ErrNoProgress] for a page that claims more but is empty, a next
//     checkpoint or key equal to the one just used, or 3 pages in a row
//     bringing no item not seen before while the server claims more (a
//     server ignoring the offset, with a growing total or none).
//
// A page whose items were all seen before is not emitted. Walk keeps
// 8-byte hashes of every cursor, page and item it fetched, up to 2^17 of
// each; a page costs one reflection walk over its items when the list
// has more than one page.
func Walk(ctx context.Context, l List, fetch func(ctx context.Context, c Cursor) (Got, error), emit func() bool) error {
	if l.Size <= 0 {
		return fmt.Errorf("%s: page size must be positive, got %d", l.Op, l.Size)
	}
	w := walk{seed: maphash.MakeSeed()}
	c := Cursor{Size: l.Size, StartIndex: 1}
	key := l.First
	if l.Scheme == ByCheckpoint {
		key = maphash.String(w.seed, "")
	}
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: page %d: %w", l.Op, n, err)
		}
		g, err := fetch(ctx, c)
		if err != nil {
			return fmt.Errorf("%s: page %d: %w", l.Op, n, err)
		}
		items := reflect.ValueOf(g.Items)
		num := 0
		if g.Items != nil {
			if items.Kind() != reflect.Slice {
				return fmt.Errorf("%s: page %d: the fetch gave items of type %T, not a slice", l.Op, n, g.Items)
			}
			num = items.Len()
		}

		// Where the next page starts, and whether there is one.
		next, nextKey, more := c, key, false
		next.Skip, next.Page, next.StartIndex = c.Skip+num, c.Page+1, c.Skip+num+1
		var stuck error
		switch l.Scheme {
		case ByCheckpoint:
			more = g.Next != "" && num > 0
			nextKey = maphash.String(w.seed, g.Next)
			if more && g.Next == c.From {
				more, stuck = false, fmt.Errorf("its next checkpoint %s is the one just used: %w", describe(g.Next), ErrNoProgress)
			}
			next.From = g.Next
		case ByKey:
			more, nextKey = g.More, g.Key
			switch {
			case more && num == 0:
				more, stuck = false, fmt.Errorf("it is empty but claims a next page: %w", ErrNoProgress)
			case more && nextKey == key:
				more, stuck = false, fmt.Errorf("its next cursor is the one just used: %w", ErrNoProgress)
			}
		default:
			more = num >= l.Size
			if g.Total >= 0 {
				more = next.Skip < g.Total
			}
			if more && num == 0 {
				more = false
				if !l.EmptyEnds {
					stuck = fmt.Errorf("%w: total is %d but the page at offset %d is empty", ErrNoProgress, g.Total, c.Skip)
				}
			}
		}

		// Has this page (in any order) or each of its items been seen?
		// A single-page list needs no hashing.
		fresh := true
		if num > 0 && (n > 1 || more) {
			fp, news := w.page(items)
			if m, dup := w.pages[fp]; dup {
				return fmt.Errorf("%s: page %d: its %d items, in any order, are page %d's: %w", l.Op, n, num, m, errCycle)
			}
			w.remember(&w.pages, fp, n)
			fresh = news > 0
		}
		if fresh && num > 0 {
			w.stale = 0
			if !emit() {
				return nil
			}
		} else if num > 0 {
			w.stale++
		}
		if stuck != nil {
			return fmt.Errorf("%s: page %d: %w", l.Op, n, stuck)
		}
		if !more {
			return nil
		}
		if w.stale >= maxStale {
			return fmt.Errorf("%s: page %d: %d pages in a row brought no item not seen before, although the server claims more: %w", l.Op, n, w.stale, ErrNoProgress)
		}
		if l.Scheme == ByCheckpoint || l.Scheme == ByKey {
			if n == 1 {
				w.remember(&w.cursors, key, 1)
			}
			if m, dup := w.cursors[nextKey]; dup {
				what := "cursor"
				if l.Scheme == ByCheckpoint {
					what = "checkpoint " + describe(next.From)
				}
				return fmt.Errorf("%s: page %d: its next %s was fetched for page %d: %w", l.Op, n, what, m, errCycle)
			}
			w.remember(&w.cursors, nextKey, n+1)
		}
		c, key = next, nextKey
	}
}

// walk is the memory of one [Walk]: hashes of what it fetched.
type walk struct {
	seed    maphash.Seed
	cursors map[uint64]int // cursor key -> page fetched with it
	pages   map[uint64]int // page fingerprint -> page
	items   map[uint64]struct{}
	stale   int      // pages in a row without a new item
	hashes  []uint64 // per-item hashes of the current page
	h       hasher
}

// page returns the fingerprint of a page of items, which does not depend
// on their order, and how many of its items were not seen before; it
// remembers the new ones.
func (w *walk) page(items reflect.Value) (fp uint64, news int) {
	w.h.seed = w.seed
	w.hashes = w.hashes[:0]
	for i := range items.Len() {
		h := w.h.item(items.Index(i))
		w.hashes = append(w.hashes, h)
		fp += h
	}
	if w.items == nil {
		w.items = make(map[uint64]struct{}, len(w.hashes))
	}
	for _, h := range w.hashes {
		if _, ok := w.items[h]; !ok {
			news++
			if len(w.items) < remember {
				w.items[h] = struct{}{}
			}
		}
	}
	return fp, news
}

// remember records k in *m (created on first use) unless m is full.
func (w *walk) remember(m *map[uint64]int, k uint64, v int) {
	if *m == nil {
		*m = map[uint64]int{}
	}
	if len(*m) < remember {
		(*m)[k] = v
	}
}
