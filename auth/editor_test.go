package auth

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"testing"
)

// The editor runs on every request a generated client sends; with a cached
// token it must not allocate (one 4 KiB slab per 255 requests gives each
// request its own header value; AllocsPerRun rounds that to 0), and one
// request's header edits must not reach another request or the cache (see
// also TestAuthorizationValueNotShared).
func TestRequestEditorCachedPath(t *testing.T) {
	te := newTokenEndpoint(t, 3600, nil)
	src := mustNew(t, testConfig(te.URL))
	ctx := context.Background()
	editor := src.RequestEditor()
	req, _ := http.NewRequest(http.MethodGet, "http://api.invalid/v1/users", nil)
	if err := editor(ctx, req); err != nil {
		t.Fatal(err)
	}
	want := req.Header.Get("Authorization")
	if len(want) <= len("Bearer ") || want[:len("Bearer ")] != "Bearer " {
		t.Fatalf("Authorization header is not a Bearer token (length %d)", len(want))
	}

	if allocs := testing.AllocsPerRun(1000, func() {
		if err := editor(ctx, req); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("cached editor path allocates %.1f times per request, want 0", allocs)
	}

	// Edits through the http.Header API on one request leave the next
	// request's header intact.
	req.Header.Add("Authorization", "Other x")
	req.Header.Set("Authorization", "Basic y")
	req.Header.Del("Authorization")
	req2, _ := http.NewRequest(http.MethodGet, "http://api.invalid/v1/users", nil)
	if err := editor(ctx, req2); err != nil {
		t.Fatal(err)
	}
	if got := req2.Header.Values("Authorization"); len(got) != 1 || got[0] != want {
		t.Errorf("second request carries %d Authorization values, or a different token", len(got))
	}
	if n := te.requests.Load(); n != 1 {
		t.Errorf("token endpoint saw %d requests, want 1", n)
	}
}

// TestRequestEditorParallelCachedPath: callers on every P put the cached
// token on their requests at once. Each request gets its own header value
// (no two requests, in any goroutine, share one), and the editor allocates
// one slab per headerSlots requests, not one value per request. Under -race
// the slab cursor, a plain int, also proves that no two callers ever write
// one slab at the same time.
func TestRequestEditorParallelCachedPath(t *testing.T) {
	te := newTokenEndpoint(t, 3600, nil)
	src := mustNew(t, testConfig(te.URL))
	editor := src.RequestEditor()
	warm, _ := http.NewRequest(http.MethodGet, "http://api.invalid/v1/users", nil)
	if err := editor(t.Context(), warm); err != nil {
		t.Fatal(err)
	}
	want := warm.Header.Get("Authorization")

	callers := 4 * runtime.GOMAXPROCS(0)
	const perCaller = 2000
	// The values are kept (not just their addresses) so that no slab is
	// freed and its memory reused while the test compares addresses.
	got := make([][][]string, callers)
	reqs := make([]*http.Request, callers)
	for i := range callers {
		got[i] = make([][]string, 0, perCaller)
		reqs[i], _ = http.NewRequest(http.MethodGet, "http://api.invalid/v1/users", nil)
	}
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			r := reqs[i]
			ready.Done()
			<-start
			for range perCaller {
				if err := editor(context.Background(), r); err != nil {
					errs <- err
					return
				}
				got[i] = append(got[i], r.Header["Authorization"])
			}
		}()
	}
	ready.Wait()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	close(start)
	done.Wait()
	runtime.ReadMemStats(&after)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	seen := make(map[*string]bool, callers*perCaller)
	for _, vs := range got {
		for _, v := range vs {
			if len(v) != 1 || cap(v) != 1 || v[0] != want {
				t.Fatalf("a request got %d values (cap %d), or another token", len(v), cap(v))
			}
			if seen[&v[0]] {
				t.Fatal("two requests share one Authorization value")
			}
			seen[&v[0]] = true
		}
	}

	ops := uint64(callers * perCaller)
	// One slab per headerSlots requests, plus a partly used slab per caller
	// and per P, and the slabs a garbage collection takes out of the pool.
	limit := ops/headerSlots + uint64(callers+runtime.GOMAXPROCS(0)) +
		uint64(after.NumGC-before.NumGC)*2*uint64(runtime.GOMAXPROCS(0)) + 16
	if raceEnabled {
		limit = ops / 2 // sync.Pool drops a quarter of Puts under -race
	}
	if n := after.Mallocs - before.Mallocs; n > limit {
		t.Errorf("%d allocations for %d requests from %d goroutines, want at most %d", n, ops, callers, limit)
	}
	if n := te.requests.Load(); n != 1 {
		t.Errorf("token endpoint saw %d requests, want 1", n)
	}
}
