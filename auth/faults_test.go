package auth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFaults runs every fault against a fresh Source: the outcome is the
// documented one, nothing panics, no error shows the secret, and the endpoint
// sees a bounded number of requests however often callers ask.
func TestFaults(t *testing.T) {
	jsonBody := func(status int, body string) func(w http.ResponseWriter, r *http.Request, n int64) {
		return func(w http.ResponseWriter, r *http.Request, n int64) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	wantAPIError := func(status int, code, desc string) func(t *testing.T, tok string, err error) {
		return func(t *testing.T, tok string, err error) {
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v (%T) is not *Error", err, err)
			}
			if ae.StatusCode != status || ae.Code != code || !strings.Contains(ae.Description, desc) {
				t.Fatalf("got status %d code %q description %q, want %d %q ~%q", ae.StatusCode, ae.Code, ae.Description, status, code, desc)
			}
		}
	}
	tests := []struct {
		name    string
		handle  func(w http.ResponseWriter, r *http.Request, n int64)
		timeout time.Duration
		check   func(t *testing.T, tok string, err error)
		// wantLife is the cached lifetime for successful cases.
		wantLife time.Duration
		// wantRequests after 20 sequential and 50 concurrent calls.
		wantRequests int64
	}{
		{name: "500", handle: jsonBody(500, `{"error":"server_error"}`), check: wantAPIError(500, "server_error", ""), wantRequests: 1},
		{name: "503 retry-after", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(503)
		}, check: func(t *testing.T, tok string, err error) {
			var ae *Error
			if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.RetryAfter != 120*time.Second || !ae.Temporary() {
				t.Fatalf("got %#v", err)
			}
		}, wantRequests: 1},
		{name: "timeout", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			// Read the body so the server notices the client hanging up.
			_, _ = io.ReadAll(r.Body)
			<-r.Context().Done()
		}, timeout: 100 * time.Millisecond, check: func(t *testing.T, tok string, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got %v, want DeadlineExceeded", err)
			}
		}, wantRequests: 1},
		{name: "connection reset", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST instead of FIN
			}
			conn.Close()
		}, check: func(t *testing.T, tok string, err error) {
			var re *requestError
			if !errors.As(err, &re) {
				t.Fatalf("got %v (%T), want a request error", err, err)
			}
		}, wantRequests: 1},
		{name: "html 200", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>Login</body></html>"))
		}, check: wantAPIError(200, "", `not a JSON object (Content-Type "text/html")`), wantRequests: 1},
		{name: "html 502", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html>Bad gateway</html>"))
		}, check: func(t *testing.T, tok string, err error) {
			var ae *Error
			if !errors.As(err, &ae) || ae.StatusCode != 502 || ae.Body != "<html>Bad gateway</html>" {
				t.Fatalf("got %#v", err)
			}
		}, wantRequests: 1},
		{name: "empty body", handle: jsonBody(200, ""), check: wantAPIError(200, "", "empty response body"), wantRequests: 1},
		{name: "malformed json", handle: jsonBody(200, `{"access_token":"abc",`), check: wantAPIError(200, "", "not valid token JSON"), wantRequests: 1},
		{name: "missing access_token", handle: jsonBody(200, `{"token_type":"Bearer","expires_in":300}`), check: wantAPIError(200, "", "no access_token"), wantRequests: 1},
		{name: "token_type mac", handle: jsonBody(200, `{"access_token":"abc","token_type":"mac","expires_in":300}`), check: wantAPIError(200, "", `token_type "mac"`), wantRequests: 1},
		{name: "error with 200", handle: jsonBody(200, `{"error":"access_denied"}`), check: wantAPIError(200, "access_denied", ""), wantRequests: 1},
		{name: "expires_in missing", handle: jsonBody(200, `{"access_token":"abc","token_type":"bearer"}`), wantLife: DefaultLifetime, wantRequests: 1},
		{name: "expires_in 0", handle: jsonBody(200, `{"access_token":"abc","expires_in":0}`), wantLife: 0, wantRequests: 21},
		{name: "expires_in -1", handle: jsonBody(200, `{"access_token":"abc","expires_in":-1}`), check: wantAPIError(200, "", "negative"), wantRequests: 1},
		{name: `expires_in "299"`, handle: jsonBody(200, `{"access_token":"abc","expires_in":"299"}`), wantLife: 299 * time.Second, wantRequests: 1},
		{name: "expires_in 1e12", handle: jsonBody(200, `{"access_token":"abc","expires_in":1e12}`), wantLife: MaxLifetime, wantRequests: 1},
		{name: "expires_in 1e400", handle: jsonBody(200, `{"access_token":"abc","expires_in":1e400}`), wantLife: MaxLifetime, wantRequests: 1},
		{name: "body over 1 MiB", handle: jsonBody(200, `{"access_token":"abc","pad":"`+strings.Repeat("x", 2<<20)+`"}`), check: wantAPIError(200, "", "larger than 1 MiB"), wantRequests: 1},
		{name: "expires_in true", handle: jsonBody(200, `{"access_token":"abc","expires_in":true}`), check: wantAPIError(200, "", "not a number"), wantRequests: 1},
		{name: "302", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, check: wantAPIError(302, "", "redirects are not followed"), wantRequests: 1},
		{name: "307", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
		}, check: wantAPIError(307, "", "redirects are not followed"), wantRequests: 1},
		{name: "401 invalid_client", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"client authentication failed","error_uri":"https://docs.example/errors#invalid_client"}`))
		}, check: func(t *testing.T, tok string, err error) {
			var ae *Error
			if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "invalid_client" ||
				ae.Description != "client authentication failed" || ae.URI != "https://docs.example/errors#invalid_client" {
				t.Fatalf("got %#v", err)
			}
			if err.Error() != "auth: token endpoint answered 401 invalid_client: client authentication failed" {
				t.Fatalf("message %q", err.Error())
			}
		}, wantRequests: 1},
		{name: "error echoes secret", handle: func(w http.ResponseWriter, r *http.Request, n int64) {
			_ = r.ParseForm()
			w.WriteHeader(400)
			sec := r.PostForm.Get("client_secret")
			_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"bad secret ` + sec + `","raw":"` + url.QueryEscape(sec) + `"}`))
		}, check: func(t *testing.T, tok string, err error) {
			wantAPIError(400, "invalid_request", "bad secret [REDACTED]")(t, tok, err)
			var ae *Error
			errors.As(err, &ae)
			if strings.Contains(ae.Body, testSecret) || strings.Contains(ae.Body, url.QueryEscape(testSecret)) || !strings.Contains(ae.Body, `"raw":"[REDACTED]"`) {
				t.Fatalf("Body not scrubbed")
			}
		}, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var elsewhere atomic.Int64
			te := newTokenEndpoint(t, 300, func(w http.ResponseWriter, r *http.Request, n int64) {
				if r.URL.Path == "/elsewhere" {
					elsewhere.Add(1)
					writeToken(w, "stolen", 300)
					return
				}
				tt.handle(w, r, n)
			})
			opts := []Option{WithBackoff(time.Minute, time.Hour)}
			if tt.timeout > 0 {
				opts = append(opts, WithTimeout(tt.timeout))
			}
			cfg := testConfig(te.URL + "/token")
			if tt.name == "error echoes secret" {
				cfg.AuthStyle = AuthBody
			}
			src := mustNew(t, cfg, opts...)
			sent := time.Now()
			tok, err := src.Token(t.Context())

			if tt.check != nil {
				if err == nil {
					t.Fatalf("Token succeeded, want an error")
				}
				tt.check(t, "", err)
				for _, f := range []string{"%v", "%+v", "%#v"} {
					if s := sprintf(f, err); strings.Contains(s, testSecret) || strings.Contains(s, "Basic ") {
						t.Fatalf("error %s leaks the secret", f)
					}
				}
			} else {
				if err != nil {
					t.Fatalf("Token: %v", err)
				}
				got := tok.Expiry.Sub(sent)
				if got > tt.wantLife+time.Second || got < tt.wantLife-5*time.Second {
					t.Fatalf("lifetime %s, want %s", got, tt.wantLife)
				}
			}
			// More callers, sequential and concurrent: during backoff (or with
			// a cached token) they must not reach the endpoint again.
			for range 20 {
				_, _ = src.Token(t.Context())
			}
			if tt.wantLife == 0 && tt.check == nil {
				// expires_in 0: never served from the cache, one request per
				// sequential call; concurrency is covered elsewhere.
			} else {
				var wg sync.WaitGroup
				for range 50 {
					wg.Go(func() { _, _ = src.Token(t.Context()) })
				}
				wg.Wait()
			}
			if got := te.requests.Load(); got != tt.wantRequests {
				t.Fatalf("endpoint saw %d requests, want %d", got, tt.wantRequests)
			}
			if elsewhere.Load() != 0 {
				t.Fatal("a redirect was followed")
			}
		})
	}
}

func sprintf(f string, v any) string { return strings.TrimSpace(fmtSprintf(f, v)) }

// TestSlowEndpointManyWaiters: a slow endpoint and 1,000 waiting callers make
// exactly one request; callers whose context ends return ctx.Err() without
// cancelling the shared fetch.
func TestSlowEndpointManyWaiters(t *testing.T) {
	te := newTokenEndpoint(t, 300, nil)
	te.gate = make(chan struct{})
	src := mustNew(t, testConfig(te.URL+"/token"), WithTimeout(time.Minute))

	const n = 1000
	ctx, cancelHalf := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var cancelled, ok atomic.Int64
	tokens := make([]string, n)
	started := make(chan struct{}, n)
	for i := range n {
		c := t.Context()
		if i%2 == 1 {
			c = ctx
		}
		wg.Go(func() {
			started <- struct{}{}
			tok, err := src.Token(c)
			switch {
			case errors.Is(err, context.Canceled):
				cancelled.Add(1)
			case err == nil:
				ok.Add(1)
				tokens[i] = tok.AccessToken
			default:
				t.Errorf("Token: %v", err)
			}
		})
	}
	for range n {
		<-started
	}
	waitFor(t, "the token request", func() bool { return te.requests.Load() == 1 })
	cancelHalf()
	// The cancelled half returns while the endpoint is still blocked.
	waitFor(t, "cancelled callers", func() bool { return cancelled.Load() == n/2 })
	if ok.Load() != 0 {
		t.Fatalf("%d callers got a token before the endpoint answered", ok.Load())
	}
	close(te.gate)
	wg.Wait()
	if ok.Load() != n/2 {
		t.Fatalf("%d callers got a token, want %d", ok.Load(), n/2)
	}
	for i := 0; i < n; i += 2 {
		if tokens[i] != "tok-1" {
			t.Fatalf("caller %d got %q, want tok-1", i, tokens[i])
		}
	}
	if got := te.requests.Load(); got != 1 {
		t.Fatalf("endpoint saw %d requests, want 1", got)
	}
}

// TestBackoffRecovers: after failures the Source tries again once the backoff
// has passed and serves the new token.
func TestBackoffRecovers(t *testing.T) {
	clk := newFakeClock()
	var fail atomic.Bool
	fail.Store(true)
	te := newTokenEndpoint(t, 300, func(w http.ResponseWriter, r *http.Request, n int64) {
		if fail.Load() {
			w.WriteHeader(500)
			return
		}
		writeToken(w, "good", 300)
	})
	src := mustNew(t, testConfig(te.URL), withClock(clk), withRand(0), WithBackoff(time.Second, 8*time.Second))
	// Backoff doubles: 1 s, 2 s, 4 s, 8 s, 8 s.
	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		if _, err := src.Token(t.Context()); err == nil {
			t.Fatal("want error")
		}
		if got := te.requests.Load(); got != int64(i+1) {
			t.Fatalf("after failure %d: %d requests", i+1, got)
		}
		clk.Advance(wait - time.Millisecond)
		if _, err := src.Token(t.Context()); err == nil || te.requests.Load() != int64(i+1) {
			t.Fatalf("request during backoff %d (err %v)", i+1, err)
		}
		clk.Advance(time.Millisecond)
	}
	fail.Store(false)
	tok, err := src.Token(t.Context())
	if err != nil || tok.AccessToken != "good" {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestRequestShape(t *testing.T) {
	type seen struct {
		ctype, auth, ua, body string
	}
	tests := []struct {
		name  string
		cfg   func(u string) Config
		check func(t *testing.T, s seen)
	}{
		{"basic form", func(u string) Config {
			c := testConfig(u)
			c.Scopes = []string{"a", "b"}
			c.Resource = "https://api.example/"
			return c
		}, func(t *testing.T, s seen) {
			if s.ctype != "application/x-www-form-urlencoded" || !strings.HasPrefix(s.auth, "Basic ") {
				t.Fatalf("%+v", s)
			}
			if s.body != "grant_type=client_credentials&resource=https%3A%2F%2Fapi.example%2F&scope=a+b" {
				t.Fatalf("body %q", s.body)
			}
		}},
		{"body json", func(u string) Config {
			c := Auth0(u, "client-1", testSecret)
			c.TokenURL = u
			return c
		}, func(t *testing.T, s seen) {
			if s.ctype != "application/json" || s.auth != "" || !strings.Contains(s.body, `"audience":"https://`) ||
				!strings.Contains(s.body, `"client_id":"client-1"`) || !strings.Contains(s.body, `"grant_type":"client_credentials"`) {
				t.Fatalf("%+v", s.ctype)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got seen
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b := make([]byte, 4096)
				n, _ := r.Body.Read(b)
				got = seen{r.Header.Get("Content-Type"), r.Header.Get("Authorization"), r.Header.Get("User-Agent"), string(b[:n])}
				writeToken(w, "t", 300)
			}))
			defer srv.Close()
			src := mustNew(t, tt.cfg(srv.URL))
			if _, err := src.Token(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got.ua != DefaultUserAgent {
				t.Fatalf("User-Agent %q", got.ua)
			}
			tt.check(t, got)
		})
	}
}
