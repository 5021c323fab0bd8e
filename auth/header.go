package auth

import (
	"strconv"
	"sync"
)

// headerSlots is how many requests share one headerSlab allocation: as many
// strings as fit in 4096 bytes beside the cursor (255 on 64-bit platforms),
// so that a slab takes the 4096-byte size class and not the next one (4864
// bytes).
const headerSlots = (4096 - strconv.IntSize/8) / (2 * strconv.IntSize / 8)

// headerSlab is headerSlots Authorization values. Each request gets one slot
// as its own one-element slice (len and cap 1), so writing
// r.Header["Authorization"][0] changes that request only, and the cached
// path allocates 4 KiB once per headerSlots requests, which
// testing.AllocsPerRun reports as 0 allocations per request. A slot is
// written once, when it is handed out, and never again by this package.
type headerSlab struct {
	vals [headerSlots]string
	// next is the first free slot. It is a plain int: only the goroutine
	// that took the slab from the pool touches it.
	next int
}

// headerSlabs hands out Authorization values from slabs kept in a
// sync.Pool, which keeps one slab per P: callers on different Ps take and
// return different slabs, so the cached path writes no memory shared with
// another caller (a shared atomic counter cost more than the rest of the
// path on two cores). Slots hold whichever token the caller passes, so a new
// token does not need a new slab.
type headerSlabs struct {
	pool sync.Pool // of *headerSlab with at least one free slot
}

// value returns header as an http.Header value that no other request
// shares.
func (h *headerSlabs) value(header string) []string {
	sl, _ := h.pool.Get().(*headerSlab)
	if sl == nil {
		sl = new(headerSlab)
	}
	i := sl.next
	sl.next++
	sl.vals[i] = header
	v := sl.vals[i : i+1 : i+1]
	if sl.next < headerSlots {
		h.pool.Put(sl)
	}
	return v
}
