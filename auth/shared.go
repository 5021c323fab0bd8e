package auth

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// SharedStore is a key-value store shared by the replicas of a service, such
// as Redis (see package redisstore). A Source with [WithSharedCache] uses it
// only while fetching a token or after a 401, never per request. Lifetimes
// are relative to the store's own clock, so replicas with skewed clocks agree
// on them. Implementations must be safe for concurrent use and should fail
// fast: an error makes the Source fetch on its own, as if it had no shared
// cache.
type SharedStore interface {
	// Get returns the value at key and its remaining time to live. A
	// missing key is (nil, 0, nil); a key without expiry has ttl 0 (the
	// Source treats such a token as unusable and such a lease as held by
	// a replica that died).
	Get(ctx context.Context, key string) (value []byte, ttl time.Duration, err error)
	// Set stores value at key for ttl. The Source no longer calls it: it
	// publishes a token only into an empty slot (TryLease), so that a slow
	// replica never overwrites a newer token with an older one.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// DeleteIfEqual deletes key only if it still holds value, atomically.
	DeleteIfEqual(ctx context.Context, key string, value []byte) (bool, error)
	// TryLease stores value at key for ttl only if key is absent,
	// atomically, and reports whether it did. The Source uses it for the
	// refresh lease and to publish a token.
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
	// least one key is required: tokens are never stored in clear. The
	// store key names do not depend on the ring.
	Keys [][]byte
	// LeaseTTL is the longest one replica may hold the right to refresh
	// before another may take it over (default and maximum
	// DefaultLeaseTTL). Once the Source knows its tokens' lifetime it
	// uses less for short-lived tokens: half the shortest time a token is
	// served stale (see WithRefreshWindow) minus the expiry margin, at
	// least MinLeaseTTL, so that a holder that died still leaves the
	// fleet time to refresh before the token expires (a 20-s token gets
	// 500 ms). A replica waiting for a lease that outlives this bound
	// (a holder that died with a longer LeaseTTL, a lease restored without
	// expiry, a clock step on the store) deletes that lease and takes it
	// over; keep LeaseTTL above a normal token request's latency.
	LeaseTTL time.Duration
	// Namespace prefixes the store keys (default "mgmtapi:auth").
	Namespace string
	// Replica names this process in the refresh lease so that operators
	// can see which replica refreshes: RefreshEvent.LeaseHolder and the
	// attribute "lease.holder" of MetricLeaseWaits. Default
	// "<hostname>/<pid>". At most 64 bytes of letters, digits and
	// "._:/@-". It is stored in clear: never put a secret in it.
	Replica string
}

// Bounds of SharedCache.LeaseTTL.
const (
	// DefaultLeaseTTL is the lease TTL before the token lifetime is known,
	// and the largest LeaseTTL accepted.
	DefaultLeaseTTL = 5 * time.Second
	// MinLeaseTTL is the shortest lease derived from a token lifetime.
	MinLeaseTTL = 200 * time.Millisecond
)

const (
	defaultNamespace = "mgmtapi:auth"
	leasePoll        = 25 * time.Millisecond
	maxReplicaLen    = 64
)

// WithSharedCache makes the Source share its tokens with every other Source
// of the same identity (token URL, client ID, audience, scopes, resource,
// extra parameters) through c.Store: when its token needs refreshing it
// first takes a newer token from the store; otherwise one replica takes a
// lease and asks the vendor while the others keep serving their current
// token, or, if they have none, wait for the shared one. The in-process
// cache stays in front: a fresh token is still served with one atomic load.
// Every invalidation (Transport's 401, Invalidate) also deletes the shared
// token if it still is the invalidated one (one store call on the caller's
// goroutine, bounded by 150 ms), and the next fetch never takes the
// invalidated token back, so a fleet-wide 401 costs one token request and
// every replica is served again within one fetch. Only New accepts this
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
	leaseMax time.Duration
	replica  string
	fraction float64 // the Source's refresh window, for the lease TTL
	jitter   float64
	m        Metrics
	// last is the sealed value of the token this Source last took from or
	// wrote to the store, so that an invalidation can delete exactly that
	// value.
	last atomic.Pointer[sealedToken]
	// life is the full lifetime of the last token fetched (0: none yet),
	// from which the lease TTL is derived.
	life atomic.Int64
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

func newShared(c *SharedCache, cfg Config, o *options) (*shared, error) {
	if c.Store == nil {
		return nil, errors.New("auth: WithSharedCache: Store is nil")
	}
	if len(c.Keys) == 0 {
		return nil, errors.New("auth: WithSharedCache: Keys is empty; tokens are only stored encrypted")
	}
	sh := &shared{store: c.Store, leaseMax: c.LeaseTTL, m: o.metrics, fraction: o.fraction, jitter: o.jitter}
	switch {
	case sh.leaseMax == 0:
		sh.leaseMax = DefaultLeaseTTL
	case sh.leaseMax < 0 || sh.leaseMax > DefaultLeaseTTL:
		return nil, fmt.Errorf("auth: WithSharedCache: LeaseTTL %s must be in (0, %s]", c.LeaseTTL, DefaultLeaseTTL)
	}
	sh.replica = c.Replica
	if sh.replica == "" {
		sh.replica = defaultReplica()
	} else if !validReplica(sh.replica) {
		return nil, fmt.Errorf("auth: WithSharedCache: Replica must be 1 to %d bytes of letters, digits and \"._:/@-\"", maxReplicaLen)
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

// identity names a token identity from public configuration only: a
// SHA-256 over the length-prefixed token URL, client ID, audience, scopes,
// resource and extra parameters. Neither the client secret nor the key ring
// goes into it, so the name confirms no guess of the secret and stays the
// same across key-ring rotation. A new secret for the same client shares
// the name: a token fetched with the old secret stays valid at the vendor
// until it expires or is refused, and a refused token is invalidated
// fleet-wide like any other.
func identity(cfg Config) string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field("v2")
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
	holder string // the lease holder waited for, or this replica as holder
}

// fetch returns a token for a Source that must not take refused (the token
// it holds or last invalidated; "" if none): a newer token from the store
// if there is one, else the vendor's token, fetched by the one replica that
// wins the lease. Store errors fall back to vendor, as a Source without a
// shared cache would.
func (sh *shared) fetch(ctx context.Context, refused string, vendor func(context.Context) (fetched, error)) (sharedFetch, error) {
	var owner []byte
	var w leaseWait
	defer func() {
		if !w.start.IsZero() {
			sh.m.LeaseWaited(w.name(), time.Since(w.start))
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
		sh.m.SharedStoreFailed()
		if perr := pause(ctx); perr != nil {
			return sharedFetch{}, perr, true
		}
		return sharedFetch{}, nil, false
	}
	for {
		r, stale, ok, err := sh.lookup(ctx, refused)
		if err != nil {
			if r, err, done := failed(err); done {
				return r, err
			}
			continue
		}
		if ok {
			r.holder = w.name()
			return r, nil
		}
		if owner == nil {
			owner = sh.leaseValue()
		}
		lease := sh.leaseTTL()
		won, err := sh.store.TryLease(ctx, sh.leaseKey, owner, lease)
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
			r, stale2, ok, err := sh.lookup(ctx, refused)
			if err == nil && ok {
				_, _ = sh.store.DeleteIfEqual(ctx, sh.leaseKey, owner)
				return r, nil
			}
			if err == nil {
				stale = stale2
			}
			return sh.refresh(ctx, owner, stale, vendor)
		}
		// Another replica is refreshing: wait for its token, but not past
		// the lease bound for one holder.
		holder, _, err := sh.store.Get(ctx, sh.leaseKey)
		if err != nil {
			if r, err, done := failed(err); done {
				return r, err
			}
			continue
		}
		switch w.observe(holder, time.Now(), lease+2*leasePoll) {
		case waitOn:
		case takeOver:
			// The lease outlived any lease this replica would take: its
			// holder died with a longer LeaseTTL, or the key lost its
			// expiry. Delete exactly that lease and compete for it again.
			if deleted, err := sh.store.DeleteIfEqual(ctx, sh.leaseKey, holder); err == nil && deleted {
				sh.m.LeaseTakenOver()
			}
			continue
		case goAlone:
			// Holder after holder gave up: fetch alone rather than wait on.
			return sh.alone(ctx, vendor)
		}
		if err := pause(ctx); err != nil {
			return sharedFetch{}, err
		}
	}
}

// maxStoreErrors is how many store calls in a row may fail before a fetch
// goes to the vendor alone.
const maxStoreErrors = 2

// lookup returns the shared token if it is usable and not refused; when
// there is a value that is not usable (refused, near its end, without
// expiry, or not one this ring opens), stale is that value, for the next
// lease holder to replace.
func (sh *shared) lookup(ctx context.Context, refused string) (r sharedFetch, stale []byte, ok bool, err error) {
	raw, ttl, err := sh.store.Get(ctx, sh.key)
	if err != nil || raw == nil {
		return sharedFetch{}, nil, false, err
	}
	st, opened := sh.open(raw)
	life := time.Duration(st.LifetimeMS) * time.Millisecond
	if !opened || st.AccessToken == refused || ttl <= expiryMargin(life) || ttl > life {
		return sharedFetch{}, raw, false, nil
	}
	tok := (&oauth2.Token{AccessToken: st.AccessToken, TokenType: "Bearer"}).WithExtra(st.Extra)
	sh.last.Store(&sealedToken{accessToken: st.AccessToken, raw: raw})
	sh.life.Store(int64(life))
	return sharedFetch{f: fetched{token: tok, lifetime: ttl}, full: life, origin: OriginShared}, nil, true, nil
}

// refresh asks the vendor as lease holder, publishes the token for the
// fleet in place of stale and releases the lease.
func (sh *shared) refresh(ctx context.Context, owner, stale []byte, vendor func(context.Context) (fetched, error)) (sharedFetch, error) {
	f, err := vendor(ctx)
	if err == nil {
		sh.publish(ctx, f, stale)
	}
	_, _ = sh.store.DeleteIfEqual(ctx, sh.leaseKey, owner)
	if err != nil {
		return sharedFetch{}, err
	}
	return sharedFetch{f: f, full: f.lifetime, origin: OriginVendor, holder: sh.replica}, nil
}

// publish stores a token fetched from the vendor, only into an empty slot:
// stale (the unusable value this replica found) is deleted first if it is
// still there, but a token another replica published meanwhile is never
// overwritten, so an older token cannot replace a newer one.
func (sh *shared) publish(ctx context.Context, f fetched, stale []byte) {
	sh.life.Store(int64(f.lifetime))
	if f.lifetime <= 0 {
		return
	}
	raw, err := sh.seal(f.token, f.lifetime)
	if err != nil {
		return
	}
	if stale != nil {
		_, _ = sh.store.DeleteIfEqual(ctx, sh.key, stale)
	}
	if ok, err := sh.store.TryLease(ctx, sh.key, raw, f.lifetime); err == nil && ok {
		sh.last.Store(&sealedToken{accessToken: f.token.AccessToken, raw: raw})
	}
}

// alone fetches without the lease, after waiting on holders that never
// published, and offers the token to the fleet.
func (sh *shared) alone(ctx context.Context, vendor func(context.Context) (fetched, error)) (sharedFetch, error) {
	f, err := vendor(ctx)
	if err != nil {
		return sharedFetch{}, err
	}
	sh.publish(ctx, f, nil)
	return sharedFetch{f: f, full: f.lifetime, origin: OriginVendor, holder: sh.replica}, nil
}

func (sh *shared) fallback(ctx context.Context, vendor func(context.Context) (fetched, error), storeErr error) (sharedFetch, error) {
	sh.m.SharedStoreFailed()
	_ = storeErr // never logged: a store error may echo keys or values
	f, err := vendor(ctx)
	if err != nil {
		return sharedFetch{}, err
	}
	sh.life.Store(int64(f.lifetime))
	return sharedFetch{f: f, full: f.lifetime, origin: OriginVendor}, nil
}

// invalidate deletes the shared token if it is still accessToken.
func (sh *shared) invalidate(accessToken string, timeout time.Duration) {
	last := sh.last.Load()
	// Only the first of many concurrent 401s for one token calls the store.
	if last == nil || last.accessToken != accessToken || !sh.last.CompareAndSwap(last, nil) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := sh.store.DeleteIfEqual(ctx, sh.key, last.raw); err != nil {
		sh.m.SharedStoreFailed()
	}
}

// margin is the part of a token's lifetime at the end in which it is no
// longer served (see the package documentation).
func expiryMargin(life time.Duration) time.Duration { return min(life/20, 10*time.Second) }

// sharedInvalidateTimeout bounds the store call of Invalidate, which runs on
// the caller's goroutine (Transport calls it after a 401).
const sharedInvalidateTimeout = 150 * time.Millisecond

// fetchFleet fetches through the shared cache when there is one, else from
// the vendor; full is the token's full lifetime, holder the lease holder
// (see RefreshEvent.LeaseHolder).
func (s *Source) fetchFleet(ctx context.Context) (f fetched, full time.Duration, origin Origin, holder string, err error) {
	if s.sh == nil {
		f, err = s.fetch(ctx)
		return f, f.lifetime, OriginVendor, "", err
	}
	// Never take back the token held (it is due) or the one refused last.
	s.mu.Lock()
	refused := s.storm.refused
	s.mu.Unlock()
	if e := s.current.Load(); e != nil {
		refused = e.token.AccessToken
	}
	r, err := s.sh.fetch(ctx, refused, s.fetch)
	if err != nil {
		return fetched{}, 0, OriginVendor, "", err
	}
	return r.f, r.full, r.origin, r.holder, nil
}

// observe records a finished fetch in the metrics and the refresh hook.
func (s *Source) observe(origin Origin, holder string, background bool, took, lifetime time.Duration, err error) {
	s.o.metrics.Fetched(origin, err, took)
	if h := s.o.refreshHook; h != nil {
		h(RefreshEvent{Origin: origin, LeaseHolder: holder, Background: background, Took: took, Lifetime: lifetime, Err: err})
	}
}
