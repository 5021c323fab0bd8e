package auth

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testSecret is the client secret of every test; tests assert it never shows.
const testSecret = "s3cr3t-Value/with+chars&=%"

// fakeClock is a settable clock for the cache tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// withClock and withRand make timing deterministic in tests.
func withClock(c *fakeClock) Option { return func(o *options) { o.testNow = c.Now } }
func withRand(v float64) Option     { return func(o *options) { o.rand = func() float64 { return v } } }

// tokenEndpoint is an httptest token endpoint that issues numbered tokens.
type tokenEndpoint struct {
	*httptest.Server
	requests atomic.Int64
	// handle, when set, answers instead of the default.
	handle func(w http.ResponseWriter, r *http.Request, n int64)
	// expiresIn is sent in default answers.
	expiresIn atomic.Int64
	// gate, when non-nil, is waited on before answering.
	gate chan struct{}
	// auth is the Authorization header of the last request.
	auth atomic.Pointer[string]
}

func (te *tokenEndpoint) lastAuth() string {
	if p := te.auth.Load(); p != nil {
		return *p
	}
	return ""
}

func newTokenEndpoint(t testing.TB, expiresIn int64, handle func(w http.ResponseWriter, r *http.Request, n int64)) *tokenEndpoint {
	te := &tokenEndpoint{handle: handle}
	te.expiresIn.Store(expiresIn)
	te.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := te.requests.Add(1)
		te.auth.Store(new(r.Header.Get("Authorization")))
		if te.gate != nil {
			select {
			case <-te.gate:
			case <-r.Context().Done():
				return
			}
		}
		if te.handle != nil {
			te.handle(w, r, n)
			return
		}
		writeToken(w, fmt.Sprintf("tok-%d", n), te.expiresIn.Load())
	}))
	t.Cleanup(te.Close)
	return te
}

func writeToken(w http.ResponseWriter, tok string, expiresIn int64) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": expiresIn})
}

func testConfig(url string) Config {
	return Config{TokenURL: url, ClientID: "client-1", ClientSecret: testSecret}
}

// mustNew builds a Source and closes it at the end of the test.
func mustNew(t testing.TB, cfg Config, opts ...Option) *Source {
	t.Helper()
	s, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// waitFor polls cond for up to 10 s; used where a background goroutine must
// finish, never to assert speed.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func fmtSprintf(f string, v any) string { return fmt.Sprintf(f, v) }
