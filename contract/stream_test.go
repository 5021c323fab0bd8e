package contract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// streamSpec declares an octet-stream upload and download and a small JSON
// operation for the buffering limit.
const streamSpec = `
openapi: 3.0.3
info: {title: stream, version: "1"}
paths:
  /blobs/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    put:
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        "200":
          description: the blob back
          content:
            application/octet-stream:
              schema: {type: string, format: binary}
  /notes:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {text: {type: string}}}
      responses:
        "200":
          description: the note
          content:
            application/json:
              schema: {type: object, properties: {text: {type: string}}}
`

// genReader yields n bytes without holding them: 64 KiB chunks of one
// pseudo-random block, each stamped with its index and the seed, so that a
// dropped, repeated or reordered chunk changes the hash. Bulk copies keep
// it fast under the race detector.
type genReader struct {
	block []byte
	chunk uint64
	off   int
	left  int64
}

const genChunk = 64 << 10

func newGen(seed uint64, n int64) *genReader {
	g := &genReader{block: make([]byte, genChunk), left: n}
	x := seed | 1
	for i := 0; i+8 <= len(g.block); i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		binary.LittleEndian.PutUint64(g.block[i:], x)
	}
	g.stamp()
	return g
}

func (g *genReader) stamp() {
	binary.LittleEndian.PutUint64(g.block, g.chunk)
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n := 0
	for n < len(p) {
		c := copy(p[n:], g.block[g.off:])
		n += c
		g.off += c
		if g.off == len(g.block) {
			g.off = 0
			g.chunk++
			g.stamp()
		}
	}
	g.left -= int64(n)
	return n, nil
}

// midReader calls at once after half of want bytes went through it.
type midReader struct {
	r    io.Reader
	n    int64
	half int64
	at   func()
}

func (m *midReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	before := m.n
	m.n += int64(n)
	if m.at != nil && before < m.half && m.n >= m.half {
		m.at()
	}
	return n, err
}

func heapAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

func hashOf(seed uint64, n int64) [32]byte {
	h := sha256.New()
	io.Copy(h, newGen(seed, n))
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// TestStreamsUnvalidatedBodies sends a 256 MiB octet-stream upload through
// the transport and gets a 256 MiB octet-stream answer: both must stream
// (bounded heap, measured in the middle of each stream and as total
// allocation) and arrive intact.
func TestStreamsUnvalidatedBodies(t *testing.T) {
	const size = 256 << 20
	const bound = 32 << 20
	s, err := Load(context.Background(), []byte(streamSpec))
	if err != nil {
		t.Fatal(err)
	}
	var serverSum [32]byte
	var serverMid, clientMid atomic.Uint64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		mid := &midReader{r: r.Body, half: size / 2, at: func() { serverMid.Store(heapAlloc()) }}
		if _, err := io.Copy(h, mid); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		copy(serverSum[:], h.Sum(nil))
		w.Header().Set("Content-Type", "application/octet-stream")
		io.Copy(w, newGen(2, size))
	}))
	defer srv.Close()

	wantUp, wantDown := hashOf(1, size), hashOf(2, size)
	runtime.GC()
	baseHeap, baseTotal := heapAlloc(), totalAlloc()

	var violations atomic.Int32
	req, _ := http.NewRequest("PUT", srv.URL+"/blobs/b1", io.NopCloser(newGen(1, size)))
	req.Header.Set("Content-Type", "application/octet-stream")
	tr := s.Transport(srv.Client().Transport, ReportOnly(func(*Error) { violations.Add(1) }))
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	mid := &midReader{r: resp.Body, half: size / 2, at: func() { clientMid.Store(heapAlloc()) }}
	n, err := io.Copy(h, mid)
	resp.Body.Close()
	if err != nil || n != size {
		t.Fatalf("read %d bytes of the response, %v", n, err)
	}
	if serverSum != wantUp {
		t.Error("the server received other bytes than were sent")
	}
	var got [32]byte
	copy(got[:], h.Sum(nil))
	if got != wantDown {
		t.Error("the caller received other bytes than the server sent")
	}
	grow := func(v uint64) int64 { return int64(v) - int64(baseHeap) }
	if g := grow(serverMid.Load()); g > bound {
		t.Errorf("heap grew by %d MiB while the server was halfway through the request body (bound %d MiB)", g>>20, bound>>20)
	}
	if g := grow(clientMid.Load()); g > bound {
		t.Errorf("heap grew by %d MiB while the caller was halfway through the response body (bound %d MiB)", g>>20, bound>>20)
	}
	if total := totalAlloc() - baseTotal; total > bound {
		t.Errorf("allocated %d MiB to pass 2×256 MiB through (bound %d MiB): bodies were buffered", total>>20, bound>>20)
	}
	if n := violations.Load(); n != 0 {
		t.Errorf("%d exchanges reported violations", n)
	}
}

// TestBodyLimit checks the bound on what the transport buffers to validate.
func TestBodyLimit(t *testing.T) {
	s, err := Load(context.Background(), []byte(streamSpec))
	if err != nil {
		t.Fatal(err)
	}
	const limit = 1 << 10
	big := `{"text":"` + strings.Repeat("x", 4*limit) + `"}`
	small := `{"text":"hi"}`
	tests := []struct {
		name       string
		reqBody    string
		respBody   string
		reportOnly bool
		wantErr    string // in the strict mode
		wantHits   int
	}{
		{name: "small both ways", reqBody: small, respBody: small, wantHits: 1},
		{name: "large request, strict", reqBody: big, respBody: small, wantErr: "request body is larger than 1024 bytes", wantHits: 0},
		{name: "large response, strict", reqBody: small, respBody: big, wantErr: "response body is larger than 1024 bytes", wantHits: 1},
		{name: "large request, report only", reqBody: big, respBody: small, reportOnly: true, wantErr: "request body is larger than 1024 bytes", wantHits: 1},
		{name: "large response, report only", reqBody: small, respBody: big, reportOnly: true, wantErr: "response body is larger than 1024 bytes", wantHits: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			var received []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				received, _ = io.ReadAll(r.Body)
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, tc.respBody)
			}))
			defer srv.Close()
			var reported []*Error
			var opts []Option
			if tc.reportOnly {
				opts = append(opts, ReportOnly(func(e *Error) { reported = append(reported, e) }))
			}
			opts = append(opts, WithMaxBodySize(limit))
			body := &trackingBody{Reader: strings.NewReader(tc.reqBody)}
			req, _ := http.NewRequest("POST", srv.URL+"/notes", body)
			req.Header.Set("Content-Type", "application/json")
			resp, err := s.Transport(srv.Client().Transport, opts...).RoundTrip(req)
			if got := int(hits.Load()); got != tc.wantHits {
				t.Errorf("server hit %d times, want %d", got, tc.wantHits)
			}
			if !body.closed {
				t.Error("request body not closed")
			}
			var cerr *Error
			switch {
			case tc.reportOnly:
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(got) != tc.respBody || string(received) != tc.reqBody {
					t.Errorf("bodies not passed through whole: sent %d of %d bytes, got %d of %d", len(received), len(tc.reqBody), len(got), len(tc.respBody))
				}
				if tc.wantErr != "" && (len(reported) != 1 || !strings.Contains(reported[0].Error(), tc.wantErr)) {
					t.Errorf("reported %v, want %q", reported, tc.wantErr)
				}
			case tc.wantErr == "":
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(got) != tc.respBody || string(received) != tc.reqBody {
					t.Error("bodies not passed through whole")
				}
			default:
				if !errors.As(err, &cerr) || !strings.Contains(cerr.Error(), tc.wantErr) || resp != nil {
					t.Errorf("got %v, %v; want an *Error with %q", resp, err, tc.wantErr)
				}
			}
		})
	}
}

// TestUndeclaredBodyNotRead checks that a body on an operation that
// declares none is reported without being read to its end.
func TestUndeclaredBodyNotRead(t *testing.T) {
	s := inline(t)
	var sent atomic.Int64
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n, _ := io.Copy(io.Discard, r.Body)
		sent.Store(n)
		r.Body.Close()
		return &http.Response{StatusCode: 204, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
	})
	var reported []*Error
	const size = 8 << 20
	req, _ := http.NewRequest("GET", "http://api.test/base/acme/v1/keyed", io.NopCloser(newGen(3, size)))
	req.Header.Set("X-Api-Key", "k-123456")
	resp, err := s.Transport(rt, ReportOnly(func(e *Error) { reported = append(reported, e) })).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sent.Load() != size {
		t.Errorf("server got %d bytes, want %d", sent.Load(), size)
	}
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "request body not allowed") {
		t.Errorf("reported %v", reported)
	}
	// Empty bodies are no bodies.
	req, _ = http.NewRequest("GET", "http://api.test/base/acme/v1/keyed", io.NopCloser(bytes.NewReader(nil)))
	req.Header.Set("X-Api-Key", "k-123456")
	if _, err := s.Transport(rt).RoundTrip(req); err != nil {
		t.Errorf("empty body: %v", err)
	}
}
