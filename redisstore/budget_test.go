package redisstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mgmtapi/mgmtapi/internal/testenv"
	"github.com/mgmtapi/mgmtapi/ratelimit"
	"github.com/mgmtapi/mgmtapi/redisstore"
)

// GCRA booking: a burst goes at once, then slots follow one interval apart
// on Redis's clock; a slot beyond maxWait is not booked.
func TestBudgetReserve(t *testing.T) {
	r := testenv.RedisTB(t)
	st := redisstore.New(newClient(t, r.Addr))
	ctx := context.Background()
	const rate, burst = 100.0, 5 // 10 ms apart
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
	want := 150 * time.Millisecond
	if last > want || last < want-elapsed-time.Millisecond {
		t.Fatalf("20th slot in %v, want %v minus the %v the calls took", last, want, elapsed)
	}
	d, ok, err := st.Reserve(ctx, "b", rate, burst, time.Millisecond)
	if err != nil || ok || d < 100*time.Millisecond {
		t.Fatalf("slot beyond maxWait: wait %v booked %v err %v", d, ok, err)
	}
	d2, ok, _ := st.Reserve(ctx, "b", rate, burst, time.Minute)
	if !ok || d2 > d {
		t.Fatalf("an unbooked call moved the schedule: %v then %v", d, d2)
	}
}

// A pause holds every caller back; a shorter pause does not shorten it.
func TestBudgetPause(t *testing.T) {
	r := testenv.RedisTB(t)
	a := redisstore.New(newClient(t, r.Addr))
	b := redisstore.New(newClient(t, r.Addr))
	ctx := context.Background()
	if err := a.Pause(ctx, "p", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := a.Pause(ctx, "p", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	d, ok, err := b.Reserve(ctx, "p", 100, 5, time.Minute)
	if err != nil || ok || d <= time.Second || d > 2*time.Second {
		t.Fatalf("during a pause: wait %v booked %v err %v", d, ok, err)
	}
}

// Seed starts an empty budget as if part of the burst was spent, and
// leaves a budget with state alone.
func TestBudgetSeed(t *testing.T) {
	r := testenv.RedisTB(t)
	st := redisstore.New(newClient(t, r.Addr))
	ctx := context.Background()
	if err := st.Seed(ctx, "s", 100, 5, 5); err != nil {
		t.Fatal(err)
	}
	d, ok, err := st.Reserve(ctx, "s", 100, 5, time.Minute)
	if err != nil || !ok || d == 0 {
		t.Fatalf("first slot after seeding a spent burst: wait %v booked %v err %v", d, ok, err)
	}
	if err := st.Seed(ctx, "s", 100, 5, 0); err != nil {
		t.Fatal(err)
	}
	d2, _, _ := st.Reserve(ctx, "s", 100, 5, time.Minute)
	if d2 <= d-5*time.Millisecond {
		t.Fatalf("Seed reset a budget that had state: %v then %v", d, d2)
	}
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
	st := redisstore.New(newClient(t, r.Addr), redisstore.WithCooldown(20*time.Millisecond))
	a := &ratelimit.Transport{Limit: 10, Burst: 5, Shared: st, Key: "api"}
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
