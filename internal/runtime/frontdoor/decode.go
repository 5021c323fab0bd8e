package frontdoor

import (
	"github.com/mgmtapi/mgmtapi"

	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/mgmtapi/mgmtapi/apierror"
	"github.com/mgmtapi/mgmtapi/internal/runtime/genjson"
)

// MaxBody bounds the success body a front-door method reads: a larger body
// is an error, never an unbounded read.
const MaxBody = 64 << 20

// HeaderGeneratedResource is the header in which Umbraco names the resource
// a create made (its id).
const HeaderGeneratedResource = "Umb-Generated-Resource"

// NoContent finishes a front-door call whose success has no body to return.
func NoContent(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	if err := apierror.Check(resp, nil); err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	return resp.Body.Close()
}

// Created finishes an Umbraco create: it returns the id of the new resource
// from the Umb-Generated-Resource header, else from the last segment of
// Location.
func Created(resp *http.Response, err error) (string, error) {
	if err := NoContent(resp, err); err != nil {
		return "", err
	}
	if id := resp.Header.Get(HeaderGeneratedResource); id != "" {
		return id, nil
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		if i := strings.IndexAny(loc, "?#"); i >= 0 {
			loc = loc[:i]
		}
		if id := path.Base(strings.TrimRight(loc, "/")); id != "." && id != "/" {
			return id, nil
		}
	}
	return "", fmt.Errorf("%s: %d response names no new resource (no %s or Location header)", where(resp), resp.StatusCode, HeaderGeneratedResource)
}

// Body finishes a front-door call whose success body is returned raw (files,
// text): a non-2xx status is an [*apierror.Error]; at most [MaxBody] bytes
// are read.
func Body(resp *http.Response, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	if err := apierror.Check(resp, nil); err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the %d response: %w", where(resp), resp.StatusCode, err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("%s: the %d response body exceeds %d bytes", where(resp), resp.StatusCode, MaxBody)
	}
	return body, nil
}

// readBody reads at most MaxBody+1 bytes of resp.Body into a buffer sized by
// the Content-Length the server announced (when within MaxBody), so a page
// is read into one allocation instead of io.ReadAll's doublings (which cost
// about twice the body in garbage). A wrong Content-Length only costs a
// larger buffer or a few growths; what is read is bounded either way.
func readBody(resp *http.Response) ([]byte, error) {
	r := io.LimitReader(resp.Body, MaxBody+1)
	n := resp.ContentLength
	if n <= 0 || n > MaxBody {
		return io.ReadAll(r)
	}
	// One byte more than announced, so the read that meets the end fits.
	buf := make([]byte, n+1)
	m, err := io.ReadFull(r, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF: // the body ended: at most n bytes
		return buf[:m], nil
	case err != nil:
		return nil, err
	}
	// Longer than announced: read the rest (still within the limit).
	rest, err := io.ReadAll(r)
	return append(buf, rest...), err
}

// Decode finishes a front-door call whose success body is JSON: a
// transport error is returned as is, a non-2xx status as an
// [*apierror.Error], and a 2xx body is decoded into v (an empty body
// leaves v unchanged); a body over [MaxBody] bytes is an error.
//
// The body is decoded as it is read, in one pass, by the generated types'
// JSON runtime (internal/runtime/genjson), never held whole: encoding/json
// would need it in memory, scan it once to validate it and then scan each
// value again to find its end before the generated UnmarshalJSON methods
// decode it.
func Decode(resp *http.Response, err error, v any) error {
	if err != nil {
		return err
	}
	if err := apierror.Check(resp, nil); err != nil {
		return err
	}
	defer resp.Body.Close()
	r := &countingReader{r: resp.Body, left: MaxBody + 1}
	err = genjson.UnmarshalRead(r, v)
	switch {
	case r.left <= 0:
		return fmt.Errorf("%s: the %d response body exceeds %d bytes", where(resp), resp.StatusCode, MaxBody)
	case r.err != nil && r.err != io.EOF:
		return fmt.Errorf("%s: reading the %d response: %w", where(resp), resp.StatusCode, r.err)
	case r.read == 0:
		return nil // no body: v stays as it is
	case err != nil:
		return fmt.Errorf("%s: decoding the %d response: %w", where(resp), resp.StatusCode, err)
	}
	return nil
}

// countingReader reads at most left bytes of r, counting what it read and
// keeping the first error of r (io.EOF included).
type countingReader struct {
	r    io.Reader
	left int64
	read int64
	err  error
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.left <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), c.left)]
	n, err := c.r.Read(p)
	c.read += int64(n)
	c.left -= int64(n)
	if err != nil {
		c.err = err
	}
	return n, err
}

// where names the request of resp without query values.
func where(resp *http.Response) string {
	if resp == nil || resp.Request == nil || resp.Request.URL == nil {
		return "frontdoor"
	}
	u := *resp.Request.URL
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return resp.Request.Method + " " + u.String()
}

// ErrPageLimit is mgmtapi.ErrPageLimit, for the runtime's own code.
var ErrPageLimit = mgmtapi.ErrPageLimit
