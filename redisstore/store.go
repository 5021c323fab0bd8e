// Package redisstore keeps the fleet-wide state of auth and ratelimit in
// Redis: the shared, encrypted token cache with its refresh lease
// ([auth.SharedStore]) and the shared request budget ([ratelimit.SharedBudget],
// a GCRA run inside Redis by a Lua script, with a fleet-wide pause).
//
// It lives in its own package so that auth, retry and ratelimit never import
// a Redis client. Every call fails fast: the client from [NewClient] dials
// and reads with 100 ms timeouts and never retries, and after two failed
// calls in a row a jittered breaker answers [ErrUnavailable] at once until a
// single probe succeeds. Callers treat an error as "no fleet state" and carry
// on alone, so a Redis outage costs a call at most one timeout (a refused
// connection fails at once) and no request blocks on Redis.
//
// Set-up for one replica:
//
//	rdb := redisstore.NewClient("redis:6379")
//	st := redisstore.New(rdb)
//	src, _ := auth.New(cfg, auth.WithSharedCache(auth.SharedCache{Store: st, Keys: [][]byte{key}}))
//	hc := &http.Client{Transport: &retry.Transport{Base: src.Transport(&ratelimit.Transport{Limit: 50, Shared: st})}}
package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Timeouts of NewClient. A Redis on the same network answers in well under
// a millisecond; these bound what a dead or stalled one can cost a call.
const (
	DialTimeout = 100 * time.Millisecond
	IOTimeout   = 100 * time.Millisecond
	// DefaultCallTimeout bounds every call of a Store, pool wait, dial
	// and round trip together (see WithCallTimeout).
	DefaultCallTimeout = 150 * time.Millisecond
	// DefaultCooldown is the breaker's minimum open time after a failure.
	DefaultCooldown = 250 * time.Millisecond
)

// NewClient returns a go-redis client for addr configured to fail fast:
// 100 ms dial, read and write timeouts, no retries, a short pool wait,
// and context deadlines honoured.
func NewClient(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:                  addr,
		DialTimeout:           DialTimeout,
		ReadTimeout:           IOTimeout,
		WriteTimeout:          IOTimeout,
		PoolTimeout:           IOTimeout,
		MaxRetries:            -1, // go-redis: -1 is none, 0 would be 3
		ContextTimeoutEnabled: true,
		DisableIdentity:       true,
	})
}

// Store is the Redis-backed fleet state. It is safe for concurrent use;
// create one per Redis client.
type Store struct {
	rdb     redis.UniversalClient
	br      *breaker
	now     func() time.Time
	timeout time.Duration
}

// Option changes a Store.
type Option func(*Store)

// WithCooldown sets the breaker's minimum open time (default
// DefaultCooldown); each opening lasts a random time in [d, 2d).
func WithCooldown(d time.Duration) Option {
	return func(s *Store) { s.br.cooldown = d }
}

// WithCallTimeout bounds each call (default DefaultCallTimeout). A longer
// bound trades fail-fast for fewer false alarms on an overloaded host.
func WithCallTimeout(d time.Duration) Option {
	return func(s *Store) { s.timeout = d }
}

// New returns a Store on rdb (see NewClient for the recommended settings).
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, br: &breaker{cooldown: DefaultCooldown}, now: time.Now, timeout: DefaultCallTimeout}
	for _, o := range opts {
		o(s)
	}
	if s.br.cooldown <= 0 {
		s.br.cooldown = DefaultCooldown
	}
	if s.timeout <= 0 {
		s.timeout = DefaultCallTimeout
	}
	return s
}

// call runs f through the breaker. redis.Nil is an answer, not a failure.
func (s *Store) call(ctx context.Context, f func(ctx context.Context) error) error {
	if !s.br.allow(s.now()) {
		return ErrUnavailable
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	err := f(cctx)
	cancel()
	ok := err == nil || errors.Is(err, redis.Nil)
	if !ok && ctx.Err() != nil && !errors.Is(err, context.DeadlineExceeded) {
		// The caller gave up; that says nothing about Redis.
		s.br.done(true, s.now())
		return err
	}
	s.br.done(ok, s.now())
	if err != nil && !ok {
		return &Error{err: err}
	}
	return err
}

// Error is a failed Redis call. Its text names the failure, never keys or
// values.
type Error struct{ err error }

func (e *Error) Error() string { return "redisstore: " + e.err.Error() }

// Unwrap returns the go-redis or network error.
func (e *Error) Unwrap() error { return e.err }

var getWithTTL = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return {false, -2} end
return {v, redis.call('PTTL', KEYS[1])}
`)

// Get implements auth.SharedStore: the value and its remaining TTL, read
// atomically in one round trip; ttl is 0 for a key without expiry.
func (s *Store) Get(ctx context.Context, key string) ([]byte, time.Duration, error) {
	var val []byte
	var ttl time.Duration
	err := s.call(ctx, func(ctx context.Context) error {
		res, err := getWithTTL.Run(ctx, s.rdb, []string{key}).Slice()
		if err != nil {
			return err
		}
		if len(res) != 2 {
			return errors.New("unexpected script reply")
		}
		str, ok := res[0].(string)
		ms, _ := res[1].(int64)
		if !ok {
			return nil // missing
		}
		// PTTL is -1 for a key without expiry (never written by auth, e.g.
		// restored from a backup): its value with ttl 0, which auth treats
		// as unusable (a token) or held by a replica that died (a lease).
		val, ttl = []byte(str), time.Duration(max(ms, 0))*time.Millisecond
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return val, ttl, nil
}

// Set implements auth.SharedStore with SET PX.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return nil // nothing worth sharing
	}
	return s.call(ctx, func(ctx context.Context) error {
		return s.rdb.Set(ctx, key, value, ttl).Err()
	})
}

var deleteIfEqual = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// DeleteIfEqual implements auth.SharedStore with a script that compares and
// deletes atomically.
func (s *Store) DeleteIfEqual(ctx context.Context, key string, value []byte) (bool, error) {
	var n int64
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		n, err = deleteIfEqual.Run(ctx, s.rdb, []string{key}, value).Int64()
		return err
	})
	return n == 1, err
}

// TryLease implements auth.SharedStore with SET NX PX.
func (s *Store) TryLease(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	var ok bool
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		ok, err = s.rdb.SetNX(ctx, key, value, ttl).Result()
		return err
	})
	return ok, err
}
