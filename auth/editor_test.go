package auth

import (
	"context"
	"net/http"
	"testing"
)

// The editor runs on every request a generated client sends; with a cached
// token it must not allocate (one 4 KiB slab per 256 requests gives each
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
