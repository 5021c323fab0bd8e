package testenv

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Recorder is an HTTP server that records the raw text of every request it
// receives (method, target, every header, up to 1 MiB of body) and answers
// 404. Tests that must prove a credential never reached a host point a
// redirect at it and search what it saw.
type Recorder struct {
	*httptest.Server

	mu   sync.Mutex
	seen []string
}

// StartRecorder starts a Recorder listening on addr: "127.0.0.2:0" is
// another loopback host than httptest's 127.0.0.1, "127.0.0.1:0" the same
// host on another port. It is closed when t ends.
func StartRecorder(t testing.TB, addr string) *Recorder {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	r := &Recorder{}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s\n", req.Method, req.URL.RequestURI())
		for k, vs := range req.Header {
			fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(vs, ", "))
		}
		b.Write(body)
		r.mu.Lock()
		r.seen = append(r.seen, b.String())
		r.mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
	}))
	r.Server.Listener.Close()
	r.Server.Listener = l
	r.Start()
	t.Cleanup(r.Close)
	return r
}

// Requests returns what the recorder has received so far, one string per
// request.
func (r *Recorder) Requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// Take returns what the recorder has received and forgets it.
func (r *Recorder) Take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.seen
	r.seen = nil
	return s
}
