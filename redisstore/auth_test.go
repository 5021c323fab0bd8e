package redisstore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/mgmtapi/mgmtapi/auth"
	"github.com/mgmtapi/mgmtapi/internal/tests/fleet"
	"github.com/mgmtapi/mgmtapi/internal/tests/testenv"
	"github.com/mgmtapi/mgmtapi/otelmgmt"
	"github.com/mgmtapi/mgmtapi/redisstore"
)

// Ten replicas asking at once cause one token request; every replica gets
// the same token, and Redis holds it only encrypted, with a server-side TTL
// no longer than the token's lifetime.
func TestSharedOneFetchForTheFleet(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	var reps []*replica
	for range 10 {
		reps = append(reps, newReplica(t, r, config(ts), auth.SharedCache{}))
	}
	toks := make([]string, len(reps))
	var wg sync.WaitGroup
	for i, rp := range reps {
		wg.Go(func() { toks[i] = mustToken(t, rp.src) })
	}
	wg.Wait()
	for i, tok := range toks {
		if tok != toks[0] {
			t.Fatalf("replica %d got another token", i)
		}
	}
	if n := tokenRequests(t, ts); n != 1 {
		t.Fatalf("token endpoint saw %d requests, want 1", n)
	}
	keys := tokenKeys(t, reps[0].rdb, "token")
	if len(keys) != 1 {
		t.Fatalf("token keys %v", keys)
	}
	raw, err := reps[0].rdb.Get(context.Background(), keys[0]).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range [][]byte{[]byte(toks[0]), []byte(base64.StdEncoding.EncodeToString([]byte(toks[0]))), []byte(clientSecret)} {
		if bytes.Contains(raw, form) || bytes.Contains([]byte(keys[0]), form) {
			t.Fatal("Redis holds the token or secret in clear")
		}
	}
	pttl := reps[0].rdb.PTTL(context.Background(), keys[0]).Val()
	if pttl <= 0 || pttl > 300*time.Second {
		t.Fatalf("PTTL %v, want (0, 300s]", pttl)
	}
	if n := len(tokenKeys(t, reps[0].rdb, "lease")); n != 0 {
		t.Fatalf("%d leases left after the refresh", n)
	}
}

// A replica that joins late takes the shared token with the lifetime Redis
// says is left (PTTL), not a fresh full lifetime.
func TestSharedServerRelativeLifetime(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	a := newReplica(t, r, config(ts), auth.SharedCache{})
	tok := mustToken(t, a.src)
	key := tokenKeys(t, a.rdb, "token")[0]
	// Age the shared entry: 200 s left of 300.
	if err := a.rdb.PExpire(context.Background(), key, 200*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	b := newReplica(t, r, config(ts), auth.SharedCache{})
	got, err := b.src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != tok {
		t.Fatal("late replica did not take the shared token")
	}
	left := time.Until(got.Expiry)
	if left > 200*time.Second || left < 190*time.Second {
		t.Fatalf("late replica's token expires in %v, want about 200 s (the remaining TTL)", left)
	}
	if n := tokenRequests(t, ts); n != 1 {
		t.Fatalf("token endpoint saw %d requests, want 1", n)
	}
}

// When the shared entry expires, the next fetch goes to the vendor again.
func TestSharedExpiry(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	a := newReplica(t, r, config(ts), auth.SharedCache{})
	tok := mustToken(t, a.src)
	key := tokenKeys(t, a.rdb, "token")[0]
	if err := a.rdb.PExpire(context.Background(), key, time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	for a.rdb.Exists(context.Background(), key).Val() == 1 {
		time.Sleep(time.Millisecond)
	}
	b := newReplica(t, r, config(ts), auth.SharedCache{})
	if got := mustToken(t, b.src); got == tok {
		t.Fatal("expired shared token was served")
	}
	if n := tokenRequests(t, ts); n != 2 {
		t.Fatalf("token endpoint saw %d requests, want 2", n)
	}
}

// Key ring: a replica with the rotated ring (new key first) opens the value
// sealed with the old key; one without the old key treats it as a miss,
// fetches, and its value is not readable by the old ring. A corrupted value
// is a miss too.
func TestSharedEncryptionKeyRing(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	k2 := bytes.Repeat([]byte{0x22}, 16)
	old := newReplica(t, r, config(ts), auth.SharedCache{Keys: [][]byte{key1}})
	tok := mustToken(t, old.src)
	rotated := newReplica(t, r, config(ts), auth.SharedCache{Keys: [][]byte{k2, key1}})
	if got := mustToken(t, rotated.src); got != tok {
		t.Fatal("rotated ring did not open the old value")
	}
	if n := tokenRequests(t, ts); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
	stranger := newReplica(t, r, config(ts), auth.SharedCache{Keys: [][]byte{bytes.Repeat([]byte{0x33}, 32)}})
	tok2 := mustToken(t, stranger.src)
	if tok2 == tok {
		t.Fatal("a ring without the sealing key read the token")
	}
	if n := tokenRequests(t, ts); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
	// Corrupt the stored value: the next replica fetches its own.
	key := tokenKeys(t, old.rdb, "token")[0]
	if err := old.rdb.Set(context.Background(), key, "garbage-that-is-long-enough-to-hold-a-nonce", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	fresh := newReplica(t, r, config(ts), auth.SharedCache{})
	if got := mustToken(t, fresh.src); got == tok || got == tok2 {
		t.Fatal("corrupt value was used")
	}
	if n := tokenRequests(t, ts); n != 3 {
		t.Fatalf("%d token requests, want 3", n)
	}
}

// Invalidate deletes the shared entry only while it still holds the
// invalidated token.
func TestSharedInvalidateDeleteIfEqual(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	a := newReplica(t, r, config(ts), auth.SharedCache{})
	b := newReplica(t, r, config(ts), auth.SharedCache{})
	t1 := mustToken(t, a.src)
	if mustToken(t, b.src) != t1 {
		t.Fatal("b did not share a's token")
	}
	a.src.Invalidate(t1)
	if n := len(tokenKeys(t, a.rdb, "token")); n != 0 {
		t.Fatal("Invalidate left the shared token that it invalidated")
	}
	t2 := mustToken(t, a.src) // a fresh token, shared again
	if t2 == t1 {
		t.Fatal("no new token after Invalidate")
	}
	// b still holds t1 and learns of the 401 late: t2 must survive.
	b.src.Invalidate(t1)
	if n := len(tokenKeys(t, a.rdb, "token")); n != 1 {
		t.Fatal("a late Invalidate of an old token deleted the newer shared token")
	}
	if got := mustToken(t, b.src); got != t2 {
		t.Fatal("b did not pick up the newer shared token")
	}
	if n := tokenRequests(t, ts); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}

// A lease holder that dies after taking the lease leaves a lease that
// expires; then exactly one other replica asks the vendor and every waiting
// replica gets its token.
func TestSharedLeaseHolderDies(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	// The dead holder's lease expires before the waiters' lease bound
	// would let them take it over; the waiters' own lease is long enough
	// for a token request on a busy machine.
	const deadLeaseTTL, leaseTTL = time.Second, 2 * time.Second
	dier := &fleet.Dying{Leased: make(chan struct{})}
	dier.SharedStore = newReplica(t, r, config(ts), auth.SharedCache{}).store // a store on its own client
	dead, err := auth.New(config(ts), auth.WithSharedCache(auth.SharedCache{Store: dier, Keys: [][]byte{key1}, LeaseTTL: deadLeaseTTL}),
		auth.WithHTTPClient(&http.Client{Transport: fleet.Hang{}}), auth.WithTimeout(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, _ = dead.Token(ctx) }()
	<-dier.Leased
	t.Cleanup(func() { cancel(); dead.Close() })

	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	var reps []*replica
	for range 5 {
		reps = append(reps, newReplica(t, r, config(ts), auth.SharedCache{LeaseTTL: leaseTTL}, auth.WithMetrics(otelmgmt.AuthMetrics(mp))))
	}
	toks := make([]string, len(reps))
	var wg sync.WaitGroup
	for i, rp := range reps {
		wg.Go(func() { toks[i] = mustToken(t, rp.src) })
	}
	wg.Wait()
	for i := range toks {
		if toks[i] != toks[0] {
			t.Fatalf("replica %d got another token", i)
		}
	}
	if n := tokenRequests(t, ts); n != 1 {
		t.Fatalf("token endpoint saw %d requests, want 1 (the dead holder's never left it)", n)
	}
	// What operators see: waits for the dead lease, one token from the
	// vendor and four from the shared cache.
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if d, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, p := range d.DataPoints {
					o, _ := p.Attributes.Value("origin")
					got[m.Name+"/"+o.AsString()] += p.Value
				}
			}
		}
	}
	// Each replica waits for the lease unless it started after the new
	// token was shared, which depends on scheduling: 1 to 5 waits.
	if w := got[auth.MetricLeaseWaits+"/"]; w < 1 || w > 5 {
		t.Errorf("%s = %d, want 1 to 5 (all: %v)", auth.MetricLeaseWaits, w, got)
	}
	want := map[string]int64{
		auth.MetricLeaseTakeovers + "/":     0,
		auth.MetricTokenFetches + "/vendor": 1,
		auth.MetricTokenFetches + "/shared": 4,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
}

// Redis down: a Source still gets its token from the vendor, store calls
// fail instead of blocking, the breaker then answers ErrUnavailable without
// contacting Redis, and after a restart the fleet shares again.
func TestSharedRedisOutage(t *testing.T) {
	r := testenv.RedisTB(t)
	ts := tokenServer(t, 300*time.Second)
	a := newReplica(t, r, config(ts), auth.SharedCache{})
	r.Kill()
	tok := mustToken(t, a.src)
	if tok == "" {
		t.Fatal("no token")
	}
	slow := redisstore.New(newClient(t, r.Addr), redisstore.WithCooldown(time.Hour))
	var re *redisstore.Error
	for i := range 2 {
		if _, _, err := slow.Get(context.Background(), "k"); !errors.As(err, &re) {
			t.Fatalf("Get %d with Redis down: %v, want a *redisstore.Error", i+1, err)
		}
	}
	if _, _, err := slow.Get(context.Background(), "k"); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Fatalf("third Get: %v, want ErrUnavailable from the open breaker", err)
	}
	if err := r.Restart(); err != nil {
		t.Fatal(err)
	}
	// After the breaker's cool-down the store answers again.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, _, err := a.store.Get(context.Background(), "k"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("store did not recover after Redis restarted")
		}
		time.Sleep(10 * time.Millisecond)
	}
	b := newReplica(t, r, config(ts), auth.SharedCache{})
	c := newReplica(t, r, config(ts), auth.SharedCache{})
	if mustToken(t, b.src) != mustToken(t, c.src) {
		t.Fatal("replicas do not share after recovery")
	}
	if n := tokenRequests(t, ts); n != 2 {
		t.Fatalf("%d token requests, want 2 (one during the outage, one after)", n)
	}
}
