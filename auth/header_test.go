package auth

import (
	"net/http"
	"testing"
	"unsafe"
)

// A slab fits the 4096-byte size class with less than one slot to spare: a
// byte more and every slab would take the 4864-byte class, a slot less and
// each 4 KiB would serve fewer requests.
func TestHeaderSlabFillsSizeClass(t *testing.T) {
	size, slot := unsafe.Sizeof(headerSlab{}), unsafe.Sizeof("")
	if size > 4096 || size+slot <= 4096 {
		t.Fatalf("headerSlab is %d bytes (%d slots of %d), want at most 4096 with no room for another slot", size, headerSlots, slot)
	}
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
