package wiretest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// refusedSegments are path parameter values that are not one path segment:
// the generated request builders refuse them before any request is sent.
var refusedSegments = []string{"", ".", ".."}

// keptSegments are values that must arrive as exactly one segment that
// decodes to the value itself.
var keptSegments = []string{
	"auth0|123/../x", "a?b#c", "%2F", "%2e%2e", "../x", "x/..", "...", ".a", "a.",
	"ünïcødé/名前", "a b+c", "a;b,c=d", "@:!$&'()*",
}

// recorder is a server that records the request URI of every request.
type recorder struct {
	mu   sync.Mutex
	uris []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.uris = append(r.uris, req.RequestURI)
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// take returns and forgets the recorded URIs.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	u := r.uris
	r.uris = nil
	return u
}

// segments splits the path of a request URI into its raw segments.
func segments(uri string) []string {
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	return strings.Split(uri, "/")
}

// TestPathParametersAreOneSegment calls every request method of every
// generated client that has string path parameters with each value of
// refusedSegments and keptSegments in each position, and checks what reached
// the server: nothing for refused values (and an error naming the
// parameter), else the same number of segments as with plain values and the
// value, percent-decoded, in its own segment.
func TestPathParametersAreOneSegment(t *testing.T) {
	for _, a := range apis() {
		t.Run(a.name, func(t *testing.T) {
			rec := &recorder{}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			c, err := a.client(srv.URL + "/base/")
			if err != nil {
				t.Fatal(err)
			}
			var ops, params, fixed int
			for _, m := range methods(c) {
				if m.typed || len(m.path) == 0 {
					continue // typed-body methods build the request like their ...WithBody sibling
				}
				ops++
				plain := make([]string, len(m.path))
				for k := range plain {
					plain[k] = fmt.Sprintf("plain%d", k)
				}
				if _, err := m.call(m.args(t.Context(), c, plain, "application/json", reflect.ValueOf(strings.NewReader("{}")))); err != nil {
					t.Errorf("%s with plain values: %v", m.Name, err)
					continue
				}
				base := rec.take()
				if len(base) != 1 || !strings.HasPrefix(base[0], "/base/") {
					t.Errorf("%s with plain values: server saw %q, want one request under /base/", m.Name, base)
					continue
				}
				want := segments(base[0])
				for k, i := range m.path {
					if m.Type.In(i).Kind() != reflect.String {
						fixed++ // e.g. openapi_types.UUID: cannot hold a dot segment
						continue
					}
					params++
					at := -1
					for j, s := range want {
						if strings.Contains(s, plain[k]) {
							at = j
						}
					}
					if at < 0 {
						t.Errorf("%s: %s not found in %s", m.Name, plain[k], base[0])
						continue
					}
					for _, v := range refusedSegments {
						vals := append([]string(nil), plain...)
						vals[k] = v
						_, err := m.call(m.args(t.Context(), c, vals, "application/json", reflect.ValueOf(strings.NewReader("{}"))))
						if got := rec.take(); len(got) != 0 {
							t.Errorf("%s(%q in position %d) sent %q; want nothing sent", m.Name, v, k, got)
						}
						if err == nil || !strings.Contains(err.Error(), "not a path segment") || !strings.Contains(err.Error(), ": "+strings.TrimSuffix(m.Name, "WithBody")+": ") {
							t.Errorf("%s(%q in position %d): err = %v; want a refusal naming the operation", m.Name, v, k, err)
						}
					}
					for _, v := range keptSegments {
						vals := append([]string(nil), plain...)
						vals[k] = v
						if _, err := m.call(m.args(t.Context(), c, vals, "application/json", reflect.ValueOf(strings.NewReader("{}")))); err != nil {
							t.Errorf("%s(%q in position %d): %v", m.Name, v, k, err)
							continue
						}
						got := rec.take()
						if len(got) != 1 {
							t.Errorf("%s(%q in position %d): server saw %q, want one request", m.Name, v, k, got)
							continue
						}
						segs := segments(got[0])
						if len(segs) != len(want) {
							t.Errorf("%s(%q in position %d): sent %s, want as many segments as %s", m.Name, v, k, got[0], base[0])
							continue
						}
						for j := range segs {
							wantSeg := want[j]
							if j == at {
								wantSeg = strings.Replace(wantSeg, plain[k], url.PathEscape(v), 1)
							}
							dec, err := url.PathUnescape(segs[j])
							wantDec, _ := url.PathUnescape(wantSeg)
							if err != nil || dec != wantDec {
								t.Errorf("%s(%q in position %d): segment %d is %q, want %q (sent %s)", m.Name, v, k, j, segs[j], wantSeg, got[0])
							}
						}
					}
				}
			}
			t.Logf("%s: %d operations with path parameters, %d string path parameters checked with %d refused and %d kept values; %d non-string path parameters (uuid) cannot hold dot segments",
				a.name, ops, params, len(refusedSegments), len(keptSegments), fixed)
			if facts := specFacts(t, a.name); ops == 0 && facts.PathParamOps > 0 {
				t.Fatalf("no operation with path parameters found, where the spec has %d: the reflection no longer matches the generated code", facts.PathParamOps)
			}
		})
	}
}
