package specs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// HashError reports a document whose bytes are not the pinned ones.
type HashError struct {
	Spec, Source   string
	Want, Got      string
	WantSize, Size int64
}

func (e *HashError) Error() string {
	return fmt.Sprintf("spec %s from %s: sha256 mismatch: expected %s (%d bytes), got %s (%d bytes); refusing to use it — bump the pin in specs/lock.json only after reviewing the new document", e.Spec, e.Source, e.Want, e.WantSize, e.Got, e.Size)
}

// Syncer fills the cache with the pinned documents.
type Syncer struct {
	// Mirror is a directory holding the documents under Pin.File
	// (SPECS_MIRROR). When empty, documents are downloaded from Pin.URL.
	Mirror string
	// CacheDir receives the verified documents, under Pin.File.
	CacheDir string
	// HTTPClient downloads from upstream; nil means a client with a timeout.
	HTTPClient *http.Client
}

// Sync makes sure every pin is in the cache with the right hash. A cached copy
// with the right hash is kept; anything else is fetched, verified and written
// atomically. The first failure is returned, naming the spec.
func (s *Syncer) Sync(ctx context.Context, pins []Pin) error {
	if err := s.checkMirror(); err != nil {
		return err
	}
	for _, p := range pins {
		if _, err := s.verified(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// Verified syncs p like Sync and returns the bytes whose hash it checked, so
// that callers use exactly those bytes instead of reading the cache file
// again (which could have changed in between).
func (s *Syncer) Verified(ctx context.Context, p Pin) ([]byte, error) {
	if err := s.checkMirror(); err != nil {
		return nil, err
	}
	return s.verified(ctx, p)
}

func (s *Syncer) checkMirror() error {
	if s.Mirror == "" {
		return nil
	}
	st, err := os.Stat(s.Mirror)
	if err != nil {
		return fmt.Errorf("spec mirror %s is not readable: %w", s.Mirror, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("spec mirror %s is not a directory", s.Mirror)
	}
	return nil
}

// Path is where the verified copy of p lives in the cache. It is only
// meaningful for a pin whose File passes [CheckFile]; Sync and Verified refuse
// the others before touching the file system.
func (s *Syncer) Path(p Pin) string { return filepath.Join(s.CacheDir, filepath.FromSlash(p.File)) }

// CheckFile reports whether p.File is a relative, slash-separated path that
// stays inside the directory it is joined to (no "..", not absolute, not
// empty), as a mirror and the cache require.
func CheckFile(p Pin) error {
	f := p.File
	if f == "" || f == "." || strings.Contains(f, `\`) || !filepath.IsLocal(filepath.FromSlash(f)) || path.Clean(f) != f {
		return fmt.Errorf("spec %s: file %q must be a clean relative path inside the cache (no \"..\", not absolute, forward slashes)", p.Name, f)
	}
	return nil
}

func (s *Syncer) verified(ctx context.Context, p Pin) ([]byte, error) {
	if err := CheckFile(p); err != nil {
		return nil, err
	}
	if p.Size < 0 {
		return nil, fmt.Errorf("spec %s: negative size %d in the lock", p.Name, p.Size)
	}
	dst := s.Path(p)
	if b, err := readRegular(ctx, dst, p.Size); err == nil && int64(len(b)) == p.Size && digest(b) == p.SHA256 {
		return b, nil
	}
	b, src, err := s.fetch(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", p.Name, err)
	}
	if got := digest(b); got != p.SHA256 || int64(len(b)) != p.Size {
		return nil, &HashError{Spec: p.Name, Source: src, Want: p.SHA256, Got: got, WantSize: p.Size, Size: int64(len(b))}
	}
	if err := writeAtomic(dst, b); err != nil {
		return nil, err
	}
	return b, nil
}

// errNotRegular marks a path that is not a regular file (a FIFO, device,
// socket or directory), which is never read: a FIFO would block.
var errNotRegular = errors.New("not a regular file")

// readRegular reads at most size+1 bytes of the regular file at name (one
// more than the pin's size, so a larger file fails the size check without
// being read whole). It refuses anything but a regular file without
// blocking, and stops when ctx ends.
func readRegular(ctx context.Context, name string, size int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s)", name, errNotRegular, st.Mode().Type())
	}
	// O_NONBLOCK: should the file be swapped for a FIFO after the Stat,
	// opening it still does not wait for a writer; the Stat below refuses it.
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s)", name, errNotRegular, st.Mode().Type())
	}
	return io.ReadAll(io.LimitReader(ctxReader{ctx, f}, size+1))
}

// ctxReader fails reads once ctx has ended.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (s *Syncer) fetch(ctx context.Context, p Pin) ([]byte, string, error) {
	if s.Mirror != "" {
		src := filepath.Join(s.Mirror, filepath.FromSlash(p.File))
		b, err := readRegular(ctx, src, p.Size)
		if errors.Is(err, os.ErrNotExist) {
			return nil, src, fmt.Errorf("missing from mirror: %s does not exist", src)
		}
		if err != nil {
			return nil, src, fmt.Errorf("read mirror: %w", err)
		}
		return b, src, nil
	}
	c := s.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 2 * time.Minute}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return nil, p.URL, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, p.URL, fmt.Errorf("download (set SPECS_MIRROR to use a local mirror): %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, p.URL, fmt.Errorf("download %s: HTTP %s", p.URL, resp.Status)
	}
	// Read one byte past the pinned size so an oversized answer is caught
	// by the hash check without reading it all.
	b, err := io.ReadAll(io.LimitReader(resp.Body, p.Size+1))
	if err != nil {
		return nil, p.URL, fmt.Errorf("download %s: %w", p.URL, err)
	}
	return b, p.URL, nil
}

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// writeAtomic writes b to path through a temporary file in the same
// directory, so a reader never sees a partial document.
func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, werr := io.Copy(f, bytes.NewReader(b))
	if werr == nil {
		werr = f.Chmod(0o644)
	}
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
