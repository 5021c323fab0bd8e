package contract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// DefaultMaxBodySize is how many bytes of a request or response body the
// transport reads into memory to validate it, unless [WithMaxBodySize] says
// otherwise.
const DefaultMaxBodySize = 16 << 20

// WithMaxBodySize sets how many bytes of a body the transport buffers to
// validate it (default [DefaultMaxBodySize]). A body it validates (a JSON,
// form or text body with a schema to check) that is larger is not validated:
// by default the exchange fails with an [*Error] whose violation says so
// (the request is not sent, or the response is closed); with [ReportOnly] or
// [Observe] that violation is reported and the whole body still goes through,
// streamed. Bodies the transport does not validate are always streamed and
// never count against the limit. n <= 0 keeps the default.
func WithMaxBodySize(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// tooLarge is the violation message of a body over the buffering limit.
func tooLarge(limit int64) string {
	return fmt.Sprintf("body is larger than %d bytes, the validation limit (contract.WithMaxBodySize): not validated", limit)
}

// mediaType is the lowercased media type of a Content-Type value, without
// parameters.
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// contentKey finds the entry of content that a body of Content-Type ct is
// checked against, with its key (for JSON pointers into the document), the
// way [openapi3.Content.Get] does.
func contentKey(content openapi3.Content, ct string) (string, *openapi3.MediaType) {
	mt := content.Get(ct)
	if mt == nil {
		return "", nil
	}
	for k, v := range content {
		if v == mt {
			return k, v
		}
	}
	return "", mt
}

// validated tells whether a body of Content-Type ct declared as mt is read
// into memory and checked: only when kin-openapi can decode it and there is
// a schema that says more than "some bytes". Streams (text/event-stream),
// application/octet-stream, binary strings and media types without a
// decoder or a schema are passed through unread.
func validated(ct string, mt *openapi3.MediaType) bool {
	m := mediaType(ct)
	if m == "application/octet-stream" || !decodable(ct) {
		return false
	}
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return false
	}
	s := mt.Schema.Value
	if s.Type != nil && s.Type.Is(openapi3.TypeString) {
		switch {
		case s.Format == "binary", s.ContentMediaType != "", s.ContentEncoding != "":
			return false
		}
	}
	return true
}

// readLimited reads up to limit bytes of b. over reports that b holds more:
// then data is what was read (limit+1 bytes at most) and b is left open for
// the rest; otherwise b is read to its end and closed.
func readLimited(b io.ReadCloser, limit int64) (data []byte, over bool, err error) {
	data, err = io.ReadAll(io.LimitReader(b, limit+1))
	if err != nil {
		b.Close()
		return nil, false, err
	}
	if int64(len(data)) > limit {
		return data, true, nil
	}
	return data, false, b.Close()
}

// peekEmpty reads at most one byte of b to tell whether it is empty. The
// returned body yields all of b's bytes; an empty b is closed.
func peekEmpty(b io.ReadCloser) (empty bool, body io.ReadCloser, err error) {
	var one [1]byte
	n, err := io.ReadFull(b, one[:])
	if n == 0 {
		if errors.Is(err, io.EOF) {
			return true, http.NoBody, b.Close()
		}
		b.Close()
		return false, nil, err
	}
	return false, prefixed(one[:n], b), nil
}

// prefixed is a body that yields head and then the rest of rest, and closes
// rest. It streams: rest is never buffered.
func prefixed(head []byte, rest io.ReadCloser) io.ReadCloser {
	return &prefixBody{Reader: io.MultiReader(bytes.NewReader(head), rest), rest: rest}
}

type prefixBody struct {
	io.Reader
	rest io.Closer
}

func (p *prefixBody) Close() error { return p.rest.Close() }
