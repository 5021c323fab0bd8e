package retry

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeTime makes waits observable without sleeping: sleeps are recorded,
// jitter returns its upper bound, and the clock is fixed.
type fakeTime struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (f *fakeTime) install(t *Transport) *Transport {
	t.now = func() time.Time { return f.now }
	t.jitter = func(d time.Duration) time.Duration { return d }
	t.sleep = func(ctx context.Context, d time.Duration) error {
		f.mu.Lock()
		f.sleeps = append(f.sleeps, d)
		f.mu.Unlock()
		return ctx.Err()
	}
	return t
}

// step is one scripted server reply.
type step struct {
	status int
	header map[string]string
}

// script serves steps in order (the last one repeats) and records each
// request's method and body, so tests can assert exact request counts.
type script struct {
	mu     sync.Mutex
	steps  []step
	bodies []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.bodies)
	s.bodies = append(s.bodies, string(b))
	st := s.steps[min(n, len(s.steps)-1)]
	s.mu.Unlock()
	for k, v := range st.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(st.status)
	io.WriteString(w, `{"attempt":`+strconv.Itoa(n+1)+`}`)
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

var epoch = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestRoundTripStatusSequences(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name       string
		method     string
		header     map[string]string
		tr         Transport
		steps      []step
		wantStatus int
		wantReqs   int
		wantSleeps []time.Duration
	}{
		{
			name:  "503 twice then 200: two backoffs doubling",
			steps: []step{{status: 503}, {status: 503}, {status: 200}},
			tr:    Transport{BaseDelay: 100 * ms}, wantStatus: 200, wantReqs: 3,
			wantSleeps: []time.Duration{100 * ms, 200 * ms},
		},
		{
			name:  "always 503: default 2 retries, last response returned",
			steps: []step{{status: 503}},
			tr:    Transport{}, wantStatus: 503, wantReqs: 3,
			wantSleeps: []time.Duration{DefaultBaseDelay, 2 * DefaultBaseDelay},
		},
		{
			name:  "backoff capped at MaxWait",
			steps: []step{{status: 500}},
			tr:    Transport{BaseDelay: time.Second, MaxWait: 3 * time.Second, MaxRetries: 4}, wantStatus: 500, wantReqs: 5,
			wantSleeps: []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second},
		},
		{
			name:  "408 is retried",
			steps: []step{{status: 408}, {status: 200}},
			tr:    Transport{BaseDelay: ms}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{ms},
		},
		{
			name:  "429 Retry-After seconds is used instead of backoff",
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "3"}}, {status: 200}},
			tr:    Transport{}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{3 * time.Second},
		},
		{
			name:  "503 Retry-After HTTP-date",
			steps: []step{{status: 503, header: map[string]string{"Retry-After": epoch.Add(4 * time.Second).Format(http.TimeFormat)}}, {status: 200}},
			tr:    Transport{}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{4 * time.Second},
		},
		{
			name:  "Retry-After 0 retries at once",
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "0"}}, {status: 200}},
			tr:    Transport{}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{0},
		},
		{
			name: "Auth0 429 with X-RateLimit-Reset epoch seconds",
			steps: []step{{status: 429, header: map[string]string{
				"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0",
				"X-RateLimit-Reset": strconv.FormatInt(epoch.Add(2*time.Second).Unix(), 10),
			}}, {status: 200}},
			tr: Transport{}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{2 * time.Second},
		},
		{
			name: "X-RateLimit-Reset in the past: retry at once",
			steps: []step{{status: 429, header: map[string]string{
				"X-RateLimit-Reset": strconv.FormatInt(epoch.Add(-time.Minute).Unix(), 10),
			}}, {status: 200}},
			tr: Transport{}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{0},
		},
		{
			name: "X-RateLimit-Reset ignored on 503 (Auth0 sends it on every response)",
			steps: []step{{status: 503, header: map[string]string{
				"X-RateLimit-Reset": strconv.FormatInt(epoch.Add(time.Hour).Unix(), 10),
			}}, {status: 200}},
			tr: Transport{BaseDelay: 50 * ms}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{50 * ms},
		},
		{
			name:  "Retry-After wins over X-RateLimit-Reset",
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "1", "X-RateLimit-Reset": strconv.FormatInt(epoch.Add(9*time.Second).Unix(), 10)}}, {status: 200}},
			tr:    Transport{}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{time.Second},
		},
		{
			name:  "malformed Retry-After falls back to backoff",
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "soon"}}, {status: 200}},
			tr:    Transport{BaseDelay: 10 * ms}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{10 * ms},
		},
		{
			name:  "server asks for longer than MaxWait: response returned, no sleep",
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "120"}}, {status: 200}},
			tr:    Transport{MaxWait: time.Minute}, wantStatus: 429, wantReqs: 1,
		},
		{
			name:  "absurd Retry-After does not overflow",
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "99999999999999999"}}, {status: 200}},
			tr:    Transport{}, wantStatus: 429, wantReqs: 1,
		},
		{
			name:  "MaxRetries 4",
			steps: []step{{status: 502}},
			tr:    Transport{BaseDelay: ms, MaxRetries: 4}, wantStatus: 502, wantReqs: 5,
			wantSleeps: []time.Duration{ms, 2 * ms, 4 * ms, 8 * ms},
		},
		{
			name:  "negative MaxRetries disables retrying",
			steps: []step{{status: 503}, {status: 200}},
			tr:    Transport{MaxRetries: -1}, wantStatus: 503, wantReqs: 1,
		},
		{name: "404 is final", steps: []step{{status: 404}, {status: 200}}, wantStatus: 404, wantReqs: 1},
		{name: "400 is final", steps: []step{{status: 400}, {status: 200}}, wantStatus: 400, wantReqs: 1},
		{name: "401 is left to auth", steps: []step{{status: 401}, {status: 200}}, wantStatus: 401, wantReqs: 1},
		{name: "501 never heals", steps: []step{{status: 501}, {status: 200}}, wantStatus: 501, wantReqs: 1},
		{name: "505 never heals", steps: []step{{status: 505}, {status: 200}}, wantStatus: 505, wantReqs: 1},
		{name: "2xx at once: one request", steps: []step{{status: 200}}, wantStatus: 200, wantReqs: 1},
		{
			name: "POST 503 not retried without opt-in", method: http.MethodPost,
			steps: []step{{status: 503}, {status: 201}}, wantStatus: 503, wantReqs: 1,
		},
		{
			name: "PATCH 429 not retried without opt-in", method: http.MethodPatch,
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "1"}}, {status: 200}}, wantStatus: 429, wantReqs: 1,
		},
		{
			name: "POST 503 retried with RetryNonIdempotent", method: http.MethodPost,
			tr:    Transport{RetryNonIdempotent: true, BaseDelay: ms},
			steps: []step{{status: 503}, {status: 201}}, wantStatus: 201, wantReqs: 2,
			wantSleeps: []time.Duration{ms},
		},
		{
			name: "POST with Idempotency-Key retried", method: http.MethodPost,
			header: map[string]string{"Idempotency-Key": "k-1"},
			tr:     Transport{BaseDelay: ms},
			steps:  []step{{status: 503}, {status: 201}}, wantStatus: 201, wantReqs: 2,
			wantSleeps: []time.Duration{ms},
		},
		{
			name: "PUT is idempotent", method: http.MethodPut,
			tr:    Transport{BaseDelay: ms},
			steps: []step{{status: 500}, {status: 200}}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{ms},
		},
		{
			name: "DELETE is idempotent", method: http.MethodDelete,
			tr:    Transport{BaseDelay: ms},
			steps: []step{{status: 500}, {status: 200}}, wantStatus: 200, wantReqs: 2,
			wantSleeps: []time.Duration{ms},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{steps: tt.steps}
			srv := httptest.NewServer(s)
			defer srv.Close()
			ft := &fakeTime{now: epoch}
			tr := ft.install(&tt.tr)
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			const payload = `{"name":"x"}`
			req, _ := http.NewRequest(method, srv.URL+"/umbraco/management/api/v1/user?skip=0", strings.NewReader(payload))
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := s.count(); got != tt.wantReqs {
				t.Errorf("server saw %d requests, want %d", got, tt.wantReqs)
			}
			if want := `{"attempt":` + strconv.Itoa(tt.wantReqs) + `}`; string(body) != want {
				t.Errorf("body = %s, want the last attempt's %s", body, want)
			}
			for i, b := range s.bodies {
				if b != payload {
					t.Errorf("attempt %d body = %q, want %q (replayed)", i+1, b, payload)
				}
			}
			if !equalDurations(ft.sleeps, tt.wantSleeps) {
				t.Errorf("sleeps = %v, want %v", ft.sleeps, tt.wantSleeps)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNonReplayableBodyNeverRetried: a body without GetBody cannot be sent
// twice, even with the opt-in.
func TestNonReplayableBodyNeverRetried(t *testing.T) {
	tr := (&fakeTime{now: epoch}).install(&Transport{RetryNonIdempotent: true})
	for _, method := range []string{http.MethodPut, http.MethodPost} {
		s := &script{steps: []step{{status: 503}, {status: 201}}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		req, _ := http.NewRequest(method, srv.URL, io.NopCloser(strings.NewReader("stream")))
		if req.GetBody != nil {
			t.Fatal("test setup: body should not be replayable")
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 503 {
			t.Errorf("%s: status = %d, want 503", method, resp.StatusCode)
		}
		if got := s.count(); got != 1 {
			t.Errorf("%s: server saw %d requests, want 1", method, got)
		}
	}
}

// resetServer hijacks and closes the connection without a response for the
// first n requests (a connection reset as seen by the client), then serves
// 200.
func resetServer(t *testing.T, n int) (*httptest.Server, func() int) {
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		hits++
		h := hits
		mu.Unlock()
		if h <= n {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // RST instead of FIN
			}
			conn.Close()
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return hits }
}

func TestConnectionResets(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		optIn    bool
		resets   int
		wantErr  bool
		wantHits int
	}{
		{name: "GET survives two resets", method: http.MethodGet, resets: 2, wantHits: 3},
		{name: "GET gives up after three resets", method: http.MethodGet, resets: 3, wantErr: true, wantHits: 3},
		{name: "POST reset is not retried: the server may have acted", method: http.MethodPost, resets: 1, wantErr: true, wantHits: 1},
		{name: "POST reset retried with opt-in", method: http.MethodPost, optIn: true, resets: 1, wantHits: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, hits := resetServer(t, tt.resets)
			defer srv.Close()
			// Fresh connections only, so net/http's own retry on reused
			// connections cannot add requests to the count.
			base := &http.Transport{DisableKeepAlives: true}
			defer base.CloseIdleConnections()
			tr := (&fakeTime{now: epoch}).install(&Transport{Base: base, RetryNonIdempotent: tt.optIn})
			req, _ := http.NewRequest(tt.method, srv.URL, strings.NewReader("{}"))
			resp, err := tr.RoundTrip(req)
			if resp != nil {
				resp.Body.Close()
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("err = %v, want error: %v", err, tt.wantErr)
			}
			if got := hits(); got != tt.wantHits {
				t.Errorf("server saw %d requests, want %d", got, tt.wantHits)
			}
		})
	}
}

// countingRT counts attempts and answers each with the next scripted error
// (or a 200 once the errors run out), closing request bodies as required.
type countingRT struct {
	mu    sync.Mutex
	errs  []error
	calls int
}

func (c *countingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.calls <= len(c.errs) {
		return nil, c.errs[c.calls-1]
	}
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok")), Request: req}, nil
}

func TestErrorClassification(t *testing.T) {
	readErr := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("i/o timeout")}
	tests := []struct {
		name      string
		method    string
		err       error
		wantCalls int
	}{
		{"GET read reset retried", http.MethodGet, readErr, 2},
		{"GET unexpected EOF retried", http.MethodGet, io.ErrUnexpectedEOF, 2},
		{"POST read reset not retried", http.MethodPost, readErr, 1},
		{"POST dial error retried: never sent", http.MethodPost, dialErr, 2},
		{"POST connection refused retried: never sent", http.MethodPost, syscall.ECONNREFUSED, 2},
		{"POST DNS timeout retried: never sent", http.MethodPost, &net.DNSError{Err: "timeout", Name: "h", IsTimeout: true}, 2},
		{"no such host is final", http.MethodGet, &net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}, 1},
		{"unknown CA is final", http.MethodGet, x509.UnknownAuthorityError{}, 1},
		{"auth failure (not a network error) is final", http.MethodGet, errors.New("auth: token request failed: invalid_client"), 1},
		{"canceled is final", http.MethodGet, context.Canceled, 1},
		{"deadline is final", http.MethodGet, context.DeadlineExceeded, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &countingRT{errs: []error{tt.err}}
			tr := (&fakeTime{now: epoch}).install(&Transport{Base: rt})
			req, _ := http.NewRequest(tt.method, "http://api.example/x", bytes.NewReader([]byte("{}")))
			resp, err := tr.RoundTrip(req)
			if tt.wantCalls == 2 && (err != nil || resp.StatusCode != 200) {
				t.Errorf("want success after retry, got %v, %v", resp, err)
			}
			if tt.wantCalls == 1 && !errors.Is(err, tt.err) && err != tt.err {
				t.Errorf("err = %v, want the original %v", err, tt.err)
			}
			if resp != nil {
				resp.Body.Close()
			}
			if rt.calls != tt.wantCalls {
				t.Errorf("attempts = %d, want %d", rt.calls, tt.wantCalls)
			}
		})
	}
}

// TestRefusedConnectionRealDial dials a port nobody listens on: the POST is
// retried because the request provably never left, and the final error
// still reports the refusal.
func TestRefusedConnectionRealDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var events []Event
	tr := (&fakeTime{now: epoch}).install(&Transport{
		Base:    &http.Transport{DisableKeepAlives: true},
		OnRetry: func(e Event) { events = append(events, e) },
	})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/scim2/Users", strings.NewReader("{}"))
	_, err = tr.RoundTrip(req)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v, want ECONNREFUSED", err)
	}
	if len(events) != 2 {
		t.Fatalf("retries = %d, want 2", len(events))
	}
	for i, e := range events {
		if e.Retry != i+1 || e.Method != http.MethodPost || !errors.Is(e.Err, syscall.ECONNREFUSED) {
			t.Errorf("event %d = %+v", i, e)
		}
	}
}

// TestCancelDuringBackoff cancels the context while the transport sleeps a
// long real backoff: RoundTrip returns the context error and sends nothing
// more. A broken select would hang the test (an hour of backoff) instead of
// passing.
func TestCancelDuringBackoff(t *testing.T) {
	s := &script{steps: []step{{status: 503}, {status: 200}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &Transport{
		BaseDelay: time.Hour, MaxWait: 2 * time.Hour,
		jitter:  func(d time.Duration) time.Duration { return d },
		OnRetry: func(Event) { cancel() },
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := tr.RoundTrip(req)
	if resp != nil {
		t.Errorf("resp = %v, want nil", resp.Status)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := s.count(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
}

// TestWaitBeyondDeadline: when the server's wait outlasts the context's
// deadline, the response is returned at once instead of sleeping into a
// certain failure.
func TestWaitBeyondDeadline(t *testing.T) {
	s := &script{steps: []step{{status: 429, header: map[string]string{"Retry-After": "30"}}, {status: 200}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ft := &fakeTime{}
	tr := ft.install(&Transport{MaxWait: time.Minute})
	tr.now = time.Now // the deadline is on the real clock
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || s.count() != 1 || len(ft.sleeps) != 0 {
		t.Errorf("status %d, %d requests, sleeps %v; want 429, 1, none", resp.StatusCode, s.count(), ft.sleeps)
	}
}

// trackedBody records whether it was closed and how much was read.
type trackedBody struct {
	io.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

func TestDiscardedResponsesAreClosed(t *testing.T) {
	var bodies []*trackedBody
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		b := &trackedBody{Reader: strings.NewReader(strings.Repeat("x", 1000))}
		bodies = append(bodies, b)
		return &http.Response{StatusCode: 503, Header: http.Header{}, Body: b, Request: req}, nil
	})
	tr := (&fakeTime{now: epoch}).install(&Transport{Base: base})
	req, _ := http.NewRequest(http.MethodGet, "http://api.example/x", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 3 {
		t.Fatalf("attempts = %d, want 3", len(bodies))
	}
	for i, b := range bodies[:2] {
		if !b.closed || b.Reader.(*strings.Reader).Len() != 0 {
			t.Errorf("discarded body %d: closed=%v, unread=%d", i, b.closed, b.Reader.(*strings.Reader).Len())
		}
	}
	if bodies[2].closed || resp.Body != bodies[2] {
		t.Error("the returned response's body must be left open for the caller")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestComposesOutsideAuth: with retry outside an auth-like transport, every
// attempt passes through auth (fresh token per attempt) and the caller's
// request is never mutated.
func TestComposesOutsideAuth(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		if len(seen) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	tokens := 0
	auth := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		tokens++
		r2 := r.Clone(r.Context())
		r2.Header.Set("Authorization", "Bearer tok-"+strconv.Itoa(tokens))
		return http.DefaultTransport.RoundTrip(r2)
	})
	tr := (&fakeTime{now: epoch}).install(&Transport{Base: auth})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []string{"Bearer tok-1", "Bearer tok-2", "Bearer tok-3"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("Authorization per attempt = %v, want %v", seen, want)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("caller's request was mutated")
	}
}

// TestObservabilityIsSecretFree checks the hook and the logger: they report
// method, status, retry number and wait, and never query values or headers.
func TestObservabilityIsSecretFree(t *testing.T) {
	const secret = "s3cr3t-token"
	s := &script{steps: []step{{status: 429, header: map[string]string{"Retry-After": "2"}}, {status: 503, header: map[string]string{"Retry-After": "600"}}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	var logs bytes.Buffer
	var events []Event
	tr := (&fakeTime{now: epoch}).install(&Transport{
		Logger:  slog.New(slog.NewJSONHandler(&logs, nil)),
		OnRetry: func(e Event) { events = append(events, e) },
	})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v2/users?access_token="+secret, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("status = %d, want 503 (Retry-After 600 exceeds MaxWait)", resp.StatusCode)
	}
	if len(events) != 1 {
		t.Fatalf("events = %d, want 1", len(events))
	}
	e := events[0]
	if e.Method != "GET" || e.StatusCode != 429 || e.Retry != 1 || e.Wait != 2*time.Second || e.URL != srv.URL+"/api/v2/users?access_token=REDACTED" {
		t.Errorf("event = %+v", e)
	}
	var records []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		records = append(records, m)
	}
	if len(records) != 2 || records[0]["msg"] != "retrying request" || records[0]["status"] != 429.0 ||
		records[1]["level"] != "WARN" || records[1]["status"] != 503.0 {
		t.Errorf("log records = %v", records)
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("logs leak the secret: %s", logs.String())
	}
}

// TestErrorEventRedactsQuery: an error text that embeds the URL reaches
// hooks and logs with the query value redacted, while errors.Is still sees
// the cause. *url.Error quotes its URL with %q, so a value holding a quote,
// backslash or invisible character appears escaped there; it must go too.
func TestErrorEventRedactsQuery(t *testing.T) {
	opErr := func(r *http.Request) error {
		return &net.OpError{Op: "read", Net: "tcp", Err: errors.New("reset reading " + r.URL.String())}
	}
	urlErr := func(r *http.Request) error {
		return &url.Error{Op: "Get", URL: r.URL.String(), Err: &net.OpError{Op: "read", Net: "tcp", Err: io.ErrUnexpectedEOF}}
	}
	tests := []struct {
		query string
		err   func(*http.Request) error
	}{
		{"access_token=s3cr3t", opErr},
		{"access_token=s3cr3t", urlErr},
		{`access_token=s3"cr3t`, urlErr},
		{`access_token=s3\cr3t`, urlErr},
		{"access_token=s3\u200bcr3t", urlErr},
		{"access_token=s3cr3t#frag\"x", urlErr},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			base := roundTripFunc(func(r *http.Request) (*http.Response, error) { return nil, tt.err(r) })
			var events []Event
			var logs bytes.Buffer
			tr := (&fakeTime{now: epoch}).install(&Transport{
				Base: base, MaxRetries: 1,
				OnRetry: func(e Event) { events = append(events, e) },
				Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
			})
			req, _ := http.NewRequest(http.MethodGet, "http://api.example/x", nil)
			req.URL.RawQuery = tt.query
			if _, err := tr.RoundTrip(req); err == nil || len(events) != 1 {
				t.Fatalf("err = %v, events = %d", err, len(events))
			}
			var cause *net.OpError
			if !errors.As(events[0].Err, &cause) {
				t.Error("event error lost its cause")
			}
			out := events[0].Err.Error() + fmt.Sprintf("%v %+v", events[0], events[0]) + logs.String()
			if strings.Contains(out, "s3") || strings.Contains(out, "cr3t") {
				t.Errorf("secret leaked: %s", out)
			}
			if !strings.Contains(events[0].Err.Error(), "access_token=REDACTED") {
				t.Errorf("key lost: %s", events[0].Err)
			}
		})
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	tr := &Transport{BaseDelay: 100 * time.Millisecond, MaxWait: time.Second}
	for retry, limit := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		limit *= time.Millisecond
		seen := map[bool]bool{}
		for range 200 {
			d := tr.backoff(retry)
			if d < 0 || d > limit {
				t.Fatalf("retry %d: backoff %v outside [0, %v]", retry, d, limit)
			}
			seen[d < limit/2] = true
		}
		if !seen[true] || !seen[false] {
			t.Errorf("retry %d: 200 draws never spread over both halves of [0, %v]: not jittered", retry, limit)
		}
	}
}

// TestConcurrentUse shares one Transport between goroutines (run with
// -race): each request is answered 503 once, then 200, keyed by a header,
// so every request succeeds after exactly one retry.
func TestConcurrentUse(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("X-Id")]++
		n := seen[r.Header.Get("X-Id")]
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	var retries sync.Map
	tr := (&fakeTime{now: epoch}).install(&Transport{OnRetry: func(e Event) { retries.Store(e.URL, e.Retry) }})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/"+strconv.Itoa(i), nil)
			req.Header.Set("X-Id", strconv.Itoa(i))
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("request %d: status %d", i, resp.StatusCode)
			}
		})
	}
	wg.Wait()
	for i := range 8 {
		if seen[strconv.Itoa(i)] != 2 {
			t.Errorf("request %d reached the server %d times, want 2", i, seen[strconv.Itoa(i)])
		}
		if r, _ := retries.Load(srv.URL + "/" + strconv.Itoa(i)); r != 1 {
			t.Errorf("request %d: last retry number %v, want 1", i, r)
		}
	}
}
