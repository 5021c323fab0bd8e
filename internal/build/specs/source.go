package specs

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// readVerified syncs pin into the cache and returns its bytes, read once and
// checked against the pin: what the caller uses is what was verified, not a
// second read of a file that may have changed since.
func readVerified(ctx context.Context, s *Syncer, pin Pin) ([]byte, error) {
	if err := s.Sync(ctx, []Pin{pin}); err != nil {
		return nil, err
	}
	path := s.Path(pin)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, pin.Size+1))
	if err != nil {
		return nil, err
	}
	if got := digest(b); got != pin.SHA256 || int64(len(b)) != pin.Size {
		return nil, &HashError{Spec: pin.Name, Source: path, Want: pin.SHA256, Got: got, WantSize: pin.Size, Size: int64(len(b))}
	}
	return b, nil
}

// MaxSpecSize bounds a candidate document read by diff and bump: the largest
// pinned document (Auth0's) is under 4 MiB, and a larger answer is an error
// naming the limit, never a truncated document.
const MaxSpecSize = 64 << 20

// readSpecSource reads a candidate document from a regular file or an http(s)
// URL, refusing anything over max bytes, and devices, FIFOs and directories
// (a FIFO would block the read past ctx).
func readSpecSource(ctx context.Context, src string, max int64) ([]byte, error) {
	var r io.Reader
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		// O_NONBLOCK: opening a FIFO must not wait for a writer.
		f, err := os.OpenFile(src, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", src)
		}
		r = f
	} else {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, err
		}
		resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: HTTP %s", src, resp.Status)
		}
		r = resp.Body
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: document too large: over the %d-byte limit (specs.MaxSpecSize)", src, max)
	}
	return b, nil
}
