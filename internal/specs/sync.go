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
	"path/filepath"
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
	if s.Mirror != "" {
		st, err := os.Stat(s.Mirror)
		if err != nil {
			return fmt.Errorf("spec mirror %s is not readable: %w", s.Mirror, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("spec mirror %s is not a directory", s.Mirror)
		}
	}
	for _, p := range pins {
		if err := s.syncOne(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// Path is where the verified copy of p lives in the cache.
func (s *Syncer) Path(p Pin) string { return filepath.Join(s.CacheDir, filepath.FromSlash(p.File)) }

func (s *Syncer) syncOne(ctx context.Context, p Pin) error {
	dst := s.Path(p)
	if b, err := os.ReadFile(dst); err == nil && digest(b) == p.SHA256 {
		return nil
	}
	b, src, err := s.fetch(ctx, p)
	if err != nil {
		return fmt.Errorf("spec %s: %w", p.Name, err)
	}
	if got := digest(b); got != p.SHA256 || int64(len(b)) != p.Size {
		return &HashError{Spec: p.Name, Source: src, Want: p.SHA256, Got: got, WantSize: p.Size, Size: int64(len(b))}
	}
	return writeAtomic(dst, b)
}

func (s *Syncer) fetch(ctx context.Context, p Pin) ([]byte, string, error) {
	if s.Mirror != "" {
		src := filepath.Join(s.Mirror, filepath.FromSlash(p.File))
		b, err := os.ReadFile(src)
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
