package fleet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/ratelimit"
	"github.com/mgmtapi/mgmtapi/redisstore"
	"github.com/mgmtapi/mgmtapi/retry"
)

// Client credentials registered at the harness's token server.
const (
	ClientID     = "fleet-bench"
	ClientSecret = "fleet-bench-Secret/+=&%-0123456789"
)

// Env is what every run shares: Redis, the token server and the vendor.
type Env struct {
	Redis  *testenv.Redis
	Tokens *testenv.TokenServer
	Vendor *Vendor
	// TokenTTL is the token server's token lifetime.
	TokenTTL time.Duration
	// Limit is the vendor's limit in requests per second.
	Limit int

	runs atomic.Int64
}

// StartEnv starts redis-server, the token server (tokens living ttl) and a
// vendor API allowing limit requests per second in bursts of a tenth of
// that.
func StartEnv(ttl time.Duration, limit int) (*Env, error) {
	r, err := testenv.StartRedis()
	if err != nil {
		return nil, err
	}
	ts, err := testenv.StartTokenServer(testenv.TokenServerOptions{TTL: ttl,
		Clients: []testenv.Client{{ID: ClientID, Secret: ClientSecret, AuthMethod: testenv.AuthPost}}})
	if err != nil {
		_ = r.Close()
		return nil, err
	}
	return &Env{Redis: r, Tokens: ts, Vendor: StartVendor(limit, max(limit/10, 1)), TokenTTL: ttl, Limit: limit}, nil
}

// Close stops everything StartEnv started.
func (e *Env) Close() error {
	e.Vendor.Close()
	return errors.Join(e.Tokens.Close(), e.Redis.Close())
}

// Scenario is one run.
type Scenario struct {
	// Replicas is the fleet size N.
	Replicas int
	// Requests is the number of API requests of the whole fleet, when
	// Duration is zero.
	Requests int
	// Duration, if > 0, runs every caller until it has passed instead.
	Duration time.Duration
	// Workers is the number of concurrent callers per replica (default
	// 32/Replicas, at least 4).
	Workers int
	// Shared turns on the Redis-shared token and budget; off is
	// per-process, as today: auth and retry only.
	Shared bool
	// Share is the part of the vendor limit the shared budget uses.
	Share float64
	// KillRedisAt, if > 0, SIGKILLs Redis that long after the start and
	// restarts it (empty) RedisDownFor later.
	KillRedisAt  time.Duration
	RedisDownFor time.Duration
	// LeaseHolderDies starts the run with a replica that takes the refresh
	// lease and dies (its token request never leaves, its Redis calls fail).
	LeaseHolderDies bool
	// LeaseTTL is the shared cache's lease TTL (0: auth's default).
	LeaseTTL time.Duration
	// CallTimeout bounds each Redis call (0: redisstore's default), the
	// go-redis client's dial, read, write and pool timeouts, and the
	// ratelimit.Transport's SharedTimeout. Tests set it long, so that a
	// loaded machine does not turn slow calls into fallbacks.
	CallTimeout time.Duration
}

// Result is what a run measured.
type Result struct {
	Scenario
	// Duration is the wall time of the run.
	Duration time.Duration
	// OK counts requests that ended 200; Failed the others.
	OK, Failed int
	// Limited counts 429 answers; Wasted every vendor attempt that did no
	// work (429 and 401 answers).
	Limited, Wasted int
	// TokenRequests is what the token endpoint received during the run.
	TokenRequests int
	// Lifetimes is Duration in token lifetimes.
	Lifetimes float64
	// SlowestToken is the longest a request waited for its token.
	SlowestToken time.Duration
	// SlowestRedis is the longest single Redis call of any replica.
	SlowestRedis time.Duration
	// RedisErrors counts failed store calls (breaker answers included).
	RedisErrors int
	// LimitedAfterRecovery counts 429s after Redis was back.
	LimitedAfterRecovery int
	// ServedAgainAfter is, for LeaseHolderDies, when the last replica had
	// its first token, from the start of the run.
	ServedAgainAfter time.Duration
	// Limit is the vendor's limit in requests per second.
	Limit int
}

// TokensPerLifetime is token requests per token lifetime of run time.
func (r Result) TokensPerLifetime() float64 { return float64(r.TokenRequests) / r.Lifetimes }

// ShareOfLimit is the achieved throughput over the vendor's limit.
func (r Result) ShareOfLimit() float64 {
	return float64(r.OK) / r.Duration.Seconds() / float64(r.Limit)
}

// Run runs one scenario.
func (e *Env) Run(ctx context.Context, sc Scenario) (Result, error) {
	if sc.Workers <= 0 {
		sc.Workers = max(32/sc.Replicas, 4)
	}
	if sc.Share == 0 {
		sc.Share = 0.97
	}
	run := e.runs.Add(1)
	ns := fmt.Sprintf("bench%d", run)
	e.Vendor.Reset()
	before, err := e.Tokens.Stats()
	if err != nil {
		return Result{}, err
	}
	slowRedis := &maxDur{}
	var redisErrs atomic.Int64
	type rep struct {
		src *auth.Source
		hc  *http.Client
		rdb *redis.Client
	}
	reps := make([]rep, sc.Replicas)
	cfg := auth.Config{TokenURL: e.Tokens.TokenURL, ClientID: ClientID, ClientSecret: ClientSecret, AuthStyle: auth.AuthBody}
	key := bytes.Repeat([]byte{7}, 32)
	defer func() {
		for _, r := range reps {
			if r.src != nil {
				r.src.Close()
			}
			if r.rdb != nil {
				_ = r.rdb.Close()
			}
		}
	}()

	if sc.LeaseHolderDies {
		d, err := e.leaseHolderDies(ctx, cfg, key, ns, sc.LeaseTTL)
		if err != nil {
			return Result{}, err
		}
		defer d()
	}
	for i := range reps {
		var opts []auth.Option
		var rt http.RoundTripper
		if sc.Shared {
			reps[i].rdb = newRedisClient(e.Redis.Addr, sc.CallTimeout)
			// A replica is a long-running process: its connection is up
			// before the measured part starts.
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := reps[i].rdb.Ping(wctx).Err()
			cancel()
			if err != nil {
				return Result{}, fmt.Errorf("fleet: warm up Redis client: %w", err)
			}
			st := &timed{s: redisstore.New(reps[i].rdb, redisstore.WithCallTimeout(sc.CallTimeout)), max: slowRedis, errs: &redisErrs}
			opts = append(opts, auth.WithSharedCache(auth.SharedCache{Store: st, Keys: [][]byte{key}, Namespace: ns, LeaseTTL: sc.LeaseTTL}))
			src, err := auth.New(cfg, opts...)
			if err != nil {
				return Result{}, err
			}
			reps[i].src = src
			// Under auth, so that a replay after a 401 books a slot too.
			rt = src.Transport(&ratelimit.Transport{Limit: float64(e.Limit), Share: sc.Share,
				Burst: max(e.Limit/20, 1), Replicas: sc.Replicas, Shared: st, Key: ns, SharedTimeout: sc.CallTimeout})
		} else {
			src, err := auth.New(cfg)
			if err != nil {
				return Result{}, err
			}
			reps[i].src = src
			rt = src.Transport(nil)
		}
		reps[i].hc = &http.Client{Transport: &retry.Transport{Base: rt, MaxRetries: 2}}
	}

	var ok, failed atomic.Int64
	slowTok := &maxDur{}
	var firstServed sync.Map // replica -> time of first token
	var recovered atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	if sc.KillRedisAt > 0 {
		wg.Go(func() {
			time.Sleep(sc.KillRedisAt)
			e.Redis.Kill()
			time.Sleep(sc.RedisDownFor)
			if e.Redis.Restart() == nil {
				recovered.Store(time.Now().UnixNano())
			}
		})
	}
	perWorker := max(sc.Requests/(sc.Replicas*sc.Workers), 1)
	end := start.Add(sc.Duration)
	for i, r := range reps {
		for range sc.Workers {
			wg.Go(func() {
				for n := 0; ; n++ {
					if ctx.Err() != nil || (sc.Duration > 0 && time.Now().After(end)) || (sc.Duration == 0 && n >= perWorker) {
						return
					}
					t0 := time.Now()
					_, err := r.src.Token(ctx)
					slowTok.observe(time.Since(t0))
					if err != nil {
						failed.Add(1)
						continue
					}
					firstServed.LoadOrStore(i, time.Now())
					if e.call(ctx, r.hc) {
						ok.Add(1)
					} else {
						failed.Add(1)
					}
				}
			})
		}
	}
	wg.Wait()
	dur := time.Since(start)
	after, err := e.Tokens.Stats()
	if err != nil {
		return Result{}, err
	}
	vok, limited, unauth := e.Vendor.Counts()
	_ = vok
	res := Result{Scenario: sc, Duration: dur, OK: int(ok.Load()), Failed: int(failed.Load()),
		Limited: int(limited), Wasted: int(limited + unauth), TokenRequests: after.TokenRequests - before.TokenRequests,
		Lifetimes: dur.Seconds() / e.TokenTTL.Seconds(), SlowestToken: slowTok.get(), SlowestRedis: slowRedis.get(), RedisErrors: int(redisErrs.Load()), Limit: e.Limit}
	if at := recovered.Load(); at != 0 {
		res.LimitedAfterRecovery = e.Vendor.LimitedSince(time.Unix(0, at))
	}
	firstServed.Range(func(_, v any) bool {
		res.ServedAgainAfter = max(res.ServedAgainAfter, v.(time.Time).Sub(start))
		return true
	})
	return res, nil
}

// newRedisClient is redisstore.NewClient, with every timeout raised to
// callTimeout when that is longer: go-redis applies its read timeout even
// under a longer context deadline.
func newRedisClient(addr string, callTimeout time.Duration) *redis.Client {
	rdb := redisstore.NewClient(addr)
	if callTimeout > redisstore.IOTimeout {
		o := rdb.Options()
		o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout = callTimeout, callTimeout, callTimeout, callTimeout
		_ = rdb.Close()
		rdb = redis.NewClient(o)
	}
	return rdb
}

func (e *Env) call(ctx context.Context, hc *http.Client) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.Vendor.URL+"/api/v2/users", nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// leaseHolderDies runs a replica that takes the refresh lease and then
// behaves as if its process died; it returns once the lease is taken.
func (e *Env) leaseHolderDies(ctx context.Context, cfg auth.Config, key []byte, ns string, leaseTTL time.Duration) (func(), error) {
	rdb := redisstore.NewClient(e.Redis.Addr)
	d := &Dying{SharedStore: redisstore.New(rdb), Leased: make(chan struct{})}
	src, err := auth.New(cfg, auth.WithSharedCache(auth.SharedCache{Store: d, Keys: [][]byte{key}, Namespace: ns, LeaseTTL: leaseTTL}),
		auth.WithHTTPClient(&http.Client{Transport: Hang{}}))
	if err != nil {
		_ = rdb.Close()
		return nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	go func() { _, _ = src.Token(cctx) }()
	select {
	case <-d.Leased:
	case <-time.After(10 * time.Second):
		cancel()
		src.Close()
		_ = rdb.Close()
		return nil, errors.New("fleet: the dying replica did not take the lease")
	}
	return func() { cancel(); src.Close(); _ = rdb.Close() }, nil
}

// Dying passes store calls through until it wins a lease, then fails every
// call, like a replica that crashed while holding the lease.
type Dying struct {
	auth.SharedStore
	// Leased is closed when the lease was taken.
	Leased chan struct{}
	dead   atomic.Bool
}

var errDead = errors.New("fleet: replica died")

// Get implements auth.SharedStore.
func (d *Dying) Get(ctx context.Context, k string) ([]byte, time.Duration, error) {
	if d.dead.Load() {
		return nil, 0, errDead
	}
	return d.SharedStore.Get(ctx, k)
}

// Set implements auth.SharedStore.
func (d *Dying) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	if d.dead.Load() {
		return errDead
	}
	return d.SharedStore.Set(ctx, k, v, ttl)
}

// DeleteIfEqual implements auth.SharedStore.
func (d *Dying) DeleteIfEqual(ctx context.Context, k string, v []byte) (bool, error) {
	if d.dead.Load() {
		return false, errDead
	}
	return d.SharedStore.DeleteIfEqual(ctx, k, v)
}

// TryLease implements auth.SharedStore; winning kills the replica.
func (d *Dying) TryLease(ctx context.Context, k string, v []byte, ttl time.Duration) (bool, error) {
	if d.dead.Load() {
		return false, errDead
	}
	ok, err := d.SharedStore.TryLease(ctx, k, v, ttl)
	if ok && d.dead.CompareAndSwap(false, true) {
		close(d.Leased)
	}
	return ok, err
}

// Hang is the dead replica's HTTP transport: nothing leaves the process.
type Hang struct{}

// RoundTrip blocks until the request's context ends.
func (Hang) RoundTrip(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// store is what the harness wraps: both halves of redisstore.Store.
type store interface {
	auth.SharedStore
	ratelimit.SharedBudget
}

// timed records the slowest call of a store and counts failed calls.
type timed struct {
	s    store
	max  *maxDur
	errs *atomic.Int64
}

func (t *timed) done(start time.Time, err error) {
	t.max.since(start)
	if err != nil {
		t.errs.Add(1)
	}
}

func (t *timed) Get(ctx context.Context, k string) ([]byte, time.Duration, error) {
	start := time.Now()
	v, ttl, err := t.s.Get(ctx, k)
	t.done(start, err)
	return v, ttl, err
}

func (t *timed) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	start := time.Now()
	err := t.s.Set(ctx, k, v, ttl)
	t.done(start, err)
	return err
}

func (t *timed) DeleteIfEqual(ctx context.Context, k string, v []byte) (bool, error) {
	start := time.Now()
	ok, err := t.s.DeleteIfEqual(ctx, k, v)
	t.done(start, err)
	return ok, err
}

func (t *timed) TryLease(ctx context.Context, k string, v []byte, ttl time.Duration) (bool, error) {
	start := time.Now()
	ok, err := t.s.TryLease(ctx, k, v, ttl)
	t.done(start, err)
	return ok, err
}

func (t *timed) Reserve(ctx context.Context, key string, rate float64, burst int, maxWait time.Duration) (time.Duration, bool, error) {
	start := time.Now()
	d, ok, err := t.s.Reserve(ctx, key, rate, burst, maxWait)
	t.done(start, err)
	return d, ok, err
}

func (t *timed) Pause(ctx context.Context, key string, d time.Duration) error {
	start := time.Now()
	err := t.s.Pause(ctx, key, d)
	t.done(start, err)
	return err
}

func (t *timed) Seed(ctx context.Context, key string, rate float64, burst, spent int) error {
	start := time.Now()
	err := t.s.Seed(ctx, key, rate, burst, spent)
	t.done(start, err)
	return err
}

// maxDur keeps the largest duration observed.
type maxDur struct{ v atomic.Int64 }

func (m *maxDur) observe(d time.Duration) {
	for {
		old := m.v.Load()
		if int64(d) <= old || m.v.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

func (m *maxDur) since(t time.Time)  { m.observe(time.Since(t)) }
func (m *maxDur) get() time.Duration { return time.Duration(m.v.Load()) }
