package frontdoor

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func answer(body io.Reader, length int64) *http.Response {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(body), ContentLength: length}
}

// TestDecodeEmptyBody: a 2xx without a body leaves v as it was.
func TestDecodeEmptyBody(t *testing.T) {
	v := map[string]any{"kept": true}
	if err := Decode(answer(strings.NewReader(""), 0), nil, &v); err != nil || v["kept"] != true {
		t.Fatalf("empty body: %v, %v", v, err)
	}
}

// TestDecodeExact: numbers held by interface{} keep their exact text, as in
// the generated types (genjson), and one value is decoded in one call.
func TestDecodeExact(t *testing.T) {
	var v map[string]any
	body := `{"id": 12345678901234567890123, "n": 1.50}`
	if err := Decode(answer(strings.NewReader(body), -1), nil, &v); err != nil {
		t.Fatal(err)
	}
	if v["id"] != json.Number("12345678901234567890123") || v["n"] != json.Number("1.50") {
		t.Fatalf("decoded %#v", v)
	}
}

// TestDecodeErrors: trailing data, a truncated body and a failing read are
// errors naming the response, never a partial success.
func TestDecodeErrors(t *testing.T) {
	readErr := errors.New("connection reset")
	for name, c := range map[string]struct {
		body io.Reader
		want string
	}{
		"trailing data": {strings.NewReader(`{"a":1} {"b":2}`), "decoding the 200 response"},
		"truncated":     {strings.NewReader(`{"a":`), "decoding the 200 response"},
		"whitespace":    {strings.NewReader(" \n"), "decoding the 200 response"},
		"read error":    {io.MultiReader(strings.NewReader(`{"a":`), &failing{readErr}), "reading the 200 response"},
	} {
		var v map[string]any
		err := Decode(answer(c.body, -1), nil, &v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, c.want)
		}
		if name == "read error" && !errors.Is(err, readErr) {
			t.Errorf("%s: %v does not wrap the read error", name, err)
		}
	}
}

// TestDecodeBounded: a body longer than MaxBody is an error after reading
// at most MaxBody+1 bytes, whatever the JSON (here endless whitespace).
func TestDecodeBounded(t *testing.T) {
	r := &spaces{}
	var v any
	err := Decode(answer(r, -1), nil, &v)
	if err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("endless body: %v", err)
	}
	if r.n > MaxBody+1 {
		t.Fatalf("read %d bytes, limit %d", r.n, MaxBody+1)
	}
}

// TestBodyContentLength: Body reads exactly the body whether the announced
// Content-Length is right, too small or too large, and still bounds it.
func TestBodyContentLength(t *testing.T) {
	const body = `{"users":[]}`
	for _, n := range []int64{-1, 0, 1, int64(len(body)), int64(len(body)) + 100, MaxBody + 1} {
		got, err := Body(answer(strings.NewReader(body), n), nil)
		if err != nil || string(got) != body {
			t.Errorf("Content-Length %d: %q, %v", n, got, err)
		}
	}
	if _, err := Body(answer(&spaces{}, 10), nil); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("endless body with Content-Length 10: %v", err)
	}
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

// spaces is an endless body of spaces, counting what was read.
type spaces struct{ n int64 }

func (s *spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	s.n += int64(len(p))
	return len(p), nil
}
