package auth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// apiServer accepts only requests whose bearer token passes ok and records
// what it saw.
type apiServer struct {
	*httptest.Server
	mu     sync.Mutex
	tokens []string
	bodies []string
}

func newAPIServer(t *testing.T, ok func(tok string) bool) *apiServer {
	a := &apiServer{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		a.mu.Lock()
		a.tokens = append(a.tokens, tok)
		a.bodies = append(a.bodies, string(b))
		a.mu.Unlock()
		if !ok(tok) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_token"}`))
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(a.Close)
	return a
}

func TestTransport401(t *testing.T) {
	tests := []struct {
		name         string
		accept       func(tok string) bool
		body         func() (io.Reader, bool) // reader, and whether GetBody is kept
		wantStatus   int
		wantTokens   []string // as seen by the API, in order
		wantFetches  int64
		wantBodiesEq bool
	}{
		{"accepted", func(string) bool { return true }, nil, 200, []string{"tok-1"}, 1, false},
		{"revoked token replayed once with new token", func(tok string) bool { return tok != "tok-1" }, nil, 200, []string{"tok-1", "tok-2"}, 2, false},
		{"replay with body via GetBody", func(tok string) bool { return tok != "tok-1" },
			func() (io.Reader, bool) { return strings.NewReader(`{"name":"x"}`), true }, 200, []string{"tok-1", "tok-2"}, 2, true},
		{"always 401: no loop", func(string) bool { return false }, nil, 401, []string{"tok-1", "tok-2"}, 2, false},
		{"body without GetBody: no replay", func(tok string) bool { return tok != "tok-1" },
			func() (io.Reader, bool) { return strings.NewReader(`{"name":"x"}`), false }, 401, []string{"tok-1"}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTokenEndpoint(t, 300, nil)
			api := newAPIServer(t, tt.accept)
			src := mustNew(t, testConfig(te.URL))
			hc := &http.Client{Transport: src.Transport(nil)}
			var req *http.Request
			if tt.body == nil {
				req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, api.URL+"/x", nil)
			} else {
				r, keep := tt.body()
				req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, api.URL+"/x", r)
				if !keep {
					req.GetBody = nil
					req.Body = io.NopCloser(r)
				}
			}
			req.Header.Set("X-Caller", "1")
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			api.mu.Lock()
			defer api.mu.Unlock()
			if strings.Join(api.tokens, ",") != strings.Join(tt.wantTokens, ",") {
				t.Fatalf("API saw tokens %v, want %v", api.tokens, tt.wantTokens)
			}
			if got := te.requests.Load(); got != tt.wantFetches {
				t.Fatalf("%d token fetches, want %d", got, tt.wantFetches)
			}
			if tt.wantBodiesEq && (len(api.bodies) != 2 || api.bodies[0] != api.bodies[1] || api.bodies[1] == "") {
				t.Fatalf("replayed body differs: %q", api.bodies)
			}
			if req.Header.Get("Authorization") != "" {
				t.Fatal("Transport modified the caller's request")
			}
		})
	}
}

func TestTransportTokenError(t *testing.T) {
	te := newTokenEndpoint(t, 300, func(w http.ResponseWriter, r *http.Request, n int64) { w.WriteHeader(500) })
	api := newAPIServer(t, func(string) bool { return true })
	src := mustNew(t, testConfig(te.URL))
	hc := &http.Client{Transport: src.Transport(http.DefaultTransport)}
	_, err := hc.Post(api.URL, "text/plain", bytes.NewReader([]byte("x")))
	var ae *Error
	if !errors.As(err, &ae) || ae.StatusCode != 500 {
		t.Fatalf("got %v", err)
	}
	if len(api.tokens) != 0 {
		t.Fatal("request sent without a token")
	}
}

func TestRequestEditor(t *testing.T) {
	te := newTokenEndpoint(t, 300, nil)
	src := mustNew(t, testConfig(te.URL))
	ed := src.RequestEditor()
	for _, req := range []*http.Request{
		{Header: http.Header{"Authorization": {"Basic old"}}},
		{}, // nil header map
	} {
		if err := ed(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Values("Authorization"); len(got) != 1 || got[0] != "Bearer tok-1" {
			t.Fatalf("Authorization %q", got)
		}
	}
	// A cancelled caller with no token gets its ctx error.
	bad := newTokenEndpoint(t, 300, nil)
	bad.gate = make(chan struct{})
	defer close(bad.gate)
	src2 := mustNew(t, testConfig(bad.URL))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := src2.RequestEditor()(ctx, &http.Request{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

type countingTS struct {
	n      atomic.Int64
	expiry time.Duration
}

func (c *countingTS) Token() (*oauth2.Token, error) {
	n := c.n.Add(1)
	time.Sleep(time.Millisecond)
	return &oauth2.Token{AccessToken: "ts-" + string(rune('0'+n)), TokenType: "bearer", Expiry: time.Now().Add(c.expiry)}, nil
}

func TestOAuth2Interop(t *testing.T) {
	ts := &countingTS{expiry: time.Hour}
	src, err := FromTokenSource(ts)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var wg sync.WaitGroup
	view := src.TokenSource()
	for range 100 {
		wg.Go(func() {
			tok, err := view.Token()
			if err != nil || tok.AccessToken != "ts-1" || tok.Type() != "Bearer" || !tok.Valid() {
				t.Errorf("view token: %v %v", tok, err)
			}
		})
	}
	wg.Wait()
	if ts.n.Load() != 1 {
		t.Fatalf("wrapped TokenSource called %d times, want 1", ts.n.Load())
	}
	// The caller's copy is its own.
	a, _ := src.Token(t.Context())
	a.AccessToken = "mutated"
	if b, _ := src.Token(t.Context()); b.AccessToken != "ts-1" {
		t.Fatal("mutating a returned token changed the cache")
	}
	if _, err := FromTokenSource(nil); err == nil {
		t.Fatal("FromTokenSource(nil) succeeded")
	}
}

func TestLogging(t *testing.T) {
	var fail atomic.Bool
	te := newTokenEndpoint(t, 300, func(w http.ResponseWriter, r *http.Request, n int64) {
		if fail.Load() {
			w.WriteHeader(500)
			return
		}
		writeToken(w, "secret-token-value", 300)
	})
	var buf syncBuf
	l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src := mustNew(t, testConfig(te.URL), WithLogger(l))
	var calls atomic.Int32 // the first request is refused, the replay accepted
	api := newAPIServer(t, func(string) bool { return calls.Add(1) > 1 })
	resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL + "/x?key=v")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	fail.Store(true)
	src.Invalidate("secret-token-value")
	_, _ = src.Token(t.Context())
	// The warning is logged after the waiters are released.
	waitFor(t, "the warning", func() bool { return strings.Contains(buf.String(), "token fetch failed") })
	out := buf.String()
	for _, want := range []string{`"msg":"auth: token fetched"`, `"msg":"auth: 401 answered, replaying once with a new token"`, `"msg":"auth: token fetch failed"`, `key=REDACTED`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	if strings.Contains(out, "secret-token-value") || strings.Contains(out, testSecret) {
		t.Error("log contains a secret")
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
