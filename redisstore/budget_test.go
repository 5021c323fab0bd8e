package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/otelmgmt"
	"github.com/mgmtapi/mgmtapi/ratelimit"
	"github.com/mgmtapi/mgmtapi/redisstore"
)

// GCRA booking: a burst goes at once, then slots follow one interval apart
// on Redis's clock; a slot beyond maxWait is not booked. The bounds hold
// however slow the calls are: each wait is the slot's distance from Redis's
// now, so it can only shrink by the time the calls took.
func TestBudgetReserve(t *testing.T) {
	r := testenv.RedisTB(t)
	st := redisstore.New(newClient(t, r.Addr), redisstore.WithCallTimeout(5*time.Second))
	ctx := context.Background()
	const rate, burst = 10.0, 5 // 100 ms apart
	start := time.Now()
	var last time.Duration
	for i := range 20 {
		d, ok, err := st.Reserve(ctx, "b", rate, burst, time.Minute)
		if err != nil || !ok {
			t.Fatalf("reserve %d: booked=%v err=%v", i, ok, err)
		}
		if i < burst && d != 0 {
			t.Fatalf("reserve %d of the burst waits %v", i, d)
		}
		last = d
	}
	elapsed := time.Since(start)
	// Slot 20 is 19 intervals after the first, less the burst tolerance.
	want := 1500 * time.Millisecond
	if last > want || last < want-elapsed-time.Millisecond {
		t.Fatalf("20th slot in %v, want %v minus the %v the calls took", last, want, elapsed)
	}
	d, ok, err := st.Reserve(ctx, "b", rate, burst, time.Millisecond)
	if elapsed := time.Since(start); err != nil || ok || d < want+100*time.Millisecond-elapsed {
		t.Fatalf("slot beyond maxWait: wait %v booked %v err %v (after %v)", d, ok, err, elapsed)
	}
	d2, ok, _ := st.Reserve(ctx, "b", rate, burst, time.Minute)
	if !ok || d2 > d {
		t.Fatalf("an unbooked call moved the schedule: %v then %v", d, d2)
	}
}

// A pause holds every caller back; a shorter pause does not shorten it, and
// a longer one than ratelimit.MaxPause is cut to it.
func TestBudgetPause(t *testing.T) {
	r := testenv.RedisTB(t)
	a := redisstore.New(newClient(t, r.Addr), redisstore.WithCallTimeout(5*time.Second))
	b := redisstore.New(newClient(t, r.Addr), redisstore.WithCallTimeout(5*time.Second))
	ctx := context.Background()
	start := time.Now() // before Redis starts the pause
	if err := a.Pause(ctx, "p", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := a.Pause(ctx, "p", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	d, ok, err := b.Reserve(ctx, "p", 100, 5, time.Minute)
	if err != nil || ok || d > 30*time.Second || d < 30*time.Second-time.Since(start)-time.Millisecond {
		t.Fatalf("during a pause: wait %v booked %v err %v", d, ok, err)
	}
	if err := a.Pause(ctx, "q", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	d, ok, err = b.Reserve(ctx, "q", 100, 5, time.Minute)
	if err != nil || ok || d > ratelimit.MaxPause || d <= 0 {
		t.Fatalf("during a day-long pause: wait %v booked %v err %v, want at most %v", d, ok, err, ratelimit.MaxPause)
	}
}

// State in Redis that this package cannot have written (a TAT of 1e300,
// inf, nan or text, a TAT two hours ahead, a pause TTL of years) is an
// error matching ratelimit.ErrSharedReply, never a wait; the script deletes
// it, so the next call books normally. Before, such state came back as a
// garbage wait (a huge TAT became 0 µs, a huge pause overflowed into a
// negative Duration) that panicked or spun every replica reading it.
func TestBudgetCorruptState(t *testing.T) {
	r := testenv.RedisTB(t)
	rdb := newClient(t, r.Addr)
	st := redisstore.New(rdb, redisstore.WithCallTimeout(5*time.Second))
	ctx := context.Background()
	farAhead := func() string {
		tm, err := rdb.Time(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(tm.Add(2*time.Hour).UnixMicro(), 10)
	}
	tests := []struct {
		name  string
		key   string // suffix: tat or pause
		value func() string
		ttl   time.Duration
	}{
		{"tat 1e300", "tat", func() string { return "1e300" }, time.Hour},
		{"tat inf", "tat", func() string { return "inf" }, time.Hour},
		{"tat nan", "tat", func() string { return "nan" }, time.Hour},
		{"tat text", "tat", func() string { return "soon" }, time.Hour},
		{"tat two hours ahead", "tat", farAhead, time.Hour},
		{"tat without expiry", "tat", func() string { return "1e300" }, 0},
		{"pause of 30 years", "pause", func() string { return "1" }, 30 * 365 * 24 * time.Hour},
		{"pause of two minutes", "pause", func() string { return "1" }, 2 * time.Minute},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "corrupt" + strconv.Itoa(i)
			if err := rdb.Set(ctx, "mgmtapi:budget:"+key+":"+tt.key, tt.value(), tt.ttl).Err(); err != nil {
				t.Fatal(err)
			}
			d, ok, err := st.Reserve(ctx, key, 100, 5, time.Second)
			if !errors.Is(err, ratelimit.ErrSharedReply) || !errors.Is(err, redisstore.ErrBudgetState) {
				t.Fatalf("reserve on corrupt state: wait %v booked %v err %v, want ErrBudgetState", d, ok, err)
			}
			d, ok, err = st.Reserve(ctx, key, 100, 5, time.Second)
			if err != nil || !ok || d != 0 {
				t.Fatalf("reserve after the state was cleared: wait %v booked %v err %v, want a slot now", d, ok, err)
			}
		})
	}
}

// A Transport whose shared budget holds corrupt state sends its request,
// paced locally, within its MaxWait, and counts the fallback as invalid;
// the request after it books in the repaired shared budget again.
func TestTransportOverCorruptBudget(t *testing.T) {
	r := testenv.RedisTB(t)
	rdb := newClient(t, r.Addr)
	st := redisstore.New(rdb, redisstore.WithCallTimeout(5*time.Second))
	ctx := context.Background()
	if err := rdb.Set(ctx, "mgmtapi:budget:api:pause", "1", 30*365*24*time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	var limited atomic.Bool
	var hits atomic.Int64
	v := vendor(t, "40", &limited, &hits)
	tr := &ratelimit.Transport{Limit: 50, Shared: st, Key: "api", MaxWait: 5 * time.Second, SharedTimeout: 5 * time.Second}
	hc := &http.Client{Transport: tr}
	for i := range 2 {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		req, _ := http.NewRequestWithContext(cctx, http.MethodGet, v.URL, nil)
		resp, err := hc.Do(req)
		cancel()
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		resp.Body.Close()
	}
	if n := hits.Load(); n != 2 {
		t.Fatalf("vendor got %d requests, want 2", n)
	}
	// The second request booked in Redis again: the schedule exists.
	if n, err := rdb.Exists(ctx, "mgmtapi:budget:api:tat").Result(); err != nil || n != 1 {
		t.Fatalf("budget state after recovery: %d keys, err %v", n, err)
	}
}

// Seed starts an empty budget as if spent slots were just booked (beyond
// the burst, ahead of now), and leaves a budget with state alone.
func TestBudgetSeed(t *testing.T) {
	r := testenv.RedisTB(t)
	st := redisstore.New(newClient(t, r.Addr), redisstore.WithCallTimeout(5*time.Second))
	ctx := context.Background()
	// 5 slots at 1/s: the schedule starts 5 s ahead, 1 s past the burst's
	// tolerance. Bounds allow for slow calls: a wait only shrinks with
	// the time they took.
	start := time.Now() // before Redis reads its clock for the seed
	if err := st.Seed(ctx, "s", 1, 5, 5); err != nil {
		t.Fatal(err)
	}
	d, ok, err := st.Reserve(ctx, "s", 1, 5, time.Minute)
	if err != nil || !ok || d > time.Second || d < time.Second-time.Since(start) {
		t.Fatalf("first slot after seeding a spent burst: wait %v booked %v err %v, want 1 s less the calls' time", d, ok, err)
	}
	if err := st.Seed(ctx, "s", 1, 5, 0); err != nil {
		t.Fatal(err)
	}
	d2, _, _ := st.Reserve(ctx, "s", 1, 5, time.Minute)
	if d2 < d+time.Second-time.Since(start) {
		t.Fatalf("Seed reset a budget that had state: %v then %v", d, d2)
	}
	// 30 slots at 10/s: the schedule starts 3 s ahead, 2.6 s past the
	// burst's tolerance.
	start = time.Now() // before Redis reads its clock for the seed
	if err := st.Seed(ctx, "ahead", 10, 5, 30); err != nil {
		t.Fatal(err)
	}
	d, ok, err = st.Reserve(ctx, "ahead", 10, 5, time.Minute)
	if err != nil || !ok || d > 2600*time.Millisecond || d < 2600*time.Millisecond-time.Since(start) {
		t.Fatalf("first slot after seeding 30 slots: wait %v booked %v err %v, want 2.6 s", d, ok, err)
	}
}

// When Redis comes back empty, the replica that seeds the budget counts the
// requests it booked locally during the outage that have not gone yet: the
// shared schedule starts after them (here 8 local slots at 1/s, so at least
// 8 s after they were booked) instead of at once, where it would have sent
// a second budget's worth on top of them. The vendor reports a full budget,
// so the slots come from the local bookings alone. Nothing here waits for
// the slots: the test reads the schedule Redis holds.
func TestBudgetSeedCountsLocalBookings(t *testing.T) {
	r := testenv.RedisTB(t)
	rdb := newClient(t, r.Addr)
	st := redisstore.New(newClient(t, r.Addr), redisstore.WithCooldown(20*time.Millisecond), redisstore.WithCallTimeout(5*time.Second))
	var limited atomic.Bool
	var hits atomic.Int64
	v := vendor(t, "50", &limited, &hits)
	reader := sdkmetric.NewManualReader()
	tr := &ratelimit.Transport{Limit: 1, Share: 1, Burst: 1, Shared: st, Key: "api", MaxWait: time.Minute,
		SharedTimeout: 5 * time.Second, Metrics: otelmgmt.RateLimitMetrics(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))}
	hc := &http.Client{Transport: tr}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	get := func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, v.URL, nil)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	r.Kill()
	booked := time.Now()
	const local = 8
	for range local {
		wg.Go(get)
	}
	// Every request fell back and booked its local slot.
	for fallbacks(t, reader) < local {
		time.Sleep(5 * time.Millisecond)
	}
	if err := r.Restart(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // past the breaker's cool-down
	wg.Go(get)                        // seeds the empty budget, then books
	var tat int64
	for {
		v, err := rdb.Get(context.Background(), "mgmtapi:budget:api:tat").Int64()
		if err == nil {
			tat = v
			break
		}
		if time.Since(booked) > time.Minute {
			t.Fatalf("no budget state in Redis after recovery: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if at, want := time.UnixMicro(tat), booked.Add(local*time.Second); at.Before(want) {
		t.Fatalf("the shared schedule resumes %v after the local bookings began, want at least %v",
			at.Sub(booked), want.Sub(booked))
	}
}

func fallbacks(t *testing.T, reader *sdkmetric.ManualReader) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if d, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == ratelimit.MetricSharedFallback {
				for _, p := range d.DataPoints {
					n += p.Value
				}
			}
		}
	}
	return n
}

// vendor answers like Auth0: rate-limit headers always, and 429 with
// Retry-After while limited is set.
func vendor(t *testing.T, remaining string, limited *atomic.Bool, hits *atomic.Int64) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h := w.Header()
		h.Set("X-Ratelimit-Limit", "50")
		h.Set("X-Ratelimit-Remaining", remaining)
		h.Set("X-Ratelimit-Reset", strconv.FormatInt(time.Now().Unix()+1, 10))
		h.Set("Auth0-Client-Quota-Limit", "b=per_hour;q=100;r=99;t=3540,b=per_day;q=1000;r=990;t=80000")
		if limited.Load() {
			h.Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(s.Close)
	return s
}

// A 429 seen by one replica pauses the whole fleet, and the replica exposes
// the vendor's budget headers.
func TestBudgetFleetPauseAfter429(t *testing.T) {
	r := testenv.RedisTB(t)
	var limited atomic.Bool
	var hits atomic.Int64
	v := vendor(t, "0", &limited, &hits)
	limited.Store(true)
	a := &ratelimit.Transport{Limit: 50, Shared: redisstore.New(newClient(t, r.Addr)), Key: "api"}
	b := &ratelimit.Transport{Limit: 50, Shared: redisstore.New(newClient(t, r.Addr)), Key: "api", MaxWait: time.Second}
	resp, err := (&http.Client{Transport: a}).Get(v.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d", resp.StatusCode)
	}
	obs := a.Observed()
	if obs.Limit != 50 || obs.Remaining != 0 || obs.Reset.IsZero() || len(obs.ClientQuota) != 2 ||
		obs.ClientQuota[0] != (ratelimit.Quota{Bucket: "per_hour", Quota: 100, Remaining: 99, ResetAfter: 3540 * time.Second}) {
		t.Fatalf("observed %+v", obs)
	}
	// The other replica has seen nothing itself, yet waits out the pause:
	// with MaxWait 1 s it gives up without sending.
	_, err = (&http.Client{Transport: b}).Get(v.URL)
	if err == nil || !errorsIs(err, ratelimit.ErrOverBudget) {
		t.Fatalf("second replica during the fleet pause: %v, want ErrOverBudget", err)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("vendor got %d requests during the pause, want 1", n)
	}
}

// Redis down: requests still go, paced locally; Redis back (empty): the
// budget is seeded from the last x-ratelimit-remaining (3 of 50 here), so the
// fleet does not start with a burst.
func TestBudgetOutageAndSeededRecovery(t *testing.T) {
	r := testenv.RedisTB(t)
	var limited atomic.Bool
	var hits atomic.Int64
	v := vendor(t, "3", &limited, &hits) // 3 of 50 left: none of our share
	// Generous call timeouts: the first calls after the restart dial and
	// load the scripts again, which a loaded machine may take long for.
	st := redisstore.New(newClient(t, r.Addr), redisstore.WithCooldown(20*time.Millisecond), redisstore.WithCallTimeout(5*time.Second))
	a := &ratelimit.Transport{Limit: 10, Burst: 5, Shared: st, Key: "api", SharedTimeout: 5 * time.Second}
	hc := &http.Client{Transport: a}
	get := func() {
		t.Helper()
		resp, err := hc.Get(v.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get()
	r.Kill()
	get() // paced locally; the shared call failed
	if err := r.Restart(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // past the breaker's cool-down
	get()                             // seeds the empty budget, then books
	other := redisstore.New(newClient(t, r.Addr))
	d, ok, err := other.Reserve(context.Background(), "api", 10*ratelimit.DefaultShare, 5, time.Minute)
	if err != nil || !ok {
		t.Fatalf("reserve after recovery: booked %v err %v", ok, err)
	}
	if d == 0 {
		t.Fatal("the budget was not seeded: the fleet may burst after Redis came back")
	}
	if n := hits.Load(); n != 3 {
		t.Fatalf("vendor got %d requests, want 3", n)
	}
}

// With ratelimit.Transport under auth's Transport, as the package
// documentation sets it up, auth's replay after a 401 books its own slot:
// two bookings 10 s apart in the shared schedule for one request.
func TestBudgetPacesReplayAfter401(t *testing.T) {
	r := testenv.RedisTB(t)
	rdb := newClient(t, r.Addr)
	ts := tokenServer(t, 300*time.Second)
	src, err := auth.New(config(ts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	var hits atomic.Int64
	v := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusUnauthorized) // the first token is refused
		}
	}))
	t.Cleanup(v.Close)
	st := redisstore.New(newClient(t, r.Addr), redisstore.WithCallTimeout(5*time.Second))
	// One slot per 10 s, two at once.
	rl := &ratelimit.Transport{Limit: 0.1, Share: 1, Burst: 2, Shared: st, Key: "api", SharedTimeout: 5 * time.Second}
	hc := &http.Client{Transport: src.Transport(rl)}
	mustToken(t, src) // the token fetch is no part of what is measured
	start := time.Now()
	resp, err := hc.Get(v.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || hits.Load() != 2 {
		t.Fatalf("status %d after %d vendor requests, want 200 after a replay", resp.StatusCode, hits.Load())
	}
	tat, err := rdb.Get(context.Background(), "mgmtapi:budget:api:tat").Int64()
	if err != nil {
		t.Fatal(err)
	}
	// Each booking moves the schedule 10 s on from the first.
	if ahead := time.UnixMicro(tat).Sub(start); ahead < 20*time.Second || ahead >= 30*time.Second {
		t.Fatalf("schedule %v ahead of the request, want 20 s to 30 s (two bookings)", ahead)
	}
}
