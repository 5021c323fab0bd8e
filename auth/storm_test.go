package auth

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
)

// do sends a GET through hc and returns the status.
func do(t *testing.T, hc *http.Client, url string) int {
	t.Helper()
	resp, err := hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestUnauthorizedStormRealServer: an API that refuses every token (24-h
// tokens from the real oidc-provider) answers 100 calls with 401. The first
// call invalidates its token and replays once with a fresh one; that fresh
// token is refused too, so the Source backs off instead of minting a token
// per 401: 2 token requests, not 101. After the backoff one more token is
// tried (3), and the backoff starts again. The clock is frozen so the
// backoff cannot end by itself mid-test.
func TestUnauthorizedStormRealServer(t *testing.T) {
	t.Parallel()
	srv := testenv.TokenServerTB(t, testenv.TokenServerOptions{TTL: 24 * time.Hour, Clients: oidcClients()})
	api := newAPIServer(t, func(string) bool { return false })
	clock := newFakeClock()
	src := mustNew(t, Config{TokenURL: srv.TokenURL, ClientID: basicID, ClientSecret: basicSecret}, withClock(clock))
	hc := &http.Client{Transport: src.Transport(nil)}

	round := func(wantTokenRequests int) {
		t.Helper()
		for i := range 100 {
			if got := do(t, hc, api.URL+"/x"); got != http.StatusUnauthorized {
				t.Fatalf("call %d: status %d, want 401", i, got)
			}
		}
		st, err := srv.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if st.TokenRequests != wantTokenRequests || st.TokensIssued != wantTokenRequests {
			t.Fatalf("token server saw %d requests (%d issued), want %d", st.TokenRequests, st.TokensIssued, wantTokenRequests)
		}
	}
	round(2)
	api.mu.Lock()
	if len(api.tokens) != 101 || api.tokens[0] == api.tokens[1] {
		t.Fatalf("API saw %d requests, want 101 (one replay, with a new token)", len(api.tokens))
	}
	for i, tok := range api.tokens[2:] {
		if tok != api.tokens[1] {
			t.Fatalf("request %d carried another token", i+2)
		}
	}
	api.mu.Unlock()

	clock.Advance(defaultMaxBackoff + time.Second) // past any backoff
	round(3)
}

// TestUnauthorizedStormConcurrent: 100 concurrent calls that all get 401
// make exactly 2 token requests, whatever their interleaving.
func TestUnauthorizedStormConcurrent(t *testing.T) {
	te := newTokenEndpoint(t, 86400, nil)
	api := newAPIServer(t, func(string) bool { return false })
	src := mustNew(t, testConfig(te.URL), withClock(newFakeClock()))
	hc := &http.Client{Transport: src.Transport(nil)}
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if got := do(t, hc, api.URL+"/x"); got != http.StatusUnauthorized {
				t.Errorf("status %d", got)
			}
		})
	}
	wg.Wait()
	if n := te.requests.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}

// TestUnauthorizedStormEnds: once the API accepts a token again, the
// backoff is over: the next revoked token is replaced at once.
func TestUnauthorizedStormEnds(t *testing.T) {
	te := newTokenEndpoint(t, 86400, nil)
	var refuse atomic.Bool
	refuse.Store(true)
	var refused sync.Map // tokens refused once the storm is over
	api := newAPIServer(t, func(tok string) bool {
		if refuse.Load() {
			return false
		}
		_, bad := refused.Load(tok)
		return !bad
	})
	src := mustNew(t, testConfig(te.URL), withClock(newFakeClock()))
	hc := &http.Client{Transport: src.Transport(nil)}
	for range 10 {
		do(t, hc, api.URL+"/x")
	}
	if n := te.requests.Load(); n != 2 {
		t.Fatalf("%d token requests during the storm, want 2", n)
	}
	refuse.Store(false)
	if got := do(t, hc, api.URL+"/x"); got != 200 {
		t.Fatalf("status %d after the API recovered", got)
	}
	refused.Store("tok-2", true) // now tok-2 is revoked
	if got := do(t, hc, api.URL+"/x"); got != 200 {
		t.Fatalf("status %d, want 200 after a replay with a new token", got)
	}
	if n := te.requests.Load(); n != 3 {
		t.Fatalf("%d token requests, want 3", n)
	}
}

// TestAuthorizationValueNotShared: writing into the Authorization value of
// one request (r.Header["Authorization"][0] = ...) changes neither the cache
// nor any other request, through the editor and through Transport.
func TestAuthorizationValueNotShared(t *testing.T) {
	te := newTokenEndpoint(t, 3600, nil)
	src := mustNew(t, testConfig(te.URL))
	ed := src.RequestEditor()
	r1, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
	r2, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
	if err := ed(t.Context(), r1); err != nil {
		t.Fatal(err)
	}
	r1.Header["Authorization"][0] = "Bearer forged"
	if err := ed(t.Context(), r2); err != nil {
		t.Fatal(err)
	}
	if got := r2.Header.Get("Authorization"); got != "Bearer tok-1" {
		t.Fatalf("second request carries %q", got)
	}

	var seen []string
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.Header.Get("Authorization"))
		r.Header["Authorization"][0] = "Bearer forged" // a misbehaving inner transport
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	hc := &http.Client{Transport: src.Transport(base)}
	for range 3 {
		resp, err := hc.Get("http://api.invalid/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for i, s := range seen {
		if s != "Bearer tok-1" {
			t.Fatalf("request %d carried %q", i, s)
		}
	}
	// The slab is refilled after headerSlots requests and values stay
	// distinct slices.
	var prev []string
	for range headerSlots + 2 {
		r, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
		if err := ed(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		v := r.Header["Authorization"]
		if len(v) != 1 || cap(v) != 1 || v[0] != "Bearer tok-1" || (prev != nil && &prev[0] == &v[0]) {
			t.Fatal("editor handed out a shared or wrong header value")
		}
		prev = v
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// hangingTS blocks in Token until release is closed.
type hangingTS struct {
	entered, release, returned chan struct{}
}

func (h *hangingTS) Token() (*oauth2.Token, error) {
	close(h.entered)
	<-h.release
	defer close(h.returned)
	return nil, context.Canceled
}

// TestFromTokenSourceCloseWhileTokenHangs: Close returns, and the waiting
// caller gets an error, although the wrapped Token never returns; the
// abandoned call ends once Token does.
func TestFromTokenSourceCloseWhileTokenHangs(t *testing.T) {
	ts := &hangingTS{entered: make(chan struct{}), release: make(chan struct{}), returned: make(chan struct{})}
	defer func() { close(ts.release); <-ts.returned }()
	src, err := FromTokenSource(ts)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, err := src.Token(context.Background()); errc <- err }()
	<-ts.entered
	closed := make(chan struct{})
	go func() { src.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second): // a hang detector, not a speed assertion
		t.Fatal("Close did not return while Token hangs")
	}
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("Token succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting caller was not released")
	}
}
