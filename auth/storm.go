package auth

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// stormState stops a 401 storm from flooding the token endpoint: when a
// token fetched to replace an invalidated one is refused as well, the API is
// refusing fresh tokens (revoked grant, wrong audience, clock skew), so more
// tokens would not help. M2M tokens are quota-counted (Auth0) and each is a
// row in Umbraco's token table.
type stormState struct {
	replacing bool      // the next fetched token replaces an invalidated one (s.mu)
	rejects   int       // fresh tokens refused in a row (s.mu)
	until     time.Time // invalidations are ignored before this (s.mu)
	// refused is the token invalidated last, which a shared-cache fetch
	// must not take back from the store (s.mu).
	refused string
	active  atomic.Bool
}

// invalidate is the one invalidation path, of Invalidate and Transport. It
// reports whether sending the request again with the Source's token is
// worthwhile: false while backing off after a fresh token was refused. The
// shared token is deleted (if it still is accessToken) only when the local
// invalidation was not suppressed by that backoff: a refused replacement
// says the vendor refuses fresh tokens, and replacing it fleet-wide would
// only mint more.
func (s *Source) invalidate(accessToken string) bool {
	retry := s.invalidateLocal(accessToken)
	if retry && s.sh != nil {
		s.sh.invalidate(accessToken, sharedInvalidateTimeout)
	}
	return retry
}

// invalidateLocal drops the process's cached token; see invalidate.
func (s *Source) invalidateLocal(accessToken string) bool {
	e := s.current.Load()
	if e == nil || e.token.AccessToken != accessToken {
		return true // already replaced: the current token is another one
	}
	s.mu.Lock()
	if s.current.Load() != e {
		s.mu.Unlock()
		return true // replaced meanwhile
	}
	now := s.o.now()
	st := &s.storm
	switch {
	case now.Before(st.until):
		s.mu.Unlock()
		return false
	case e.replacement.Load():
		e.replacement.Store(false)
		st.rejects++
		wait := s.delay(st.rejects)
		st.until = now.Add(wait)
		st.active.Store(true)
		rejects := st.rejects
		s.mu.Unlock()
		if l := s.o.logger; l != nil {
			l.LogAttrs(context.Background(), slog.LevelWarn, "auth: a freshly fetched token was refused too; not fetching another before the backoff",
				slog.String("token_url", s.logURL), slog.Int("refused", rejects), slog.Duration("backoff", wait))
		}
		return false
	}
	if st.rejects > 0 && now.After(st.until.Add(s.o.maxBackoff)) {
		st.rejects = 0 // quiet for a while: start the doubling afresh
	}
	if s.current.CompareAndSwap(e, nil) {
		st.replacing = true
		st.refused = accessToken
	}
	s.mu.Unlock()
	return true
}

// accepted records that the API accepted e's token: it is no longer a
// replacement on probation, and any 401 backoff ends. Its fast path is two
// atomic loads.
func (s *Source) accepted(e *entry) {
	if e.replacement.Load() {
		e.replacement.Store(false)
	}
	if !s.storm.active.Load() {
		return
	}
	s.mu.Lock()
	s.storm.rejects, s.storm.until = 0, time.Time{}
	s.storm.active.Store(false)
	s.mu.Unlock()
}

// callToken runs ts.Token, which has no context, so that ctx (the fetch
// timeout, Close) still ends the wait. An abandoned call finishes on its own
// goroutine.
func callToken(ctx context.Context, ts oauth2.TokenSource) (*oauth2.Token, error) {
	type result struct {
		t   *oauth2.Token
		err error
	}
	ch := make(chan result, 1)
	go func() {
		t, err := ts.Token()
		ch <- result{t, err}
	}()
	select {
	case r := <-ch:
		return r.t, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
