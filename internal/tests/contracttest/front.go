package contracttest

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/option"
)

// Wire records what a test's client put on the wire.
type Wire struct {
	mu   sync.Mutex
	reqs []WireRequest
}

// WireRequest is one request as sent: method, path with query, the media
// type headers, body.
type WireRequest struct {
	Method, URI         string
	Accept, ContentType string
	Body                []byte
}

// Requests returns the recorded requests in order.
func (w *Wire) Requests() []WireRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]WireRequest(nil), w.reqs...)
}

type recorder struct {
	w      *Wire
	header http.Header
	next   http.RoundTripper
}

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			body, _ = io.ReadAll(io.LimitReader(rc, 1<<20))
			rc.Close()
		}
	} else if req.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(req.Body, 1<<20))
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	if len(r.header) > 0 {
		req = req.Clone(req.Context())
		for k, v := range r.header {
			req.Header[k] = v
		}
	}
	r.w.mu.Lock()
	r.w.reqs = append(r.w.reqs, WireRequest{Method: req.Method, URI: req.URL.RequestURI(),
		Accept: req.Header.Get("Accept"), ContentType: req.Header.Get("Content-Type"), Body: body})
	r.w.mu.Unlock()
	return r.next.RoundTrip(req)
}

// FrontDoor returns the options that point a generated front door
// (NewAPI) at Prism, authenticated by the Env's Source, every request
// checked as by Client and recorded in the returned Wire. header is added
// to every request (e.g. Prism's "Prefer: code=404").
func (e *Env) FrontDoor(t testing.TB, header http.Header) ([]option.Option, *Wire) {
	t.Helper()
	w := &Wire{}
	hc := &http.Client{Transport: recorder{w: w, header: header, next: e.Client(t).Transport}}
	return []option.Option{
		option.WithSource(e.Source),
		option.WithBaseURL(e.Prism.URL),
		option.WithHTTPClient(hc),
		option.WithoutRetry(),
	}, w
}
