// Package retry provides an [http.RoundTripper] that retries transient
// failures of management API calls: connection errors, 408, 429 and 5xx
// responses, with capped exponential backoff and full jitter, honouring the
// server's Retry-After and Auth0's X-RateLimit-Reset.
//
// Generated oapi-codegen clients accept an *http.Client (WithHTTPClient), so
// retries are added by wrapping the client's transport:
//
//	hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(http.DefaultTransport)}}
//
// # Order with auth
//
// Put retry outside auth, as above. Every retry attempt then passes through
// auth again and carries a currently valid token, even when the cached one
// expired during a long Retry-After wait, and auth's own replay after a 401
// stays a separate, single step that is not multiplied by rate-limit retries.
// A failed token request surfaces as a non-network error from auth and is not
// retried here, so bad credentials do not hammer the token endpoint.
//
// # What is retried
//
// Idempotent methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, RFC 9110
// section 9.2.2) and requests carrying an Idempotency-Key or
// X-Idempotency-Key header are retried after network errors and after 408,
// 429 and 5xx responses other than 501 and 505, which never heal by waiting.
// POST and PATCH are retried only with [Transport.RetryNonIdempotent], or
// after an error that proves the request never reached the server (a failed
// dial or DNS lookup, a refused connection). A request whose body cannot be
// replayed (Body set, GetBody nil) is never retried; requests built with
// http.NewRequest from bytes, strings or bytes.Buffer, as oapi-codegen
// clients do, are replayable.
//
// # Time limits
//
// An http.Client Timeout or a context deadline bounds all attempts and waits
// together; a wait that would outlast the deadline is not started, the last
// response is returned instead. A wait the server asks for beyond
// [Transport.MaxWait] is not honoured either.
package retry

import (
	"context"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// Defaults used when the corresponding [Transport] field is zero.
const (
	DefaultMaxRetries = 2
	DefaultBaseDelay  = 200 * time.Millisecond
	DefaultMaxWait    = 10 * time.Second
)

// Transport is an [http.RoundTripper] that retries transient failures of
// the request it is given. The zero value is ready to use: it wraps
// [http.DefaultTransport] with the defaults above. A Transport must not be
// changed while in use; it is safe for concurrent use otherwise.
type Transport struct {
	// Base sends each attempt; nil means http.DefaultTransport. Put the auth
	// transport here (see the package documentation for the order).
	Base http.RoundTripper

	// MaxRetries bounds the attempts after the first one. Zero means
	// DefaultMaxRetries; a negative value disables retrying.
	MaxRetries int

	// BaseDelay is the backoff limit for the first retry when the server
	// gives no hint; it doubles per retry, up to MaxWait. The actual wait is
	// drawn uniformly from zero to that limit (full jitter), so concurrent
	// clients spread out. Zero means DefaultBaseDelay.
	BaseDelay time.Duration

	// MaxWait is the longest single wait. Computed backoff is capped at it;
	// when the server asks for a longer wait (Retry-After, X-RateLimit-Reset),
	// or a wait would outlast the request context's deadline, the response
	// is returned as is instead of sleeping. Zero means DefaultMaxWait.
	MaxWait time.Duration

	// RetryNonIdempotent allows retrying POST, PATCH and other
	// non-idempotent methods after responses and after errors that do not
	// prove the request was unsent. Enable it only when the API tolerates a
	// duplicate, for example when writes are keyed by an idempotency key.
	RetryNonIdempotent bool

	// OnRetry, if set, is called before each wait with a secret-free
	// description of the retry.
	OnRetry func(Event)

	// Logger, if set, receives one Info record per retry and one Warn record
	// when a server-requested wait is too long to honour. Records hold the
	// method, the URL without query values, status, attempt and wait, never
	// headers or bodies.
	Logger *slog.Logger

	// Test hooks; zero values mean real time and math/rand/v2.
	sleep  func(ctx context.Context, d time.Duration) error
	now    func() time.Time
	jitter func(n time.Duration) time.Duration
}

// Event describes one retry, passed to [Transport.OnRetry].
type Event struct {
	// Method is the request method.
	Method string
	// URL is the request URL with query values and user info redacted.
	URL string
	// Retry counts from 1 for the first retry.
	Retry int
	// StatusCode is the status of the response being retried, or 0 after
	// an error.
	StatusCode int
	// Err is the error being retried, or nil after a response. Its text
	// comes from the base transport with any query string redacted.
	Err error
	// Wait is how long the transport sleeps before the retry.
	Wait time.Duration
}

// RoundTrip sends req through Base, retrying as described in the package
// documentation. It returns the last response or error; a response it
// discards is drained and closed first.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	base := t.base()
	max := t.maxRetries()
	attempt := req
	for retry := 0; ; retry++ {
		resp, err := base.RoundTrip(attempt)
		if retry >= max || !replayable(req) {
			return resp, err
		}
		var wait time.Duration
		if err != nil {
			if ctx.Err() != nil || !retryableErr(err) || !(t.mayResend(req) || unsent(err)) {
				return resp, err
			}
			wait = t.backoff(retry)
		} else {
			if !retryableStatus(resp.StatusCode) || !t.mayResend(req) {
				return resp, nil
			}
			hint, ok := serverWait(resp, t.clock())
			wait = t.backoff(retry)
			if ok {
				wait = hint
			}
			if wait > t.maxWait() {
				t.log(ctx, slog.LevelWarn, "not retrying: server-requested wait exceeds MaxWait", req, resp.StatusCode, retry+1, wait)
				return resp, nil
			}
		}
		if dl, ok := ctx.Deadline(); ok && t.clock().Add(wait).After(dl) {
			return resp, err
		}
		next, gerr := rewind(req)
		if gerr != nil {
			// The body could not be recreated: report the outcome we have.
			return resp, err
		}
		ev := Event{Method: req.Method, URL: redact.URL(req.URL), Retry: retry + 1, Wait: wait}
		if resp != nil {
			ev.StatusCode = resp.StatusCode
			discard(resp)
		}
		if err != nil {
			ev.Err = safeErr{msg: redact.String(err.Error(), req.URL), err: err}
		}
		t.notify(ctx, ev)
		spanEvent(ctx, ev)
		if serr := t.doSleep(ctx, wait); serr != nil {
			if next.Body != nil {
				next.Body.Close()
			}
			return nil, serr
		}
		attempt = next
	}
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

func (t *Transport) maxRetries() int {
	switch {
	case t.MaxRetries < 0:
		return 0
	case t.MaxRetries == 0:
		return DefaultMaxRetries
	}
	return t.MaxRetries
}

func (t *Transport) maxWait() time.Duration {
	if t.MaxWait > 0 {
		return t.MaxWait
	}
	return DefaultMaxWait
}

func (t *Transport) clock() time.Time {
	if t.now != nil {
		return t.now()
	}
	return time.Now()
}

func (t *Transport) mayResend(req *http.Request) bool {
	return t.RetryNonIdempotent || idempotent(req)
}

// backoff returns the jittered wait before retry number retry+1.
func (t *Transport) backoff(retry int) time.Duration {
	d := t.BaseDelay
	if d <= 0 {
		d = DefaultBaseDelay
	}
	limit := t.maxWait()
	for i := 0; i < retry && d < limit; i++ {
		if d > limit/2 {
			// Doubling would pass the limit, or overflow for a limit
			// near the largest Duration.
			d = limit
			break
		}
		d *= 2
	}
	d = min(d, limit)
	if t.jitter != nil {
		return t.jitter(d)
	}
	if d == math.MaxInt64 {
		return rand.N(d) // [0, d); d+1 would overflow
	}
	return rand.N(d + 1)
}

func (t *Transport) doSleep(ctx context.Context, d time.Duration) error {
	if t.sleep != nil {
		return t.sleep(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func (t *Transport) notify(ctx context.Context, ev Event) {
	if t.OnRetry != nil {
		t.OnRetry(ev)
	}
	if t.Logger != nil {
		attrs := []slog.Attr{
			slog.String("method", ev.Method),
			slog.String("url", ev.URL),
			slog.Int("retry", ev.Retry),
			slog.Duration("wait", ev.Wait),
		}
		if ev.StatusCode != 0 {
			attrs = append(attrs, slog.Int("status", ev.StatusCode))
		}
		if ev.Err != nil {
			attrs = append(attrs, slog.String("error", ev.Err.Error()))
		}
		t.Logger.LogAttrs(ctx, slog.LevelInfo, "retrying request", attrs...)
	}
}

func (t *Transport) log(ctx context.Context, level slog.Level, msg string, req *http.Request, status, retry int, wait time.Duration) {
	if t.Logger == nil {
		return
	}
	t.Logger.LogAttrs(ctx, level, msg,
		slog.String("method", req.Method),
		slog.String("url", redact.URL(req.URL)),
		slog.Int("status", status),
		slog.Int("retry", retry),
		slog.Duration("wait", wait))
}

// rewind returns a copy of req with a fresh body for the next attempt.
func rewind(req *http.Request) (*http.Request, error) {
	next := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return next, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	next.Body = body
	return next, nil
}

// discard drains a bounded amount of a response body, so the connection can
// be reused, and closes it.
func discard(resp *http.Response) {
	if resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}

// safeErr carries a redacted message but keeps the original error for
// errors.Is and errors.As.
type safeErr struct {
	msg string
	err error
}

func (e safeErr) Error() string { return e.msg }
func (e safeErr) Unwrap() error { return e.err }
