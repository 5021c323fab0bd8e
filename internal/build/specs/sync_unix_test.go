//go:build unix

package specs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestMirrorFIFORefused: a FIFO in the mirror (or in the cache) is refused
// with a clear error instead of blocking Sync until a writer appears.
func TestMirrorFIFORefused(t *testing.T) {
	good := []byte(`{"openapi":"3.0.0"}`)
	pin := pinFor("demo", "demo.json", good)

	mirror := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(mirror, "demo.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Syncer{Mirror: mirror, CacheDir: t.TempDir()}
	err := s.Sync(context.Background(), []Pin{pin})
	if err == nil || !strings.Contains(err.Error(), "spec demo") || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v, want a refusal of the FIFO naming spec demo", err)
	}

	// A FIFO where the cached copy should be is skipped, not read, and
	// replaced by the verified document.
	mirror2 := t.TempDir()
	writeFile(t, filepath.Join(mirror2, "demo.json"), good)
	s2 := &Syncer{Mirror: mirror2, CacheDir: t.TempDir()}
	if err := os.MkdirAll(s2.CacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(s2.Path(pin), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := s2.Verified(context.Background(), pin)
	if err != nil || string(b) != string(good) {
		t.Fatalf("Verified = %q, %v", b, err)
	}
	if st, err := os.Lstat(s2.Path(pin)); err != nil || !st.Mode().IsRegular() {
		t.Fatalf("cache entry not replaced by a regular file: %v", err)
	}
}
