package auth

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"testing"
)

// A slab takes the 4096-byte size class, and a slab with one more slot would
// take the next one (4864 bytes): headerSlots is as many slots as 4 KiB
// holds. Bytes per slab are compared with the middle of the two classes, so
// other goroutines' allocations during the count do not matter.
func TestHeaderSlabFillsSizeClass(t *testing.T) {
	const between = (4096 + 4864) / 2
	if got := allocBytes(func() any { return new(headerSlab) }); got >= between {
		t.Errorf("a header slab takes %d bytes, want the 4096-byte class", got)
	}
	type bigger struct {
		headerSlab
		one string
	}
	if got := allocBytes(func() any { return new(bigger) }); got < between {
		t.Errorf("a slab with one more slot takes %d bytes: headerSlots could be larger", got)
	}
}

// allocBytes is the heap bytes one call of alloc takes, averaged over 256
// calls.
func allocBytes(alloc func() any) uint64 {
	const n = 256
	keep := make([]any, n)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range keep {
		keep[i] = alloc()
	}
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	return (after.TotalAlloc - before.TotalAlloc) / n
}

// Slabs are not tied to a token: after the token changes, new requests get
// the new token from the slots that follow, and the values already handed
// out keep the token they were given.
func TestHeaderValuesAcrossTokenChange(t *testing.T) {
	te := newTokenEndpoint(t, 3600, nil)
	src := mustNew(t, testConfig(te.URL))
	ed := src.RequestEditor()
	var old []*http.Request
	for range headerSlots / 2 {
		r, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
		if err := ed(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		old = append(old, r)
	}
	src.Invalidate("tok-1")
	var fresh []*http.Request
	for range headerSlots {
		r, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
		if err := ed(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		fresh = append(fresh, r)
	}
	for _, r := range old {
		if got := r.Header.Get("Authorization"); got != "Bearer tok-1" {
			t.Fatalf("a request edited before the change now carries %q", got)
		}
	}
	for _, r := range fresh {
		if got := r.Header.Get("Authorization"); got != "Bearer tok-2" {
			t.Fatalf("a request edited after the change carries %q", got)
		}
	}
}

// TestTransportParallelOwnValues: Transport gives every request it sends its
// own Authorization value too, with callers on every P sending at once.
func TestTransportParallelOwnValues(t *testing.T) {
	te := newTokenEndpoint(t, 3600, nil)
	src := mustNew(t, testConfig(te.URL))
	callers := 4 * runtime.GOMAXPROCS(0)
	const perCaller = 500
	got := make([][][]string, callers) // one slice per caller, kept so no slab is reused
	var mu sync.Mutex
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		i, _ := r.Context().Value(callerKey{}).(int)
		v := r.Header["Authorization"]
		mu.Lock()
		got[i] = append(got[i], v)
		mu.Unlock()
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	rt := src.Transport(base)
	start := make(chan struct{})
	var done sync.WaitGroup
	for i := range callers {
		done.Go(func() {
			ctx := context.WithValue(context.Background(), callerKey{}, i)
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://api.invalid/v1/users", nil)
			<-start
			for range perCaller {
				if _, err := rt.RoundTrip(req); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	close(start)
	done.Wait()
	seen := make(map[*string]bool, callers*perCaller)
	for _, vs := range got {
		if len(vs) != perCaller {
			t.Fatalf("a caller sent %d requests, want %d", len(vs), perCaller)
		}
		for _, v := range vs {
			if len(v) != 1 || cap(v) != 1 || v[0] != "Bearer tok-1" {
				t.Fatalf("a request carried %d values (cap %d), or another token", len(v), cap(v))
			}
			if seen[&v[0]] {
				t.Fatal("two requests share one Authorization value")
			}
			seen[&v[0]] = true
		}
	}
}

type callerKey struct{}
