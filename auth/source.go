package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/mgmtapi/mgmtapi/internal/runtime/redact"
)

// ErrClosed is returned by a Source after Close when it has no usable token.
var ErrClosed = errors.New("auth: Source is closed")

// Source hands out client-credentials tokens, caching each for its lifetime
// (see the package documentation for the exact rules). It is safe for
// concurrent use; create one per client identity and share it.
type Source struct {
	fetch   func(ctx context.Context) (fetched, error)
	desc    string // secret-free description for fmt and slog
	logURL  string
	o       options
	current atomic.Pointer[entry]
	sh      *shared     // WithSharedCache, or nil
	headers headerSlabs // per-request Authorization values (header.go)

	mu       sync.Mutex
	inflight *call      // the fetch in progress, or nil
	failures int        // consecutive failed fetches
	lastErr  error      // error of the last failed fetch, nil after success
	retryAt  time.Time  // no new fetch before this after a failure
	storm    stormState // 401 backoff; see storm.go

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // running fetches
}

// entry is one cached token with everything the hot path needs precomputed.
type entry struct {
	token  oauth2.Token
	header string // "Bearer <token>"
	// refreshAt is the start of the stale window; with the system clock it
	// carries a monotonic reading, so get compares it with one clock read.
	refreshAt time.Time
	expireAt  time.Time // not served from the cache from here on
	// replacement marks a token fetched because the previous one was
	// invalidated, until the API accepts or refuses it (see storm.go).
	replacement atomic.Bool
	// nextTry (UnixNano) gates background refreshes: stale callers start
	// one only when they win the swap from a value <= now.
	nextTry atomic.Int64
}

// call is one token fetch shared by all its waiters.
type call struct {
	done chan struct{}
	e    *entry
	err  error
}

// New returns a Source for cfg after validating it (see Config.TokenURL for
// the URL rules; ClientID and ClientSecret are required). It sends no request
// until the first token is needed.
func New(cfg Config, opts ...Option) (*Source, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	u, err := cfg.validate(o.allowInsecure)
	if err != nil {
		return nil, err
	}
	ep, err := newEndpoint(cfg, u, o)
	if err != nil {
		return nil, err
	}
	s := newSource(o, ep.fetch)
	if o.shared != nil {
		if s.sh, err = newShared(o.shared, cfg, &o); err != nil {
			return nil, err
		}
	}
	s.logURL = redact.URL(u)
	s.desc = "auth.Source{TokenURL: " + s.logURL + ", ClientID: " + cfg.ClientID + "}"
	return s, nil
}

// FromTokenSource wraps an existing oauth2.TokenSource (for example one from
// golang.org/x/oauth2/clientcredentials) in this package's cache: stale-window
// background refresh, one fetch at a time, backoff and Invalidate. The
// TokenSource should fetch a new token on every call; a token without Expiry
// is assumed to live DefaultLifetime. Its Token method has no context: a call
// that outlasts WithTimeout or Close is abandoned (its waiters get the
// context error and Close returns), and the goroutine running it ends when
// Token returns.
func FromTokenSource(ts oauth2.TokenSource, opts ...Option) (*Source, error) {
	if ts == nil {
		return nil, errors.New("auth: FromTokenSource: nil TokenSource")
	}
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	if o.shared != nil {
		return nil, errors.New("auth: WithSharedCache needs New: the shared cache key is derived from the Config")
	}
	var s *Source
	s = newSource(o, func(ctx context.Context) (fetched, error) {
		sent := s.o.now()
		t, err := callToken(ctx, ts)
		if err != nil {
			return fetched{}, fmt.Errorf("auth: TokenSource: %w", err)
		}
		if t == nil || t.AccessToken == "" {
			return fetched{}, errors.New("auth: TokenSource returned no access token")
		}
		if t.TokenType != "" && !equalFoldBearer(t.TokenType) {
			return fetched{}, errors.New("auth: TokenSource returned a token that is not a Bearer token")
		}
		if !validToken(t.AccessToken) {
			return fetched{}, errors.New("auth: TokenSource returned an access token with characters not allowed in an HTTP header")
		}
		life := DefaultLifetime
		if !t.Expiry.IsZero() {
			life = min(max(t.Expiry.Sub(sent), 0), MaxLifetime)
		}
		c := *t
		c.TokenType = "Bearer"
		return fetched{token: &c, lifetime: life}, nil
	})
	s.logURL = "oauth2.TokenSource"
	s.desc = "auth.Source{oauth2.TokenSource}"
	return s, nil
}

func equalFoldBearer(s string) bool {
	return len(s) == 6 && (s[0]|0x20) == 'b' && (s[1]|0x20) == 'e' && (s[2]|0x20) == 'a' &&
		(s[3]|0x20) == 'r' && (s[4]|0x20) == 'e' && (s[5]|0x20) == 'r'
}

func newSource(o options, fetch func(context.Context) (fetched, error)) *Source {
	if o.rand == nil {
		o.rand = rand.Float64
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Source{fetch: fetch, o: o, ctx: ctx, cancel: cancel}
}

// Token returns a valid token, fetching one if none is cached. The result is
// the caller's copy. A caller whose ctx ends while waiting gets ctx.Err() at
// once; the shared fetch goes on for the other waiters.
func (s *Source) Token(ctx context.Context) (*oauth2.Token, error) {
	e, err := s.get(ctx)
	if err != nil {
		return nil, err
	}
	t := e.token
	return &t, nil
}

// get is the hot path: one atomic load and a clock read while the token is
// fresh.
func (s *Source) get(ctx context.Context) (*entry, error) {
	if e := s.current.Load(); e != nil && s.o.before(e.refreshAt) {
		return e, nil
	}
	return s.slow(ctx, s.o.now())
}

func (s *Source) slow(ctx context.Context, now time.Time) (*entry, error) {
	if e := s.current.Load(); e != nil && now.Before(e.expireAt) {
		if now.Before(e.refreshAt) {
			// Replaced by a fresh token since get loaded the old one.
			return e, nil
		}
		// Stale but usable: serve it; the caller that wins the swap starts
		// the background refresh.
		s.o.metrics.ServedStale()
		next := e.nextTry.Load()
		if now.UnixNano() >= next && e.nextTry.CompareAndSwap(next, now.Add(s.o.timeout).UnixNano()) {
			s.mu.Lock()
			if s.inflight == nil && s.ctx.Err() == nil {
				if now.Before(s.retryAt) {
					e.nextTry.Store(s.retryAt.UnixNano())
				} else {
					s.start(true)
				}
			}
			s.mu.Unlock()
		}
		return e, nil
	}

	s.mu.Lock()
	// Re-check: a fetch may have finished since the load above.
	if e := s.current.Load(); e != nil && s.o.now().Before(e.expireAt) {
		s.mu.Unlock()
		return e, nil
	}
	c := s.inflight
	joined := c != nil
	if c == nil {
		if s.ctx.Err() != nil {
			s.mu.Unlock()
			return nil, ErrClosed
		}
		if s.lastErr != nil && s.o.now().Before(s.retryAt) {
			err := s.lastErr
			s.mu.Unlock()
			return nil, err
		}
		c = s.start(false)
	}
	s.mu.Unlock()

	waitStart := s.o.now()
	select {
	case <-c.done:
		spanEvent(ctx, waitStart, s.o.now(), joined, c.err)
		if c.err != nil {
			return nil, c.err
		}
		return c.e, nil
	case <-ctx.Done():
		spanEvent(ctx, waitStart, s.o.now(), joined, ctx.Err())
		return nil, ctx.Err()
	}
}

// start runs one fetch in its own goroutine; s.mu must be held.
func (s *Source) start(background bool) *call {
	c := &call{done: make(chan struct{})}
	s.inflight = c
	s.wg.Add(1)
	go s.run(c, background)
	return c
}

func (s *Source) run(c *call, background bool) {
	defer s.wg.Done()
	ctx, cancel := context.WithTimeout(s.ctx, s.o.timeout)
	sent := s.o.now()
	f, full, origin, holder, err := s.fetchFleet(ctx)
	cancel()
	took := s.o.now().Sub(sent)
	s.observe(origin, holder, background, took, f.lifetime, err)

	s.mu.Lock()
	var retryIn time.Duration
	if err == nil {
		c.e = s.newEntryFull(f, sent, full)
		c.e.replacement.Store(s.storm.replacing)
		s.storm.replacing = false
		s.current.Store(c.e)
		s.failures, s.lastErr, s.retryAt = 0, nil, time.Time{}
	} else {
		c.err = err
		s.failures++
		s.lastErr = err
		retryIn = s.backoff(err)
		s.retryAt = s.o.now().Add(retryIn)
		if cur := s.current.Load(); cur != nil {
			cur.nextTry.Store(s.retryAt.UnixNano())
		}
	}
	s.inflight = nil
	failures := s.failures
	s.mu.Unlock()
	close(c.done)

	if l := s.o.logger; l != nil {
		if err == nil {
			l.LogAttrs(context.Background(), slog.LevelDebug, "auth: token fetched",
				slog.String("token_url", s.logURL), slog.Duration("lifetime", f.lifetime),
				slog.Duration("took", took), slog.Bool("background", background))
		} else {
			l.LogAttrs(context.Background(), slog.LevelWarn, "auth: token fetch failed",
				slog.String("token_url", s.logURL), slog.String("error", err.Error()),
				slog.Int("failures", failures), slog.Duration("retry_in", retryIn),
				slog.Bool("background", background))
		}
	}
}

// newEntry places the stale window and the expiry margin of a new token.
func (s *Source) newEntry(f fetched, sent time.Time) *entry {
	return s.newEntryFull(f, sent, f.lifetime)
}

// newEntryFull is newEntry for a token whose full lifetime is full (more
// than f.lifetime for a token taken from the shared cache part-way through
// its life): the stale window and margin are shares of the full lifetime.
func (s *Source) newEntryFull(f fetched, sent time.Time, full time.Duration) *entry {
	life := f.lifetime
	margin := expiryMargin(full)
	window := time.Duration(float64(full) * s.o.fraction * (1 - s.o.jitter*s.o.rand()))
	e := &entry{
		token:     *f.token,
		header:    "Bearer " + f.token.AccessToken,
		expireAt:  sent.Add(life - margin),
		refreshAt: sent.Add(life - max(window, margin)),
	}
	e.nextTry.Store(e.refreshAt.UnixNano())
	e.token.Expiry = sent.Add(life)
	e.token.ExpiresIn = int64(life / time.Second)
	return e
}

// backoff returns the wait before the next fetch after s.failures failures:
// min·2^(n-1) capped at max, jittered down by up to half, and at least the
// endpoint's Retry-After.
func (s *Source) backoff(err error) time.Duration {
	d := s.delay(s.failures)
	var ae *Error
	if errors.As(err, &ae) && ae.RetryAfter > d {
		d = ae.RetryAfter
	}
	return d
}

// delay is min·2^(n-1) capped at max, jittered down by up to half.
func (s *Source) delay(n int) time.Duration {
	d := s.o.minBackoff
	for i := 1; i < n && d < s.o.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.o.maxBackoff)
	return d - time.Duration(float64(d)/2*s.o.rand())
}

// Invalidate drops the cached token if its access token is accessToken, so
// that the next caller fetches a new one. A token that has already been
// replaced is left alone: a late 401 for an old token does not discard a
// newer one. When a token fetched to replace an invalidated one is
// invalidated too, the API refuses fresh tokens and minting more would
// only flood the token endpoint: the Source keeps the token and ignores
// invalidations for a backoff ([WithBackoff], doubling while it goes on;
// see Transport). With [WithSharedCache] it also deletes the shared token
// if that still is accessToken, and the next fetch never takes accessToken
// back from the store. Transport uses the same path after a 401; callers
// of RequestEditor call Invalidate themselves.
func (s *Source) Invalidate(accessToken string) { s.invalidate(accessToken) }

// Close stops a running fetch and waits for it to end, so that no goroutine
// of the Source outlives it (except a wrapped TokenSource's Token call,
// which has no context and ends when it returns; see FromTokenSource).
// Afterwards the cached token is still served while usable; then Token
// returns ErrClosed.
func (s *Source) Close() error {
	s.mu.Lock()
	s.cancel()
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// String describes the Source without secrets.
func (s *Source) String() string { return s.desc }

// GoString is like String; it makes %#v safe.
func (s *Source) GoString() string { return s.desc }

// Format makes every fmt verb print String, never the cached token.
func (s *Source) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s.desc)
		return
	}
	_, _ = f.Write([]byte(s.desc))
}

// LogValue renders the Source for log/slog without secrets.
func (s *Source) LogValue() slog.Value {
	return slog.StringValue(s.desc)
}
