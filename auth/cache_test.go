package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func tokenNumber(t testing.TB, tok string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(tok, "tok-"))
	if err != nil {
		t.Fatalf("unexpected token %q", tok)
	}
	return n
}

// TestCacheLifecycle walks one Source through fresh, stale (background
// refresh), expired and invalidated states on a fake clock. With rand 0 and
// the default window, a 100-s token is stale from 80 s and unusable from 95 s.
func TestCacheLifecycle(t *testing.T) {
	clk := newFakeClock()
	te := newTokenEndpoint(t, 100, nil)
	src := mustNew(t, testConfig(te.URL), withClock(clk), withRand(0))
	get := func() string {
		t.Helper()
		tok, err := src.Token(t.Context())
		if err != nil {
			t.Fatalf("Token: %v", err)
		}
		return tok.AccessToken
	}
	steps := []struct {
		name         string
		advance      time.Duration
		want         string
		wantRequests int64 // after waiting for background work
	}{
		{"first call fetches", 0, "tok-1", 1},
		{"fresh", 79 * time.Second, "tok-1", 1},
		{"stale serves current and refreshes in background", 2 * time.Second, "tok-1", 2},
		{"refreshed token served", 0, "tok-2", 2},
		{"new token fresh until its own stale window", 79 * time.Second, "tok-2", 2},
		{"expired without calls: fetch and wait", 20 * time.Second, "tok-3", 3},
	}
	for _, st := range steps {
		clk.Advance(st.advance)
		if got := get(); got != st.want {
			t.Fatalf("%s: got %s, want %s", st.name, got, st.want)
		}
		waitFor(t, st.name, func() bool { return te.requests.Load() == st.wantRequests && src.inflightIdle() })
	}

	// Invalidate drops exactly the named token.
	src.Invalidate("tok-1") // old token: no effect
	if got := get(); got != "tok-3" {
		t.Fatalf("late invalidate of an old token dropped the current one: got %s", got)
	}
	src.Invalidate("tok-3")
	if got := get(); got != "tok-4" || te.requests.Load() != 4 {
		t.Fatalf("after Invalidate: got %s with %d requests", got, te.requests.Load())
	}
}

// inflightIdle reports whether no fetch is running (test helper).
func (s *Source) inflightIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inflight == nil
}

// TestStaleRefreshFailure: a failing background refresh keeps the valid
// token in service, backs off, and only surfaces the error once the token is
// no longer usable.
func TestStaleRefreshFailure(t *testing.T) {
	clk := newFakeClock()
	var fail atomic.Bool
	te := newTokenEndpoint(t, 100, func(w http.ResponseWriter, r *http.Request, n int64) {
		if fail.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		writeToken(w, fmt.Sprintf("tok-%d", n), 100)
	})
	src := mustNew(t, testConfig(te.URL), withClock(clk), withRand(0), WithBackoff(10*time.Second, 10*time.Second))
	if _, err := src.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	fail.Store(true)
	clk.Advance(81 * time.Second) // stale
	for i := range 5 {
		tok, err := src.Token(t.Context())
		if err != nil || tok.AccessToken != "tok-1" {
			t.Fatalf("call %d in stale window: %v", i, err)
		}
		waitFor(t, "background refresh", src.inflightIdle)
	}
	if got := te.requests.Load(); got != 2 {
		t.Fatalf("%d requests, want 2 (initial + one background try within the backoff)", got)
	}
	clk.Advance(10 * time.Second) // 91 s: backoff over, still usable (until 95 s)
	if tok, err := src.Token(t.Context()); err != nil || tok.AccessToken != "tok-1" {
		t.Fatalf("after backoff: %v", err)
	}
	waitFor(t, "second background try", func() bool { return te.requests.Load() == 3 && src.inflightIdle() })
	clk.Advance(5 * time.Second) // 96 s: expired, and in backoff until 101 s
	_, err := src.Token(t.Context())
	var ae *Error
	if !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("expired during backoff: got %v, want the last 503", err)
	}
	if got := te.requests.Load(); got != 3 {
		t.Fatalf("%d requests, want 3", got)
	}
	fail.Store(false)
	clk.Advance(5 * time.Second)
	if tok, err := src.Token(t.Context()); err != nil || tok.AccessToken != "tok-4" {
		t.Fatalf("recovery: %v", err)
	}
}

// TestManyCallersManyLifetimes runs 1,000 goroutines through several token
// lifetimes on a fake clock: the endpoint sees exactly one request per
// refresh cycle, no caller ever gets an error, and no caller sees an older
// token after a newer one.
func TestManyCallersManyLifetimes(t *testing.T) {
	tests := []struct {
		name     string
		fraction float64
		// advance moves the clock from one fetch into the next cycle.
		advance time.Duration
	}{
		{"background refresh in stale window", 0.2, 85 * time.Second},
		{"refetch at expiry (no stale window)", 0, 96 * time.Second},
	}
	const (
		callers = 1000
		cycles  = 8
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			te := newTokenEndpoint(t, 100, nil)
			src := mustNew(t, testConfig(te.URL), withClock(clk), withRand(0), WithRefreshWindow(tt.fraction, 0))
			if _, err := src.Token(t.Context()); err != nil {
				t.Fatal(err)
			}
			var stop atomic.Bool
			var calls atomic.Int64
			var wg sync.WaitGroup
			editor := src.RequestEditor()
			for i := range callers {
				wg.Go(func() {
					last := 0
					req, _ := http.NewRequest(http.MethodGet, "http://api.example/", nil)
					for !stop.Load() {
						var tok string
						if i%2 == 0 {
							tk, err := src.Token(context.Background())
							if err != nil {
								t.Errorf("Token: %v", err)
								return
							}
							tok = tk.AccessToken
						} else {
							if err := editor(context.Background(), req); err != nil {
								t.Errorf("editor: %v", err)
								return
							}
							tok = strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
						}
						n := tokenNumber(t, tok)
						if n < last {
							t.Errorf("token went back from %d to %d", last, n)
							return
						}
						last = n
						calls.Add(1)
						runtime.Gosched()
					}
				})
			}
			for c := 1; c <= cycles; c++ {
				clk.Advance(tt.advance)
				waitFor(t, "refresh", func() bool {
					e := src.current.Load()
					return e != nil && e.token.AccessToken == fmt.Sprintf("tok-%d", c+1)
				})
			}
			stop.Store(true)
			wg.Wait()
			if got := te.requests.Load(); got != cycles+1 {
				t.Fatalf("endpoint saw %d requests for %d cycles, want %d", got, cycles, cycles+1)
			}
			if calls.Load() < callers {
				t.Fatalf("only %d calls made", calls.Load())
			}
		})
	}
}

func TestClose(t *testing.T) {
	te := newTokenEndpoint(t, 100, nil)
	te.gate = make(chan struct{})
	defer close(te.gate)
	src, err := New(testConfig(te.URL))
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, err := src.Token(context.Background()); errc <- err }()
	waitFor(t, "request", func() bool { return te.requests.Load() == 1 })
	src.Close() // cancels the blocked fetch and waits for it
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("waiter got %v, want context.Canceled from the cancelled fetch", err)
	}
	if _, err := src.Token(t.Context()); !errors.Is(err, ErrClosed) && !errors.Is(err, context.Canceled) {
		t.Fatalf("Token after Close: %v", err)
	}
}

// TestStaleWindow pins the proportional, jittered stale window and the expiry
// margin for short and long tokens.
func TestStaleWindow(t *testing.T) {
	sent := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name              string
		life              time.Duration
		fraction, jitter  float64
		rand              float64
		wantRefresh, want time.Duration // refreshAt and expireAt after sent
	}{
		{"299 s, earliest", 299 * time.Second, 0.2, 0.5, 0, 239200 * time.Millisecond, 289 * time.Second},
		{"299 s, latest", 299 * time.Second, 0.2, 0.5, 1, 269100 * time.Millisecond, 289 * time.Second},
		{"24 h, earliest", 24 * time.Hour, 0.2, 0.5, 0, 1152 * time.Minute, 24*time.Hour - 10*time.Second},
		{"24 h, latest", 24 * time.Hour, 0.2, 0.5, 1, 1296 * time.Minute, 24*time.Hour - 10*time.Second},
		{"no window: refresh at the margin", 100 * time.Second, 0, 0, 0.5, 95 * time.Second, 95 * time.Second},
		{"3 s test token, half window", 3 * time.Second, 0.5, 0, 0.3, 1500 * time.Millisecond, 2850 * time.Millisecond},
		{"zero lifetime", 0, 0.2, 0.5, 0.5, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Source{o: options{fraction: tt.fraction, jitter: tt.jitter, rand: func() float64 { return tt.rand }}}
			e := s.newEntry(fetched{token: &oauth2.Token{AccessToken: "a"}, lifetime: tt.life}, sent)
			if got := e.refreshAt.Sub(sent); got != tt.wantRefresh {
				t.Errorf("refresh after %s, want %s", got, tt.wantRefresh)
			}
			if got := e.expireAt.Sub(sent); got != tt.want {
				t.Errorf("unusable after %s, want %s", got, tt.want)
			}
			if !e.token.Expiry.Equal(sent.Add(tt.life)) || e.header != "Bearer a" {
				t.Errorf("expiry %s header %q", e.token.Expiry, e.header)
			}
		})
	}
}

// TestExpiryFromSend: the lifetime counts from when the request was sent, not
// from when the slow answer arrived.
func TestExpiryFromSend(t *testing.T) {
	clk := newFakeClock()
	start := clk.Now()
	te := newTokenEndpoint(t, 100, func(w http.ResponseWriter, r *http.Request, n int64) {
		clk.Advance(30 * time.Second) // the endpoint takes 30 s (fake)
		writeToken(w, "slow", 100)
	})
	src := mustNew(t, testConfig(te.URL), withClock(clk))
	tok, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !tok.Expiry.Equal(start.Add(100 * time.Second)) {
		t.Fatalf("expiry %s after start, want 100s", tok.Expiry.Sub(start))
	}
}
