package auth

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// SharedStore is a key-value store shared by the replicas of a service, such
// as Redis (see package redisstore). A Source with [WithSharedCache] uses it
// only while fetching a token, never per request. Lifetimes are relative to
// the store's own clock, so replicas with skewed clocks agree on them.
// Implementations must be safe for concurrent use and should fail fast: an
// error makes the Source fetch on its own, as if it had no shared cache.
type SharedStore interface {
	// Get returns the value at key and its remaining time to live. A
	// missing key is (nil, 0, nil).
	Get(ctx context.Context, key string) (value []byte, ttl time.Duration, err error)
	// Set stores value at key for ttl.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// DeleteIfEqual deletes key only if it still holds value, atomically.
	DeleteIfEqual(ctx context.Context, key string, value []byte) (bool, error)
	// TryLease stores value at key for ttl only if key is absent,
	// atomically, and reports whether it did.
	TryLease(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
}

// SharedCache configures the fleet-wide token cache of [WithSharedCache].
type SharedCache struct {
	// Store holds the encrypted tokens and the refresh lease. Required.
	Store SharedStore
	// Keys is the AES key ring (16, 24 or 32 bytes each). The first key
	// seals new values; every key opens them, so a key can be rotated in
	// by putting it first and rotated out once no value sealed with it can
	// be live. A stored value that no key opens is treated as a miss. At
	// least one key is required: tokens are never stored in clear.
	Keys [][]byte
	// LeaseTTL bounds how long one replica may hold the right to refresh
	// before another may take it (default 5 s). A holder that dies leaves
	// the lease to expire; keep it above a normal token request's latency.
	LeaseTTL time.Duration
	// Namespace prefixes the store keys (default "mgmtapi:auth").
	Namespace string
}

const (
	defaultLeaseTTL  = 5 * time.Second
	defaultNamespace = "mgmtapi:auth"
	leasePoll        = 25 * time.Millisecond
)

// WithSharedCache makes the Source share its tokens with every other Source
// of the same identity (token URL, client ID, secret, audience, scopes,
// resource) through c.Store: when its token needs refreshing it first takes
// a newer token from the store; otherwise one replica takes a lease and asks
// the vendor while the others keep serving their current token, or, if they
// have none, wait for the shared one. The in-process cache stays in front:
// a fresh token is still served with one atomic load. Invalidate also
// deletes the shared token if it still is the invalidated one (one store
// call on the caller's goroutine, bounded by 150 ms). Only New accepts this
// option.
func WithSharedCache(c SharedCache) Option {
	return func(o *options) { o.shared = &c }
}

// Origin says where a token came from, for metrics and the refresh hook.
type Origin string

// Origins of a token.
const (
	// OriginProcess is the Source's own cache.
	OriginProcess Origin = "process"
	// OriginShared is the shared cache of WithSharedCache.
	OriginShared Origin = "shared"
	// OriginVendor is the token endpoint.
	OriginVendor Origin = "vendor"
)

// shared is a Source's view of the shared cache.
type shared struct {
	store    SharedStore
	aeads    []cipher.AEAD
	key      string // where the sealed token lives
	leaseKey string // who is refreshing it
	aad      []byte
	leaseTTL time.Duration
	m        *metrics
	// last is the sealed value of the token this Source last took from or
	// wrote to the store, so that Invalidate can delete exactly that value.
	last atomic.Pointer[sealedToken]
}

type sealedToken struct {
	accessToken string
	raw         []byte
}

// storedToken is the plaintext of a sealed value. Lifetime is the token's
// full lifetime, not an absolute time: the remaining part is the store's TTL.
type storedToken struct {
	AccessToken string         `json:"a"`
	LifetimeMS  int64          `json:"l"`
	Extra       map[string]any `json:"x,omitempty"`
}

func newShared(c *SharedCache, cfg Config, m *metrics) (*shared, error) {
	if c.Store == nil {
		return nil, errors.New("auth: WithSharedCache: Store is nil")
	}
	if len(c.Keys) == 0 {
		return nil, errors.New("auth: WithSharedCache: Keys is empty; tokens are only stored encrypted")
	}
	sh := &shared{store: c.Store, leaseTTL: c.LeaseTTL, m: m}
	if sh.leaseTTL == 0 {
		sh.leaseTTL = defaultLeaseTTL
	}
	if sh.leaseTTL < 0 {
		return nil, fmt.Errorf("auth: WithSharedCache: LeaseTTL %s is negative", c.LeaseTTL)
	}
	for i, k := range c.Keys {
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("auth: WithSharedCache: Keys[%d] is %d bytes, want 16, 24 or 32", i, len(k))
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("auth: WithSharedCache: Keys[%d]: %w", i, err)
		}
		sh.aeads = append(sh.aeads, aead)
	}
	ns := c.Namespace
	if ns == "" {
		ns = defaultNamespace
	}
	id := identity(cfg)
	sh.key = ns + ":token:" + id
	sh.leaseKey = ns + ":lease:" + id
	sh.aad = []byte(sh.key)
	return sh, nil
}

// identity names a token identity without revealing the secret: a SHA-256
// over the length-prefixed token URL, client ID, audience, scopes, resource
// and extra parameters, and an HMAC of a fixed label keyed by the secret (so
// a rotated secret is a new identity, and the name alone does not confirm a
// guessed secret without the HMAC work).
func identity(cfg Config) string {
	fp := hmac.New(sha256.New, []byte(cfg.ClientSecret))
	fp.Write([]byte("mgmtapi auth shared-cache secret fingerprint v1"))
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field("v1")
	field(cfg.TokenURL)
	field(cfg.ClientID)
	field(cfg.Audience)
	field(cfg.Resource)
	field(fmt.Sprint(len(cfg.Scopes)))
	for _, s := range cfg.Scopes {
		field(s)
	}
	if p, err := json.Marshal(cfg.Params); err == nil { // sorted keys
		field(string(p))
	}
	field(string(fp.Sum(nil)))
	return hex.EncodeToString(h.Sum(nil)[:20])
}

// seal encrypts t with the first key: nonce || AES-GCM(plaintext), with the
// store key as additional data so a value cannot be moved to another key.
func (sh *shared) seal(t *oauth2.Token, lifetime time.Duration) ([]byte, error) {
	st := storedToken{AccessToken: t.AccessToken, LifetimeMS: lifetime.Milliseconds()}
	st.Extra = extras(t)
	plain, err := json.Marshal(st)
	if err != nil {
		return nil, errors.New("auth: cannot encode the token for the shared cache")
	}
	aead := sh.aeads[0]
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, err
	}
	return aead.Seal(out, out, plain, sh.aad), nil
}

// open decrypts raw with any key of the ring; ok is false for a value that
// no key opens or that is not a token.
func (sh *shared) open(raw []byte) (storedToken, bool) {
	for _, aead := range sh.aeads {
		n := aead.NonceSize()
		if len(raw) < n+aead.Overhead() {
			return storedToken{}, false
		}
		plain, err := aead.Open(nil, raw[:n], raw[n:], sh.aad)
		if err != nil {
			continue
		}
		var st storedToken
		if json.Unmarshal(plain, &st) != nil || !validToken(st.AccessToken) || st.AccessToken == "" || st.LifetimeMS <= 0 {
			return storedToken{}, false
		}
		return st, true
	}
	return storedToken{}, false
}

// extras returns the response fields kept with a token other than the
// access token itself, so that Token().Extra works for shared tokens too.
func extras(t *oauth2.Token) map[string]any {
	var out map[string]any
	for _, k := range []string{"scope", "token_type", "expires_in"} {
		if v := t.Extra(k); v != nil {
			if out == nil {
				out = map[string]any{}
			}
			out[k] = v
		}
	}
	return out
}

// sharedFetch is the outcome of fetch.
type sharedFetch struct {
	f      fetched
	full   time.Duration // the token's full lifetime (f.lifetime is what remains)
	origin Origin
}

// fetch returns a token for a Source that holds held ("" if none): a newer
// token from the store if there is one, else the vendor's token, fetched by
// the one replica that wins the lease. Store errors fall back to vendor, as
// a Source without a shared cache would.
func (sh *shared) fetch(ctx context.Context, held string, vendor func(context.Context) (fetched, error)) (sharedFetch, error) {
	var owner []byte
	var waitStart time.Time
	defer func() {
		if !waitStart.IsZero() {
			sh.m.leaseWaited(time.Since(waitStart))
		}
	}()
	storeErrs := 0
	// failed handles a failed store call: one may be a hiccup, so pause
	// and go round again; a second in a row means the store is not there,
	// so fetch alone. done reports that fetch's outcome is final.
	failed := func(err error) (r sharedFetch, ferr error, done bool) {
		if storeErrs++; storeErrs >= maxStoreErrors {
			r, ferr = sh.fallback(ctx, vendor, err)
			return r, ferr, true
		}
		sh.m.storeError()
		if perr := pause(ctx); perr != nil {
			return sharedFetch{}, perr, true
		}
		return sharedFetch{}, nil, false
	}
	for {
		r, ok, err := sh.lookup(ctx, held)
		if err != nil {
			if r, err, done := failed(err); done {
				return r, err
			}
			continue
		}
		if ok {
			return r, nil
		}
		if owner == nil {
			owner = make([]byte, 16)
			_, _ = rand.Read(owner)
		}
		won, err := sh.store.TryLease(ctx, sh.leaseKey, owner, sh.leaseTTL)
		if err != nil {
			if r, err, done := failed(err); done {
				return r, err
			}
			continue
		}
		storeErrs = 0
		if won {
			// The previous holder may have stored its token and released
			// the lease between our lookup and TryLease: look again.
			if r, ok, err := sh.lookup(ctx, held); err == nil && ok {
				_, _ = sh.store.DeleteIfEqual(ctx, sh.leaseKey, owner)
				return r, nil
			}
			return sh.refresh(ctx, owner, vendor)
		}
		// Another replica is refreshing: wait for its token.
		if waitStart.IsZero() {
			waitStart = time.Now()
		}
		if err := pause(ctx); err != nil {
			return sharedFetch{}, err
		}
	}
}

// maxStoreErrors is how many store calls in a row may fail before a fetch
// goes to the vendor alone.
const maxStoreErrors = 2

// pause waits one jittered lease-poll interval.
func pause(ctx context.Context) error {
	t := time.NewTimer(leasePoll/2 + mrand.N(leasePoll))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// lookup returns the shared token if it is usable and not held.
func (sh *shared) lookup(ctx context.Context, held string) (sharedFetch, bool, error) {
	raw, ttl, err := sh.store.Get(ctx, sh.key)
	if err != nil || raw == nil {
		return sharedFetch{}, false, err
	}
	st, ok := sh.open(raw)
	life := time.Duration(st.LifetimeMS) * time.Millisecond
	if !ok || st.AccessToken == held || ttl <= expiryMargin(life) {
		return sharedFetch{}, false, nil
	}
	tok := (&oauth2.Token{AccessToken: st.AccessToken, TokenType: "Bearer"}).WithExtra(st.Extra)
	sh.last.Store(&sealedToken{accessToken: st.AccessToken, raw: raw})
	return sharedFetch{f: fetched{token: tok, lifetime: ttl}, full: life, origin: OriginShared}, true, nil
}

// refresh asks the vendor as lease holder, stores the token for the fleet
// and releases the lease.
func (sh *shared) refresh(ctx context.Context, owner []byte, vendor func(context.Context) (fetched, error)) (sharedFetch, error) {
	f, err := vendor(ctx)
	if err == nil && f.lifetime > 0 {
		if raw, serr := sh.seal(f.token, f.lifetime); serr == nil {
			if sh.store.Set(ctx, sh.key, raw, f.lifetime) == nil {
				sh.last.Store(&sealedToken{accessToken: f.token.AccessToken, raw: raw})
			}
		}
	}
	_, _ = sh.store.DeleteIfEqual(ctx, sh.leaseKey, owner)
	if err != nil {
		return sharedFetch{}, err
	}
	return sharedFetch{f: f, full: f.lifetime, origin: OriginVendor}, nil
}

func (sh *shared) fallback(ctx context.Context, vendor func(context.Context) (fetched, error), storeErr error) (sharedFetch, error) {
	sh.m.storeError()
	_ = storeErr // never logged: a store error may echo keys or values
	f, err := vendor(ctx)
	if err != nil {
		return sharedFetch{}, err
	}
	return sharedFetch{f: f, full: f.lifetime, origin: OriginVendor}, nil
}

// invalidate deletes the shared token if it is still accessToken.
func (sh *shared) invalidate(accessToken string, timeout time.Duration) {
	last := sh.last.Load()
	if last == nil || last.accessToken != accessToken {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := sh.store.DeleteIfEqual(ctx, sh.key, last.raw); err != nil {
		sh.m.storeError()
	}
	sh.last.CompareAndSwap(last, nil)
}

// margin is the part of a token's lifetime at the end in which it is no
// longer served (see the package documentation).
func expiryMargin(life time.Duration) time.Duration { return min(life/20, 10*time.Second) }

// sharedInvalidateTimeout bounds the store call of Invalidate, which runs on
// the caller's goroutine (Transport calls it after a 401).
const sharedInvalidateTimeout = 150 * time.Millisecond

// fetchFleet fetches through the shared cache when there is one, else from
// the vendor; full is the token's full lifetime.
func (s *Source) fetchFleet(ctx context.Context) (f fetched, full time.Duration, origin Origin, err error) {
	if s.sh == nil {
		f, err = s.fetch(ctx)
		return f, f.lifetime, OriginVendor, err
	}
	var held string
	if e := s.current.Load(); e != nil {
		held = e.token.AccessToken
	}
	r, err := s.sh.fetch(ctx, held, s.fetch)
	if err != nil {
		return fetched{}, 0, OriginVendor, err
	}
	return r.f, r.full, r.origin, nil
}

// observe records a finished fetch in the metrics and the refresh hook.
func (s *Source) observe(origin Origin, background bool, took, lifetime time.Duration, err error) {
	s.o.m.fetched(origin, err, took)
	if h := s.o.refreshHook; h != nil {
		h(RefreshEvent{Origin: origin, Background: background, Took: took, Lifetime: lifetime, Err: err})
	}
}
