package fronttest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
)

// tokens starts oidc-provider with one client of the given auth method.
func tokens(t testing.TB, path, id, secret, method string, opts testenv.TokenServerOptions) *testenv.TokenServer {
	t.Helper()
	opts.TokenPath = path
	opts.Clients = []testenv.Client{{ID: id, Secret: secret, AuthMethod: method}}
	return testenv.TokenServerTB(t, opts)
}

// wire is an httptest API server that records each request it received as
// "METHOD /path?query" and answers with handle.
type wire struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
	auth []string
}

func newWire(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) *wire {
	t.Helper()
	s := &wire{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Method+" "+r.URL.RequestURI())
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		handle(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *wire) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

// checkBearer fails unless every request carried a bearer token.
func (s *wire) checkBearer(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, a := range s.auth {
		if !strings.HasPrefix(a, "Bearer ") || len(a) < 20 {
			t.Errorf("request %d (%s) carried no bearer token", i, s.seen[i])
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}
